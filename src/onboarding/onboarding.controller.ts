import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { renderError } from '../http/error-handler.js';
import { AppError } from '../http/errors.js';
import type { SignInService } from '../oidc-client/sign-in.service.js';
import { habilitationStatus } from '../registry/habilitation.js';
import type { Registry } from '../registry/registry.service.js';
import { isRegistrableUrl } from '../registry/registry.service.js';
import { frenchDate, frenchDateTime } from '../wording/dates.fr.js';
import { HABILITATION_STATUS_TEXTS } from '../wording/labels.fr.js';
import { type HabilitationRequests, isEditable, type Requester } from './habilitation-requests.js';
import type { Instructors } from './instructors.js';
import { FORM_SECTIONS, historyView, listedRequest, stateOfRequest, summaryOf } from './request.view-model.js';
import { formCatalogue, type RawForm, rawForm } from './request-form.js';
import { serviceView } from './service.view-model.js';
import { SECRET_OVERLAP_CHOICES, type ServiceCredentials } from './service-credentials.js';

export interface OnboardingControllerDependencies {
  requests: HabilitationRequests;
  credentials: ServiceCredentials;
  /** A service's activity as its page shows it: the agents' dashboard of that one service (composed in portal.ts). */
  serviceActivity: (organisationId: string, clientId: string) => Promise<object | undefined>;
  instructors: Instructors;
  /** Outside production a service's addresses may be http://localhost. */
  allowLocalHttp: boolean;
  /** Whether this deployment has a test platform: else a service in « bac à sable » cannot be tried here (DEMANDE-006). */
  sandboxServed: boolean;
  registry: Pick<Registry, 'findOrganisationBySiret' | 'serviceProvidersOf' | 'listHabilitations'>;
  proconnect: Pick<SignInService<unknown>, 'start'>;
}

/** The ProConnect account signed in for these spaces (agent.controller.ts writes it at the callback). */
const accountOf = (req: Request) => {
  const account = req.session.proconnectAccount;
  if (account === undefined) throw new Error('compte ProConnect absent : garde manquante');
  return account;
};
const requesterOf = (req: Request): Requester => {
  const account = accountOf(req);
  return { sub: account.sub, email: account.email, name: `${account.givenName} ${account.usualName}`, siret: account.siret };
};
const instructorOf = (req: Request) => {
  const account = accountOf(req);
  return { email: account.email, name: `${account.givenName} ${account.usualName}` };
};

const idParam = z.uuid();
const requestId = (req: Request): string => {
  const parsed = idParam.safeParse(req.params.id);
  if (!parsed.success) throw new AppError('DEMANDE-HAB-001', 'identifiant de demande mal formé');
  return parsed.data;
};
// A message is kept whole up to a length no one types by hand; anything else in the body is ignored.
const message = z
  .unknown()
  .optional()
  .transform((value) => (typeof value === 'string' ? value.trim().slice(0, 4000) : ''));
const messageForm = z.looseObject({ message });
const decisionForm = z.looseObject({ decision: z.enum(['modifications_demandees', 'validee', 'refusee']), message });
const emptyForm = (organisationName: string): RawForm => ({ ...rawForm.parse({}), organisation_nom: organisationName });
const clientIdParam = z.string().regex(/^[a-z0-9][a-z0-9._-]{2,63}$/);
const clientIdOf = (req: Request): string => {
  const parsed = clientIdParam.safeParse(req.params.clientId);
  if (!parsed.success) throw new AppError('DEMANDE-HAB-001', 'client_id mal formé');
  return parsed.data;
};
const renewForm = z.looseObject({
  chevauchement: z.coerce
    .number()
    .pipe(z.union(SECRET_OVERLAP_CHOICES.map((days) => z.literal(days)) as [z.ZodLiteral<0>, z.ZodLiteral<7>, z.ZodLiteral<30>])),
});
const typed = z.unknown().transform((value) => (typeof value === 'string' ? value.trim() : ''));
const productionForm = z.looseObject({ redirect_uris: typed, webhook_url: typed, note: typed });
const keysForm = z.looseObject({ jwks_uri: typed });

/** Signed in with ProConnect, or sent to the space's home page to do so. */
export const requireProConnectAccount =
  (home: string): RequestHandler =>
  (req, res, next) =>
    req.session.proconnectAccount === undefined ? res.redirect(303, home) : next();

/** Instructors only: read again on every request, so that a removal applies at once. */
export const requireInstructor =
  (instructors: Instructors): RequestHandler =>
  async (req, res, next) =>
    (await instructors.isInstructor(accountOf(req).email)) ? next() : renderError(res, 'INSTRUCTION-001');

/** The services' space and the instruction: thin handlers over habilitation-requests.ts. */
export function onboardingController({
  requests,
  credentials,
  serviceActivity,
  instructors,
  registry,
  proconnect,
  allowLocalHttp,
  sandboxServed,
}: OnboardingControllerDependencies) {
  const startSignIn =
    (returnTo: '/fournisseurs' | '/instruction'): RequestHandler =>
    async (req, res) => {
      const { url, pending } = await proconnect.start(returnTo);
      req.session.proconnect = pending;
      res.redirect(303, url.href);
    };

  const renderRequest = async (
    req: Request,
    res: Response,
    found: NonNullable<Awaited<ReturnType<HabilitationRequests['forRequester']>>>,
    extra: object = {},
  ) => {
    const { request, history, form } = found;
    res.render('fournisseurs/demande.njk', {
      request: {
        ...listedRequest(request),
        // A prolongation is not edited: its questions go through the messages.
        editable: isEditable(request) && request.kind === 'initiale',
        clientId: request.client_id,
        state: stateOfRequest(request),
        raw: request.state,
        kind: request.kind,
        requester: request.requester_name,
        byThisPerson: request.requester_sub === accountOf(req).sub,
      },
      sections: FORM_SECTIONS,
      catalogue: formCatalogue(),
      values: form,
      errors: {},
      summary: summaryOf(form),
      history: historyView(history),
      secretWaiting: await requests.secretWaiting(request),
      sandboxServed,
      ...extra,
    });
  };

  /** A service of the person's organisation: its activity, its credentials and what this person may change. */
  const renderService = async (req: Request, res: Response, clientId: string, extra: object = {}) => {
    const person = requesterOf(req);
    const service = await credentials.ownService(person, clientId);
    const production = service.environment === 'bac_a_sable' ? await requests.productionRequestOf(clientId) : undefined;
    res.render('fournisseurs/service.njk', {
      service: serviceView(service, Date.now()),
      production: production === undefined ? undefined : listedRequest(production),
      p: await serviceActivity(service.organisation_id, clientId),
      mayChange: await credentials.mayChange(person, clientId),
      sandboxServed,
      overlapChoices: SECRET_OVERLAP_CHOICES,
      errors: {},
      values: {},
      ...extra,
    });
  };

  return {
    /** Signed out: what the space is for and ProConnect; signed in: the organisation's services and requests. */
    providersHome: (async (req, res) => {
      const account = req.session.proconnectAccount;
      if (account === undefined) return res.render('fournisseurs/accueil.njk', { signedOut: req.query.deconnexion === 'ok' });
      const organisation = await registry.findOrganisationBySiret(account.siret);
      const services = organisation === undefined ? [] : await registry.serviceProvidersOf(organisation.id);
      const withHabilitations = await Promise.all(
        services.map(async (service) => ({
          ...service,
          habilitations: (await registry.listHabilitations(service.client_id)).map((h) => ({
            id: h.id,
            state: HABILITATION_STATUS_TEXTS[habilitationStatus(h)],
            until: frenchDate(h.valid_until),
            prolongable: requests.prolongable(h),
          })),
        })),
      );
      res.render('fournisseurs/accueil.njk', {
        account,
        organisation: organisation?.name,
        services: withHabilitations,
        requests: (await requests.ofOrganisation(account.siret)).map(listedRequest),
      });
    }) satisfies RequestHandler,

    providersSignIn: startSignIn('/fournisseurs'),
    instructionSignIn: startSignIn('/instruction'),

    newRequest: (async (req, res) => {
      const organisation = await registry.findOrganisationBySiret(accountOf(req).siret);
      res.render('fournisseurs/demande.njk', {
        request: undefined,
        sections: FORM_SECTIONS,
        catalogue: formCatalogue(),
        values: emptyForm(organisation?.name ?? ''),
        errors: {},
      });
    }) satisfies RequestHandler,

    /** Saves what was typed (a new request, or an editable one), and submits it when asked and complete. */
    saveRequest: (async (req, res) => {
      const id = req.params.id === undefined ? undefined : requestId(req);
      const submit = req.body?.action === 'soumettre';
      const { request, errors } = await requests.save(requesterOf(req), req.body, { id, submit });
      if (errors !== undefined) {
        const found = await requests.forRequester(requesterOf(req), request.id);
        if (found === undefined) throw new AppError('DEMANDE-HAB-001', 'demande disparue');
        return renderRequest(req, res.status(400), found, { errors, notice: 'brouillon-incomplet' });
      }
      res.redirect(303, `/fournisseurs/demandes/${request.id}?${submit ? 'soumise' : 'enregistree'}=1`);
    }) satisfies RequestHandler,

    showRequest: (async (req, res) => {
      const found = await requests.forRequester(requesterOf(req), requestId(req));
      if (found === undefined) throw new AppError('DEMANDE-HAB-001', 'demande inconnue ou d’une autre organisation');
      await renderRequest(req, res, found, { notice: 'soumise' in req.query ? 'soumise' : 'enregistree' in req.query ? 'enregistree' : undefined });
    }) satisfies RequestHandler,

    requesterMessage: (async (req, res) => {
      const id = requestId(req);
      const { message } = messageForm.parse(req.body ?? {});
      if (message !== '') await requests.message({ requester: requesterOf(req) }, id, message);
      res.redirect(303, `/fournisseurs/demandes/${id}#historique`);
    }) satisfies RequestHandler,

    /** « Prolonger »: the habilitation's terms, and a note for the instructors. */
    showProlongation: (async (req, res) => {
      const { habilitation, service } = await requests.prolongationOf(requesterOf(req), String(req.params.id));
      res.render('fournisseurs/prolongation.njk', {
        habilitation: {
          id: habilitation.id,
          procedure: service.procedure_name,
          until: frenchDate(habilitation.valid_until),
          purpose: habilitation.purpose,
          prolongable: requests.prolongable(habilitation),
        },
      });
    }) satisfies RequestHandler,

    prolong: (async (req, res) => {
      const { message: note } = messageForm.parse(req.body ?? {});
      const request = await requests.prolong(requesterOf(req), String(req.params.id), note);
      res.redirect(303, `/fournisseurs/demandes/${request.id}?soumise=1`);
    }) satisfies RequestHandler,

    /** The new service's secret, once; the page is never stored by the browser. */
    revealSecret: (async (req, res) => {
      const id = requestId(req);
      const revealed = await requests.revealSecret(requesterOf(req), id);
      res.set('cache-control', 'no-store').render('fournisseurs/secret.njk', { revealed, requestId: id });
    }) satisfies RequestHandler,

    showService: (async (req, res) => {
      await renderService(req, res, clientIdOf(req), { notice: typeof req.query.fait === 'string' ? req.query.fait : undefined });
    }) satisfies RequestHandler,

    /** A new secret, shown once on this answer, never stored by the browser. */
    renewSecret: (async (req, res) => {
      const clientId = clientIdOf(req);
      const form = renewForm.safeParse(req.body ?? {});
      if (!form.success) throw new AppError('HTTP-400', 'durée de chevauchement hors des choix');
      const rotated = await credentials.renewSecret(requesterOf(req), clientId, form.data.chevauchement);
      res.set('cache-control', 'no-store').render('fournisseurs/secret.njk', {
        revealed: {
          clientId,
          secret: rotated.secret,
          previousUntil: rotated.previousUntil === undefined ? undefined : frenchDateTime(rotated.previousUntil),
        },
        renewed: true,
      });
    }) satisfies RequestHandler,

    endOverlap: (async (req, res) => {
      const clientId = clientIdOf(req);
      await credentials.endOverlap(requesterOf(req), clientId);
      res.redirect(303, `/fournisseurs/services/${clientId}?fait=ancien-secret-arrete`);
    }) satisfies RequestHandler,

    /** « Passer en production »: a request for the second approval, with the production addresses. */
    askProduction: (async (req, res) => {
      const clientId = clientIdOf(req);
      const input = productionForm.parse(req.body ?? {});
      // Production's secret goes to whoever asks: the same two people as for the sandbox service's credentials.
      await credentials.keeperService(requesterOf(req), clientId);
      const asked = await requests.askProduction(requesterOf(req), clientId, input);
      if (asked.errors !== undefined) return renderService(req, res.status(400), clientId, { errors: asked.errors, values: input });
      res.redirect(303, `/fournisseurs/demandes/${asked.request.id}?soumise=1`);
    }) satisfies RequestHandler,

    /** Keys published at an address: a wrong address is said next to its field, what was typed kept. */
    useKeysAt: (async (req, res) => {
      const clientId = clientIdOf(req);
      const { jwks_uri: jwksUri } = keysForm.parse(req.body ?? {});
      if (!isRegistrableUrl(jwksUri, allowLocalHttp)) {
        return renderService(req, res.status(400), clientId, {
          errors: {
            jwks_uri:
              'Saisissez l’adresse https exacte où votre service publie ses clés publiques. Exemple : https://demarche.mairie.fr/.well-known/jwks.json',
          },
          values: { jwks_uri: jwksUri },
        });
      }
      await credentials.useKeysAt(requesterOf(req), clientId, jwksUri);
      res.redirect(303, `/fournisseurs/services/${clientId}?fait=cles`);
    }) satisfies RequestHandler,

    /** The instructors' queue. */
    queue: (async (req, res) => {
      if (req.session.proconnectAccount === undefined) return res.render('instruction/file.njk', { signedOut: req.query.deconnexion === 'ok' });
      if (!(await instructors.isInstructor(req.session.proconnectAccount.email))) return renderError(res, 'INSTRUCTION-001');
      res.render('instruction/file.njk', { account: req.session.proconnectAccount, requests: (await requests.queue()).map(listedRequest) });
    }) satisfies RequestHandler,

    instructRequest: (async (req, res) => {
      const found = await requests.forInstructor(requestId(req));
      if (found === undefined) throw new AppError('DEMANDE-HAB-001', 'demande inconnue');
      res.render('instruction/demande.njk', {
        request: {
          ...listedRequest(found.request),
          raw: found.request.state,
          kind: found.request.kind,
          habilitationId: found.request.habilitation_id,
          clientId: found.request.client_id,
          sourceClientId: found.request.source_client_id,
          requester: found.request.requester_name,
          email: found.request.requester_email,
        },
        summary: summaryOf(found.form),
        history: historyView(found.history),
        decided: 'decision' in req.query,
      });
    }) satisfies RequestHandler,

    decide: (async (req, res) => {
      const id = requestId(req);
      const form = decisionForm.safeParse(req.body ?? {});
      if (!form.success) throw new AppError('DEMANDE-HAB-003', 'décision inconnue');
      await requests.decide(instructorOf(req), id, form.data.decision, form.data.message === '' ? null : form.data.message);
      res.redirect(303, `/instruction/demandes/${id}?decision=1`);
    }) satisfies RequestHandler,

    instructorMessage: (async (req, res) => {
      const id = requestId(req);
      const { message } = messageForm.parse(req.body ?? {});
      if (message !== '') await requests.message({ instructor: instructorOf(req) }, id, message);
      res.redirect(303, `/instruction/demandes/${id}#historique`);
    }) satisfies RequestHandler,
  };
}
