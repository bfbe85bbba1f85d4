import express from 'express';
import { requireCsrfToken, requireSameOriginForm } from '../http/csrf.js';
import { formRateLimit } from '../http/form-rate-limit.js';
import { type Route, routerFrom } from '../http/route-table.js';
import { completeSignOut, type SignOutOptions, startSignOut } from '../oidc-client/sign-out.controller.js';
import type { FranceConnectService } from './franceconnect.service.js';
import { completeSignIn, startSignIn } from './sign-in.controller.js';

export interface FranceConnectRoutesOptions {
  service: FranceConnectService;
  callbackPath: string;
  postLogoutPath: string;
  cookieName: string;
  formRateLimitPerMinute: number;
  /** Ends the authorization server's session with the portal's: signed out here means signed out for services too. */
  endAuthorizationSession: SignOutOptions['endAlso'];
}

const formBody = express.urlencoded({ extended: false, limit: '8kb' });

export function franceconnectRoutes(options: FranceConnectRoutesOptions) {
  const { service } = options;
  const signInLimit = formRateLimit(options.formRateLimitPerMinute);
  const signOut: SignOutOptions = {
    service,
    idTokenOf: (req) => req.session.citizen?.idToken,
    stateKey: 'signOut',
    cookieName: options.cookieName,
    home: '/',
    endAlso: options.endAuthorizationSession,
  };
  const routes: Route[] = [
    { method: 'post', path: '/connexion/franceconnect', guards: [signInLimit, formBody, requireSameOriginForm], handler: startSignIn(service) },
    { method: 'get', path: options.callbackPath, guards: [signInLimit], handler: completeSignIn(service) },
    { method: 'post', path: '/deconnexion', guards: [formBody, requireCsrfToken], handler: startSignOut(signOut) },
    { method: 'get', path: options.postLogoutPath, guards: [], handler: completeSignOut(signOut) },
  ];
  return routerFrom(routes);
}
