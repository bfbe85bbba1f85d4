import express from 'express';
import { requireCsrfToken, requireSameOriginForm } from '../http/csrf.js';
import { formRateLimit } from '../http/form-rate-limit.js';
import { type Route, routerFrom } from '../http/route-table.js';
import type { SignInService } from '../oidc-client/sign-in.service.js';
import { type SignOutOptions, startSignOut } from '../oidc-client/sign-out.controller.js';
import { type OnboardingControllerDependencies, onboardingController, requireInstructor, requireProConnectAccount } from './onboarding.controller.js';

// The request form is the largest the portal takes: 20 fields of up to 2,000 characters and the scopes.
const formBody = express.urlencoded({ extended: false, limit: '64kb' });

/** /fournisseurs for the services' staff and /instruction for the portal's instructors, both signed in with ProConnect. */
export function onboardingRoutes(
  dependencies: OnboardingControllerDependencies & {
    proconnect: SignInService<unknown>;
    cookieName: string;
    formRateLimitPerMinute: number;
  },
) {
  const c = onboardingController(dependencies);
  const signOut = (home: string): SignOutOptions => ({
    service: dependencies.proconnect,
    idTokenOf: (req) => req.session.proconnectAccount?.idToken,
    stateKey: 'agentSignOut',
    cookieName: dependencies.cookieName,
    home,
  });
  const limit = formRateLimit(dependencies.formRateLimitPerMinute);
  const provider = [requireProConnectAccount('/fournisseurs')];
  const instructor = [requireProConnectAccount('/instruction'), requireInstructor(dependencies.instructors)];
  const form = [formBody, requireCsrfToken];
  const routes: Route[] = [
    { method: 'get', path: '/fournisseurs', guards: [], handler: c.providersHome },
    { method: 'post', path: '/fournisseurs/connexion', guards: [limit, formBody, requireSameOriginForm], handler: c.providersSignIn },
    { method: 'post', path: '/fournisseurs/deconnexion', guards: form, handler: startSignOut(signOut('/fournisseurs')) },
    { method: 'get', path: '/fournisseurs/demandes/nouvelle', guards: provider, handler: c.newRequest },
    { method: 'post', path: '/fournisseurs/demandes', guards: [...provider, limit, ...form], handler: c.saveRequest },
    { method: 'get', path: '/fournisseurs/demandes/:id', guards: provider, handler: c.showRequest },
    { method: 'post', path: '/fournisseurs/demandes/:id', guards: [...provider, limit, ...form], handler: c.saveRequest },
    { method: 'post', path: '/fournisseurs/demandes/:id/messages', guards: [...provider, limit, ...form], handler: c.requesterMessage },
    { method: 'get', path: '/fournisseurs/habilitations/:id/prolongation', guards: provider, handler: c.showProlongation },
    { method: 'post', path: '/fournisseurs/habilitations/:id/prolongation', guards: [...provider, limit, ...form], handler: c.prolong },
    { method: 'post', path: '/fournisseurs/demandes/:id/secret', guards: [...provider, limit, ...form], handler: c.revealSecret },
    { method: 'get', path: '/fournisseurs/services/:clientId', guards: provider, handler: c.showService },
    { method: 'post', path: '/fournisseurs/services/:clientId/secret', guards: [...provider, limit, ...form], handler: c.renewSecret },
    { method: 'post', path: '/fournisseurs/services/:clientId/ancien-secret', guards: [...provider, limit, ...form], handler: c.endOverlap },
    { method: 'post', path: '/fournisseurs/services/:clientId/cles', guards: [...provider, limit, ...form], handler: c.useKeysAt },
    { method: 'post', path: '/fournisseurs/services/:clientId/production', guards: [...provider, limit, ...form], handler: c.askProduction },
    { method: 'get', path: '/instruction', guards: [], handler: c.queue },
    { method: 'post', path: '/instruction/connexion', guards: [limit, formBody, requireSameOriginForm], handler: c.instructionSignIn },
    { method: 'post', path: '/instruction/deconnexion', guards: form, handler: startSignOut(signOut('/instruction')) },
    { method: 'get', path: '/instruction/demandes/:id', guards: instructor, handler: c.instructRequest },
    { method: 'post', path: '/instruction/demandes/:id/decision', guards: [...instructor, limit, ...form], handler: c.decide },
    { method: 'post', path: '/instruction/demandes/:id/messages', guards: [...instructor, limit, ...form], handler: c.instructorMessage },
  ];
  return routerFrom(routes);
}
