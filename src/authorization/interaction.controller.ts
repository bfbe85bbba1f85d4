import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import type Provider from 'oidc-provider';
import { z } from 'zod';
import { extraInputsFor } from '../catalogue/catalogue.js';
import type { Database } from '../db/schema.js';
import type { FranceConnectService } from '../franceconnect/franceconnect.service.js';
import { displayData } from '../wording/values.fr.js';
import type { Gateway } from '../gateway/gateway.service.js';
import { previewItems } from '../sources/items.js';
import { AppError } from '../http/errors.js';
import type { Journal } from '../journal/journal.js';
import type { Registry } from '../registry/registry.service.js';
import { STATUS_TEXTS } from '../sources/item-status.js';
import { insertConsent } from '../transmission/consent.repository.js';
import { type FieldErrors, parseExtraInputs, schoolYears } from './extra-inputs.js';
import { interactionOf } from './interaction.guards.js';
import { type RequestView, requestView } from './request.view-model.js';

export interface InteractionDependencies {
  provider: Provider;
  registry: Registry;
  db: Kysely<Database>;
  franceconnect: FranceConnectService;
  gateway: Gateway;
  journal: Journal;
}

// Steps of the journey after sign-in, in order.
export const JOURNEY_STEPS = [{ title: 'Lire la demande' }, { title: 'Vérifier vos données' }, { title: 'Confirmation' }];

const decisionBody = z.object({ decision: z.enum(['transmettre', 'refuser']) });
const retryBody = z.object({
  source: z
    .string()
    .regex(/^[a-z_]+$/)
    .optional(),
});

/** The preview page's data: items grouped by producer, each with its status in words and its value readably. */
function previewView(request: RequestView, items: ReturnType<typeof previewItems>) {
  const groups = request.groups.map((group) => ({
    name: group.name,
    items: items
      .filter((item) => group.items.some((entry) => entry.scope === item.scope))
      .map((item) => ({
        ...item,
        text: STATUS_TEXTS[item.status],
        why: STATUS_TEXTS[item.status].why(item.producerShort),
        instead: STATUS_TEXTS[item.status].instead(request.organisation),
        rows: displayData(item.data),
      })),
  }));
  const found = items.filter((item) => item.status === 'ok').length;
  return { groups, found, total: items.length, missing: items.filter((item) => item.status !== 'ok') };
}

export function interactionController({ provider, registry, db, franceconnect, gateway, journal }: InteractionDependencies) {
  const renderReading = (
    req: Parameters<RequestHandler>[0],
    res: Parameters<RequestHandler>[1],
    request: RequestView,
    errors: FieldErrors = {},
    status = 200,
  ) => {
    const needed = extraInputsFor(request.scopes);
    const values = { ...(req.body as Record<string, unknown> | undefined) };
    res.status(status).render('demande/lecture.njk', {
      request,
      steps: JOURNEY_STEPS,
      step: 1,
      needed: [...needed],
      errors,
      errorList: Object.entries(errors),
      values,
      schoolYearOptions: schoolYears().map((year) => [year, year]),
    });
  };
  /** The service asks for a new sign-in (prompt=login) or one more recent than the portal's (max_age). */
  const freshSignInAsked = (details: ReturnType<typeof interactionOf>) =>
    details.prompt.name === 'login' && details.prompt.reasons.some((reason) => reason === 'login_prompt' || reason === 'max_age');

  /** The sign-in oidc-provider records, dated when it happened on FranceConnect: auth_time and max_age rest on it. */
  const loginResult = (citizen: { sub: string; signedInAt: number }) => ({
    login: { accountId: citizen.sub, acr: 'eidas1', amr: ['fc'], ts: Math.floor(citizen.signedInAt / 1000) },
  });

  /** GET /demande/:uid — before sign-in the request page; after, the consent page. */
  const show: RequestHandler = async (req, res) => {
    const details = interactionOf(res);
    const view = await requestView(registry, details);
    const citizen = req.session.citizen;
    // Already signed in on the portal: no second FranceConnect round trip, unless the service asks otherwise.
    if (details.prompt.name === 'login' && citizen !== undefined && !freshSignInAsked(details)) {
      await provider.interactionFinished(req, res, loginResult(citizen), { mergeWithLastSubmission: false });
      return;
    }
    if (details.prompt.name === 'consent' && citizen?.sub === details.session?.accountId) {
      renderReading(req, res, view);
      return;
    }
    res.render('demande/demande.njk', { request: view });
  };

  /** POST /demande/:uid/franceconnect — sign in, then come back into this request. */
  const signIn: RequestHandler = async (req, res) => {
    const details = interactionOf(res);
    // FranceConnect is asked for a new sign-in too, or its own session would answer for the person at once.
    const { url, pending } = await franceconnect.start(`/demande/${details.uid}/connexion`, { forceLogin: freshSignInAsked(details) });
    req.session.franceconnect = pending;
    res.redirect(303, url.href);
  };

  /** GET /demande/:uid/connexion — back from FranceConnect, under the interaction's cookie path. */
  const completeLogin: RequestHandler = async (req, res) => {
    const citizen = req.session.citizen;
    if (citizen === undefined) throw new AppError('FC-003', 'retour dans la demande sans usager connecté');
    await provider.interactionFinished(req, res, loginResult(citizen), { mergeWithLastSubmission: false });
  };

  /** POST /demande/:uid/apercu — fetches the items (or retries one source) and keeps them, encrypted, in the session. */
  const fetchPreview: RequestHandler = async (req, res) => {
    const details = interactionOf(res);
    const request = await requestView(registry, details);
    const citizen = req.session.citizen;
    if (citizen === undefined) throw new AppError('FC-003', 'aperçu sans usager connecté');
    const retry = retryBody.safeParse(req.body);
    const previous = req.session.previews?.[details.uid];
    let inputs = previous?.inputs ?? {};
    if (!retry.success || retry.data.source === undefined || previous === undefined) {
      const parsed = parseExtraInputs(req.body as Record<string, unknown>, extraInputsFor(request.scopes));
      if (Object.keys(parsed.errors).length > 0) return renderReading(req, res, request, parsed.errors, 400);
      inputs = parsed.inputs;
    }
    const only = retry.success && previous !== undefined ? retry.data.source : undefined;
    const outcomes = await gateway.preview(request, citizen, inputs, previous?.outcomes, only);
    req.session.previews = { ...req.session.previews, [details.uid]: { outcomes, inputs } };
    res.redirect(303, `/demande/${details.uid}/apercu`);
  };

  /** GET /demande/:uid/apercu — what would be transmitted, item by item, before the choice. */
  const showPreview: RequestHandler = async (req, res) => {
    const details = interactionOf(res);
    const preview = req.session.previews?.[details.uid];
    if (preview === undefined) return res.redirect(303, `/demande/${details.uid}`);
    const request = await requestView(registry, details);
    res.render('demande/apercu.njk', {
      request,
      steps: JOURNEY_STEPS,
      step: 2,
      preview: previewView(request, previewItems(request.scopes, preview.outcomes)),
    });
  };

  /** POST /demande/:uid/decision — the citizen's choice is recorded before anything goes back to the service. */
  const decide: RequestHandler = async (req, res) => {
    const details = interactionOf(res);
    const body = decisionBody.safeParse(req.body);
    if (!body.success) throw new AppError('HTTP-400', 'décision absente ou inconnue');
    const journeys = req.session.journeys ?? {};
    const preview = req.session.previews?.[details.uid];
    if (journeys[details.uid] === undefined) {
      // Nothing is transmitted that the citizen has not seen.
      if (body.data.decision === 'transmettre' && preview === undefined) return res.redirect(303, `/demande/${details.uid}`);
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
      const justificatifId = await db.transaction().execute(async (trx) => {
        await insertConsent(trx, {
          id: consentId,
          citizen_sub: accountId,
          client_id: view.clientId,
          habilitation_id: view.habilitationId,
          scopes: JSON.stringify(view.scopes),
          decision,
          grant_id: grantId ?? null,
          decided_at: Date.now(),
        });
        const citizen = req.session.citizen;
        const citizenName = citizen === undefined ? '' : `${citizen.givenName} ${citizen.familyName}`;
        const issued =
          grantId === undefined || preview === undefined
            ? undefined
            : await gateway.issue({ request: view, consentId, grantId, accountId, citizenName, outcomes: preview.outcomes, db: trx });
        await journal.append(
          {
            type: `consent.${decision}`,
            actor: `citizen:${accountId}`,
            organisationId: view.organisationId,
            subject: `consent:${consentId}`,
            data: {
              clientId: view.clientId,
              procedure: view.procedure,
              habilitationId: view.habilitationId,
              scopes: view.scopes,
              justificatifId: issued?.id ?? null,
              statuses: issued?.elements.map((e) => [e.scope, e.statut]) ?? [],
            },
          },
          trx,
        );
        return issued?.id;
      });
      req.log.info({ event: `consent.${decision}`, consentId, justificatifId, clientId: view.clientId }, 'décision de l’usager enregistrée');
      req.session.journeys = { ...journeys, [details.uid]: { decision, consentId, grantId } };
    }
    // Data fetched for the preview are dropped as soon as the choice is made.
    if (req.session.previews !== undefined) delete req.session.previews[details.uid];
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
    await provider.interactionFinished(req, res, {
      error: 'access_denied',
      error_description: 'La personne a choisi de ne pas transmettre ses données.',
    });
  };

  /** GET /demande/:uid/sans-connexion — "Envoyer mes justificatifs moi-même", before any sign-in. */
  const leaveWithoutSignIn: RequestHandler = async (req, res) => {
    const clientId = String(interactionOf(res).params.client_id);
    const sp = await registry.findServiceProvider(clientId);
    await journal.append({
      type: 'request.declined_before_sign_in',
      actor: 'citizen:anonyme',
      organisationId: sp?.organisation_id ?? null,
      subject: `sp:${clientId}`,
      data: { clientId },
    });
    await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'La personne enverra ses justificatifs elle-même.' });
  };

  return { show, signIn, completeLogin, fetchPreview, showPreview, decide, showEnd, continueToServiceProvider, leaveWithoutSignIn };
}
