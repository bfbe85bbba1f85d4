import type { Request, RequestHandler, Response } from 'express';
import type Provider from 'oidc-provider';
import { z } from 'zod';
import { franceConnectScopes } from '../catalogue/call-modes.js';
import { extraInputsFor } from '../catalogue/catalogue.js';
import { CANCELLED, citizenOn, isLiveToken, isRecentSignIn } from '../franceconnect/citizen-session.js';
import { type Platforms, platformOf } from '../gateway/platforms.js';
import { AppError } from '../http/errors.js';
import type { Journal } from '../journal/journal.js';
import type { DataRequest } from '../registry/data-request.js';
import type { Registry } from '../registry/registry.service.js';
import { IDENTITY_VARIANT_NAMES, IDENTITY_VARIANTS, variantsFor } from '../sources/identity-variants.js';
import { requestedItems } from '../sources/items.js';
import type { Transmissions } from '../transmission/transmission.js';
import { JOURNEY_STEPS, OUTCOME_TEXTS, SIGN_IN_CANCELLED_NOTICE } from '../wording/labels.fr.js';
import { type FieldErrors, parseExtraInputs, schoolYears } from './extra-inputs.js';
import { interactionOf } from './interaction.guards.js';
import { previewView, requestOfInteraction, requestView } from './request.view-model.js';

export interface InteractionDependencies {
  provider: Provider;
  registry: Registry;
  platforms: Platforms;
  transmissions: Transmissions;
  journal: Journal;
}

const decisionBody = z.object({ decision: z.enum(['transmettre', 'refuser']) });
const retryBody = z.object({
  source: z
    .string()
    .regex(/^[a-z_]+$/)
    .optional(),
  /** A documented variant of the identity (sources/identity-variants.ts), for a source that did not recognise it. */
  variante: z.enum(IDENTITY_VARIANT_NAMES).optional(),
});

export function interactionController({ provider, registry, platforms, transmissions, journal }: InteractionDependencies) {
  /** FranceConnect and the data providers of the request's service: production's, or the test platform in « bac à sable ». */
  const platformFor = (request: DataRequest) => {
    const platform = platformOf(platforms, request.environment);
    // The habilitation guard refuses such a service at /oidc/auth already; an interaction begun before a restart may not.
    if (platform === undefined) throw new AppError('DEMANDE-006', `service en bac à sable ${request.clientId} sans plateforme de test ici`);
    return platform;
  };

  /** The request of this interaction and its page view; a request without a habilitation in force stops here. */
  const requestOf = async (res: Response) => {
    const details = interactionOf(res);
    const request = await requestOfInteraction(registry, details);
    return { details, request, view: requestView(request, details.uid) };
  };
  type RequestAndView = Awaited<ReturnType<typeof requestOf>>;

  const renderReading = (req: Request, res: Response, { request, view }: RequestAndView, errors: FieldErrors = {}, status = 200) => {
    const needed = extraInputsFor(request.scopes);
    const values = { ...(req.body as Record<string, unknown> | undefined) };
    res.status(status).render('demande/lecture.njk', {
      request: view,
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

  /** The FranceConnect data scopes a request asks at sign-in: those of its APIs asked with the citizen's token. */
  const dataScopesOf = (request: DataRequest) => franceConnectScopes(request.scopes, request.callModes);

  /** Off to FranceConnect, for a sign-in that comes back into this request with its data scopes consented to. */
  const toFranceConnect = async (req: Request, res: Response, uid: string, request: DataRequest, forceLogin: boolean) => {
    const { url, pending } = await platformFor(request).franceconnect.start(`/demande/${uid}/connexion`, {
      forceLogin,
      dataScopes: dataScopesOf(request),
    });
    // The callback completes the sign-in with the same platform's FranceConnect.
    req.session.franceconnect = { ...pending, environment: request.environment };
    res.redirect(303, url.href);
  };

  /** The citizen's FranceConnect token, while it still lives: fetching with it happens now or never. */
  const liveToken = (req: Request) => {
    const token = req.session.franceconnectToken;
    return isLiveToken(token) ? token.value : undefined;
  };

  /** The sign-in oidc-provider records, dated when it happened on FranceConnect: auth_time and max_age rest on it. */
  const loginResult = (citizen: { sub: string; signedInAt: number }) => ({
    login: { accountId: citizen.sub, acr: 'eidas1', amr: ['fc'], ts: Math.floor(citizen.signedInAt / 1000) },
  });

  /** GET /demande/:uid — before sign-in the request page; after, the consent page. */
  const show: RequestHandler = async (req, res) => {
    const asked = await requestOf(res);
    const { details, view, request } = asked;
    // Signed in on the other platform (production's FranceConnect for a service in « bac à sable », or the reverse):
    // not signed in for this request.
    const citizen = citizenOn(req, request.environment);
    const recent = citizen !== undefined && isRecentSignIn(citizen);
    // Already signed in on the portal, recently: no second FranceConnect round trip, unless the service asks otherwise
    // or data are to be asked with a token, which only a sign-in that consents to their scopes gives.
    if (details.prompt.name === 'login' && citizen !== undefined && recent && !freshSignInAsked(details) && dataScopesOf(request).length === 0) {
      await provider.interactionFinished(req, res, loginResult(citizen), { mergeWithLastSubmission: false });
      return;
    }
    const sameCitizen = citizen !== undefined && citizen.sub === details.session?.accountId;
    if (details.prompt.name === 'consent' && sameCitizen && recent) {
      renderReading(req, res, asked);
      return;
    }
    // A sign-in too old to consent with is said so, next to the button that renews it; so is a cancelled one,
    // with the way back to the service.
    res.render('demande/demande.njk', {
      request: view,
      signInExpired: citizen !== undefined && !recent,
      cancelled: req.query.connexion === CANCELLED ? SIGN_IN_CANCELLED_NOTICE : undefined,
    });
  };

  /** POST /demande/:uid/franceconnect — sign in, then come back into this request. */
  const signIn: RequestHandler = async (req, res) => {
    const { details, request } = await requestOf(res);
    // FranceConnect is asked for a new sign-in too, or its own session would answer for the person at once.
    // A renewed sign-in is a new authentication too, not FranceConnect's own session answering for the person.
    const renewal = req.session.citizen !== undefined;
    await toFranceConnect(req, res, details.uid, request, freshSignInAsked(details) || renewal);
  };

  /**
   * GET /demande/:uid/connexion — back from FranceConnect, under the interaction's cookie path. The APIs asked with the
   * citizen's token are asked now, while it lives (60 s); an expired one means a new sign-in, not an error.
   */
  const completeLogin: RequestHandler = async (req, res) => {
    const { details, request } = await requestOf(res);
    const citizen = citizenOn(req, request.environment);
    if (citizen === undefined) throw new AppError('FC-003', 'retour dans la demande sans usager connecté');
    const { gateway } = platformFor(request);
    // A new sign-in was asked: only a FranceConnect sign-in made after the request arrived completes it, not the
    // portal's earlier one reached by typing this address. Back to the request page and its FranceConnect button.
    if (freshSignInAsked(details) && citizen.signedInAt < (details.iat ?? Number.POSITIVE_INFINITY) * 1000) {
      req.log.warn({ event: 'login.not_fresh', uid: details.uid }, 'nouvelle connexion demandée par le service, ancienne connexion refusée');
      return res.redirect(303, `/demande/${details.uid}`);
    }
    const previous = req.session.previews?.[details.uid];
    if (dataScopesOf(request).length > 0) {
      // Answers obtained with an earlier token are asked again with this one.
      const resume = previous?.resume === true;
      const step = { previous: previous?.outcomes.filter((o) => o.via !== 'france_connect'), franceConnectToken: liveToken(req), tokenOnly: !resume };
      if (step.franceConnectToken === undefined && gateway.needsToken(request, { ...step, tokenOnly: false })) {
        req.log.info(
          { event: 'franceconnect.token_expired', uid: details.uid },
          'jeton FranceConnect expiré avant l’interrogation : nouvelle connexion',
        );
        return toFranceConnect(req, res, details.uid, request, false);
      }
      const outcomes = await gateway.preview(request, citizen, previous?.inputs ?? {}, step);
      req.session.previews = {
        ...req.session.previews,
        [details.uid]: { outcomes, inputs: previous?.inputs ?? {}, tried: previous?.tried ?? {}, shown: resume || (previous?.shown ?? false) },
      };
    }
    // A sign-in: or another person than the one the authorization server's session knew (another platform's, or
    // someone else on this browser), whose sign-in replaces it.
    if (details.prompt.name === 'login' || details.session?.accountId !== citizen.sub) {
      await provider.interactionFinished(req, res, loginResult(citizen), { mergeWithLastSubmission: false });
      return;
    }
    // A new sign-in asked from the consent step or the preview (the token expired meanwhile) returns to the preview.
    res.redirect(303, req.session.previews?.[details.uid]?.shown === true ? `/demande/${details.uid}/apercu` : `/demande/${details.uid}`);
  };

  /** POST /demande/:uid/apercu — fetches the items (or retries one source) and keeps them, encrypted, in the session. */
  const fetchPreview: RequestHandler = async (req, res) => {
    const asked = await requestOf(res);
    const { details, request } = asked;
    const citizen = citizenOn(req, request.environment);
    if (citizen === undefined) throw new AppError('FC-003', 'aperçu sans usager connecté');
    const { gateway } = platformFor(request);
    const retry = retryBody.safeParse(req.body);
    const previous = req.session.previews?.[details.uid];
    let inputs = previous?.inputs ?? {};
    if (!retry.success || retry.data.source === undefined || previous === undefined) {
      const parsed = parseExtraInputs(req.body as Record<string, unknown>, extraInputsFor(request.scopes));
      if (Object.keys(parsed.errors).length > 0) return renderReading(req, res, asked, parsed.errors, 400);
      inputs = parsed.inputs;
    }
    const only = retry.success && previous !== undefined ? retry.data.source : undefined;
    const tried = previous?.tried ?? {};
    const variant = retry.success && only !== undefined ? retry.data.variante : undefined;
    // Only a variant that changes this identity and was not tried yet for this source; never anything typed.
    if (variant !== undefined && (only === undefined || !variantsFor(citizen, tried[only]).includes(variant)))
      throw new AppError('HTTP-400', `variante ${variant} inapplicable ou déjà essayée`);
    const identity = variant === undefined ? citizen : IDENTITY_VARIANTS[variant].apply(citizen);
    const step = { previous: previous?.outcomes, only, franceConnectToken: liveToken(req) };
    if (step.franceConnectToken === undefined && gateway.needsToken(request, step)) {
      // What was typed is kept for the way back; the token's sixty seconds are over: a new sign-in gives another.
      req.session.previews = {
        ...req.session.previews,
        [details.uid]: { outcomes: previous?.outcomes ?? [], inputs, tried, resume: true },
      };
      req.log.info({ event: 'franceconnect.token_expired', uid: details.uid }, 'jeton FranceConnect expiré : nouvelle connexion');
      return toFranceConnect(req, res, details.uid, request, false);
    }
    const outcomes = await gateway.preview(request, identity, inputs, step);
    if (variant !== undefined && only !== undefined) {
      tried[only] = [...(tried[only] ?? []), variant];
      const outcome = outcomes.find((candidate) => candidate.api === only);
      await journal.append({
        type: 'source.retried',
        actor: `citizen:${citizen.sub}`,
        organisationId: request.organisation.id,
        subject: `source:${only}`,
        data: { variante: variant, status: outcome?.status ?? null },
      });
    }
    req.session.previews = { ...req.session.previews, [details.uid]: { outcomes, inputs, tried, shown: true } };
    res.redirect(303, `/demande/${details.uid}/apercu`);
  };

  /** GET /demande/:uid/apercu — what would be transmitted, item by item, before the choice. */
  const showPreview: RequestHandler = async (req, res) => {
    const details = interactionOf(res);
    const preview = req.session.previews?.[details.uid];
    // Answers asked with the token right after the sign-in wait for the consent step's own.
    if (preview === undefined || preview.shown === false) return res.redirect(303, `/demande/${details.uid}`);
    const { request, view } = await requestOf(res);
    const citizen = citizenOn(req, request.environment);
    if (citizen === undefined) throw new AppError('FC-003', 'aperçu sans usager connecté');
    res.render('demande/apercu.njk', {
      request: view,
      steps: JOURNEY_STEPS,
      step: 2,
      preview: previewView(view, requestedItems(request.scopes, preview.outcomes, request.derivations), {
        identity: citizen,
        tried: preview.tried ?? {},
        answers: preview.outcomes.filter((outcome) => outcome.status === 'ok').map((outcome) => outcome.data),
        inputs: preview.inputs,
      }),
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
      const { request } = await requestOf(res);
      const citizen = citizenOn(req, request.environment);
      const decided = await transmissions.decide({
        request,
        citizen: {
          sub: String(details.session?.accountId),
          person: { givenNames: citizen?.givenName ?? '', familyName: citizen?.familyName ?? '', birthDate: citizen?.birthdate },
        },
        outcomes: preview?.outcomes,
        decision: body.data.decision === 'transmettre' ? 'transmitted' : 'refused',
      });
      const { decision, consentId, grantId } = decided;
      req.log.info(
        { event: `consent.${decision}`, consentId, justificatifId: decided.justificatif?.id, clientId: request.clientId },
        'décision de l’usager enregistrée',
      );
      req.session.journeys = { ...journeys, [details.uid]: { decision, consentId, grantId, justificatif: decided.justificatif } };
    }
    // Data fetched for the preview, and the token they were asked with, are dropped as soon as the choice is made.
    if (req.session.previews !== undefined) delete req.session.previews[details.uid];
    delete req.session.franceconnectToken;
    res.redirect(303, `/demande/${details.uid}/fin`);
  };

  /** GET /demande/:uid/fin — the confirmation, with a button back to the service (the code is issued on click). */
  const showEnd: RequestHandler = async (req, res) => {
    const details = interactionOf(res);
    const journey = req.session.journeys?.[details.uid];
    res.render('demande/fin.njk', {
      request: (await requestOf(res)).view,
      journey,
      outcomes: OUTCOME_TEXTS,
      steps: JOURNEY_STEPS,
      step: JOURNEY_STEPS.length,
    });
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
