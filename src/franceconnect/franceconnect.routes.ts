import express from 'express';
import type { ServiceEnvironment } from '../db/schema.js';
import { requireCsrfToken, requireSameOriginForm } from '../http/csrf.js';
import { formRateLimit } from '../http/form-rate-limit.js';
import { type Route, routerFrom } from '../http/route-table.js';
import { completeSignOut, type SignOutOptions, startSignOut } from '../oidc-client/sign-out.controller.js';
import type { FranceConnectService } from './franceconnect.service.js';
import { completeSignIn, startSignIn } from './sign-in.controller.js';

export interface FranceConnectRoutesOptions {
  /** Production's FranceConnect, and the test platform's for the services in « bac à sable » when there is one. */
  platforms: Record<'production', { franceconnect: FranceConnectService }> &
    Partial<Record<ServiceEnvironment, { franceconnect: FranceConnectService }>>;
  callbackPath: string;
  postLogoutPath: string;
  cookieName: string;
  formRateLimitPerMinute: number;
  /** Ends the authorization server's session with the portal's: signed out here means signed out for services too. */
  endAuthorizationSession: SignOutOptions['endAlso'];
}

const formBody = express.urlencoded({ extended: false, limit: '8kb' });

export function franceconnectRoutes(options: FranceConnectRoutesOptions) {
  const { platforms } = options;
  const service = platforms.production.franceconnect;
  /** The FranceConnect that signed this citizen in, for their sign-out. */
  const serviceOf = (environment: ServiceEnvironment | undefined) => platforms[environment ?? 'production']?.franceconnect ?? service;
  const signInLimit = formRateLimit(options.formRateLimitPerMinute);
  const signOut: SignOutOptions = {
    service: (req) => serviceOf(req.session.citizen?.environment),
    idTokenOf: (req) => req.session.citizen?.idToken,
    stateKey: 'signOut',
    cookieName: options.cookieName,
    home: '/',
    endAlso: options.endAuthorizationSession,
  };
  const routes: Route[] = [
    { method: 'post', path: '/connexion/franceconnect', guards: [signInLimit, formBody, requireSameOriginForm], handler: startSignIn(service) },
    { method: 'get', path: options.callbackPath, guards: [signInLimit], handler: completeSignIn(serviceOf) },
    { method: 'post', path: '/deconnexion', guards: [formBody, requireCsrfToken], handler: startSignOut(signOut) },
    { method: 'get', path: options.postLogoutPath, guards: [], handler: completeSignOut(signOut) },
  ];
  return routerFrom(routes);
}
