import express from 'express';
import { requireCsrfToken, requireSameOriginForm } from '../http/csrf.js';
import { formRateLimit } from '../http/form-rate-limit.js';
import { type Route, routerFrom } from '../http/route-table.js';
import { type InteractionDependencies, interactionController } from './interaction.controller.js';
import { loadInteraction, requireDecision, requirePrompt, requireRecentSignIn, requireSameCitizen } from './interaction.guards.js';

const formBody = express.urlencoded({ extended: false, limit: '8kb' });

/** A service provider's request, step by step. Every path sits under the interaction cookie's path. */
export function interactionRoutes(dependencies: InteractionDependencies, formRateLimitPerMinute: number) {
  const c = interactionController(dependencies);
  const interaction = loadInteraction(dependencies.provider);
  const postLimit = formRateLimit(formRateLimitPerMinute);
  const routes: Route[] = [
    { method: 'get', path: '/demande/:uid', guards: [interaction], handler: c.show },
    { method: 'post', path: '/demande/:uid/franceconnect', guards: [postLimit, formBody, requireSameOriginForm, interaction], handler: c.signIn },
    { method: 'get', path: '/demande/:uid/connexion', guards: [interaction], handler: c.completeLogin },
    { method: 'get', path: '/demande/:uid/sans-connexion', guards: [interaction, requirePrompt('login')], handler: c.leaveWithoutSignIn },
    {
      method: 'post',
      path: '/demande/:uid/apercu',
      guards: [postLimit, formBody, requireCsrfToken, interaction, requirePrompt('consent'), requireSameCitizen, requireRecentSignIn],
      handler: c.fetchPreview,
    },
    {
      method: 'get',
      path: '/demande/:uid/apercu',
      guards: [interaction, requirePrompt('consent'), requireSameCitizen, requireRecentSignIn],
      handler: c.showPreview,
    },
    {
      method: 'post',
      path: '/demande/:uid/decision',
      guards: [postLimit, formBody, requireCsrfToken, interaction, requirePrompt('consent'), requireSameCitizen, requireRecentSignIn],
      handler: c.decide,
    },
    {
      method: 'get',
      path: '/demande/:uid/fin',
      guards: [interaction, requirePrompt('consent'), requireSameCitizen, requireDecision],
      handler: c.showEnd,
    },
    {
      method: 'get',
      path: '/demande/:uid/continuer',
      guards: [interaction, requirePrompt('consent'), requireSameCitizen, requireDecision],
      handler: c.continueToServiceProvider,
    },
  ];
  return routerFrom(routes);
}
