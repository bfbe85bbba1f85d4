import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import type Provider from 'oidc-provider';
import { z } from 'zod';
import type { Database } from '../db/schema.js';
import type { FranceConnectService } from '../franceconnect/sign-in.service.js';
import { AppError } from '../http/errors.js';
import type { Registry } from '../registry/registry.service.js';
import { insertConsent } from './consent.repository.js';
import { interactionOf } from './interaction.guards.js';
import { requestView } from './request.view-model.js';

export interface InteractionDependencies {
  provider: Provider;
  registry: Registry;
  db: Kysely<Database>;
  franceconnect: FranceConnectService;
}

// Steps of the journey after sign-in, in order; the gateway's preview step goes between reading and deciding.
export const JOURNEY_STEPS = [{ title: 'Lire la demande' }, { title: 'Confirmation' }];

const decisionBody = z.object({ decision: z.enum(['transmettre', 'refuser']) });

export function interactionController({ provider, registry, db, franceconnect }: InteractionDependencies) {
  /** GET /demande/:uid — before sign-in the request page; after, the consent page. */
  const show: RequestHandler = async (req, res) => {
    const details = interactionOf(res);
    const view = await requestView(registry, details);
    const citizen = req.session.citizen;
    if (details.prompt.name === 'login' && citizen !== undefined) {
      // Already signed in on the portal: no second FranceConnect round trip.
      await provider.interactionFinished(req, res, { login: { accountId: citizen.sub, acr: 'eidas1', amr: ['fc'] } }, { mergeWithLastSubmission: false });
      return;
    }
    if (details.prompt.name === 'consent' && citizen?.sub === details.session?.accountId) {
      res.render('demande/lecture.njk', { request: view, steps: JOURNEY_STEPS, step: 1 });
      return;
    }
    res.render('demande/demande.njk', { request: view });
  };

  /** POST /demande/:uid/franceconnect — sign in, then come back into this request. */
  const signIn: RequestHandler = async (req, res) => {
    const { url, pending } = await franceconnect.start(`/demande/${interactionOf(res).uid}/connexion`);
    req.session.franceconnect = pending;
    res.redirect(303, url.href);
  };

  /** GET /demande/:uid/connexion — back from FranceConnect, under the interaction's cookie path. */
  const completeLogin: RequestHandler = async (req, res) => {
    const citizen = req.session.citizen;
    if (citizen === undefined) throw new AppError('FC-003', 'retour dans la demande sans usager connecté');
    await provider.interactionFinished(req, res, { login: { accountId: citizen.sub, acr: 'eidas1', amr: ['fc'] } }, { mergeWithLastSubmission: false });
  };

  /** POST /demande/:uid/decision — the citizen's choice is recorded before anything goes back to the service. */
  const decide: RequestHandler = async (req, res) => {
    const details = interactionOf(res);
    const body = decisionBody.safeParse(req.body);
    if (!body.success) throw new AppError('HTTP-400', 'décision absente ou inconnue');
    const journeys = req.session.journeys ?? {};
    if (journeys[details.uid] === undefined) {
      const view = await requestView(registry, details);
      const accountId = String(details.session?.accountId);
      const consentId = randomUUID();
      let grantId: string | undefined;
      if (body.data.decision === 'transmettre') {
        const grant = new provider.Grant({ accountId, clientId: view.clientId });
        grant.addOIDCScope(['openid', ...view.scopes].join(' '));
        grantId = await grant.save();
      }
      const decision = grantId === undefined ? 'refused' : 'transmitted';
      await insertConsent(db, {
        id: consentId,
        citizen_sub: accountId,
        client_id: view.clientId,
        habilitation_id: view.habilitationId,
        scopes: JSON.stringify(view.scopes),
        decision,
        grant_id: grantId ?? null,
        decided_at: Date.now(),
      });
      req.log.info({ event: `consent.${decision}`, consentId, clientId: view.clientId, habilitationId: view.habilitationId, scopes: view.scopes }, 'décision de l’usager enregistrée');
      req.session.journeys = { ...journeys, [details.uid]: { decision, consentId, grantId } };
    }
    res.redirect(303, `/demande/${details.uid}/fin`);
  };

  /** GET /demande/:uid/fin — the confirmation, with a button back to the service (the code is issued on click). */
  const showEnd: RequestHandler = async (req, res) => {
    const details = interactionOf(res);
    const journey = req.session.journeys?.[details.uid];
    res.render('demande/fin.njk', { request: await requestView(registry, details), journey, steps: JOURNEY_STEPS, step: JOURNEY_STEPS.length });
  };

  /** GET /demande/:uid/continuer — completes the authorization: a code, or access_denied. */
  const continueToServiceProvider: RequestHandler = async (req, res) => {
    const details = interactionOf(res);
    const journey = req.session.journeys?.[details.uid];
    if (req.session.journeys !== undefined) delete req.session.journeys[details.uid];
    if (journey?.grantId !== undefined) {
      await provider.interactionFinished(req, res, { consent: { grantId: journey.grantId } }, { mergeWithLastSubmission: true });
      return;
    }
    await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'La personne a choisi de ne pas transmettre ses données.' });
  };

  /** GET /demande/:uid/sans-connexion — "Envoyer mes justificatifs moi-même", before any sign-in. */
  const leaveWithoutSignIn: RequestHandler = async (req, res) => {
    req.log.info({ event: 'request.declined_before_sign_in', clientId: String(interactionOf(res).params.client_id) }, 'demande quittée avant connexion');
    await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'La personne enverra ses justificatifs elle-même.' });
  };

  return { show, signIn, completeLogin, decide, showEnd, continueToServiceProvider, leaveWithoutSignIn };
}
