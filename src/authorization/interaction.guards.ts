import type { RequestHandler, Response } from 'express';
import type Provider from 'oidc-provider';
import { errors } from 'oidc-provider';
import { isRecentSignIn } from '../franceconnect/citizen-session.js';
import { AppError } from '../http/errors.js';
import type { InteractionDetails } from './request.view-model.js';

const stale = (reason: string, cause?: unknown) => new AppError('DEMANDE-001', reason, { cause });

/** Loads the interaction named in the path; a stale, finished or foreign one ends on "Cette demande n’est plus valide". */
export const loadInteraction =
  (provider: Provider): RequestHandler =>
  async (req, res, next) => {
    let details: InteractionDetails;
    try {
      details = await provider.interactionDetails(req, res);
    } catch (error) {
      if (error instanceof errors.SessionNotFound) throw stale('interaction introuvable ou expirée', error);
      throw error;
    }
    if (details.uid !== req.params.uid) throw stale('interaction différente de celle du cookie');
    res.locals.interaction = details;
    next();
  };

export const interactionOf = (res: Response): InteractionDetails => res.locals.interaction as InteractionDetails;

/** Each step runs at one point of the journey only: the prompt oidc-provider is waiting for. */
export const requirePrompt =
  (name: 'login' | 'consent'): RequestHandler =>
  (_req, res, next) => {
    if (interactionOf(res).prompt.name !== name) throw stale(`étape attendue : ${name}, étape en cours : ${interactionOf(res).prompt.name}`);
    next();
  };

/** The citizen signed in on the portal must be the one oidc-provider authenticated for this request. */
export const requireSameCitizen: RequestHandler = (req, res, next) => {
  const citizen = req.session.citizen;
  if (citizen === undefined || citizen.sub !== interactionOf(res).session?.accountId)
    throw stale('usager absent ou différent de celui de la demande');
  next();
};

/** The decision made on this request, needed by the last two steps. */
export const requireDecision: RequestHandler = (req, res, next) => {
  if (req.session.journeys?.[interactionOf(res).uid] === undefined) throw stale('aucune décision enregistrée pour cette demande');
  next();
};

/** Consent rests on a recent FranceConnect sign-in; an older one leads back to the request page, which asks for a new one. */
export const requireRecentSignIn: RequestHandler = (req, res, next) => {
  const citizen = req.session.citizen;
  if (citizen !== undefined && !isRecentSignIn(citizen)) return res.redirect(303, `/demande/${interactionOf(res).uid}`);
  next();
};
