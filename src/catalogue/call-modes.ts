import { z } from 'zod';
import { APIS, type CatalogueApi } from './apis.js';
import { SCOPES } from './scopes.js';

/**
 * How the portal asks an API for a citizen's data, chosen per habilitation:
 * - identite: with the identity pivot FranceConnect gave (or an identifier the citizen types);
 * - france_connect: with the citizen's FranceConnect access token, which the data provider checks with FranceConnect:
 *   the person is never mistaken for a namesake, and the citizen consents at FranceConnect to the data scopes;
 * - france_connect_sinon_identite: with the token when FranceConnect gave one that covers the API, else by identity.
 */
export const CALL_MODES = ['identite', 'france_connect', 'france_connect_sinon_identite'] as const;
export type CallMode = (typeof CALL_MODES)[number];

const byId = new Map(APIS.map((api) => [api.id, api]));

/** The modes an API offers, from the routes it has. */
export function modesOf(api: CatalogueApi): CallMode[] {
  if (api.route === undefined) return ['france_connect'];
  if (api.franceConnectRoute === undefined) return ['identite'];
  return [...CALL_MODES];
}

/** An API asked without a chosen mode: by identity when it can be, else with FranceConnect. */
export const defaultModeOf = (api: CatalogueApi): CallMode => (api.route === undefined ? 'france_connect' : 'identite');

/** What operators type: { "quotient_familial": "france_connect" }; each API must offer the mode it is given. */
export const callModesSchema = z
  .record(z.string(), z.enum(CALL_MODES, `mode inconnu ; attendu ${CALL_MODES.join(', ')}`))
  .superRefine((modes, ctx) => {
    for (const [id, mode] of Object.entries(modes)) {
      const api = byId.get(id);
      if (api === undefined) ctx.addIssue({ code: 'custom', path: [id], message: `API inconnue : ${id}` });
      else if (!modesOf(api).includes(mode))
        ctx.addIssue({
          code: 'custom',
          path: [id],
          message: `${api.name} ne s’interroge que ${modesOf(api)
            .map((m) => CALL_MODE_NAMES[m])
            .join(' ou ')}`,
        });
    }
  });

export type CallModes = Readonly<Record<string, CallMode>>;

/** As stored (JSON or null), every API of `apis` with its mode: the chosen one, or its default. */
export function callModesFor(stored: string | null, apis: Iterable<string>): CallModes {
  const chosen = stored === null ? {} : callModesSchema.parse(JSON.parse(stored));
  const modes: Record<string, CallMode> = {};
  for (const id of apis) {
    const api = byId.get(id);
    if (api !== undefined) modes[id] = chosen[id] ?? defaultModeOf(api);
  }
  return modes;
}

/** Whether an API is asked with the citizen's FranceConnect token, at least when there is one. */
export const usesFranceConnect = (mode: CallMode | undefined): boolean => mode === 'france_connect' || mode === 'france_connect_sinon_identite';

/**
 * The FranceConnect data scopes to ask at sign-in: the requested scopes of every API asked with the token. They are
 * API Particulier's own scope names (it reads the token's scopes as the caller's rights) and the DGFiP's.
 */
export function franceConnectScopes(scopes: Iterable<string>, modes: CallModes): string[] {
  const wanted = new Set(scopes);
  return SCOPES.filter((entry) => wanted.has(entry.scope) && usesFranceConnect(modes[entry.api])).map((entry) => entry.scope);
}

/** Every data scope a FranceConnect data provider may be given, by API: what FranceConnect filters a token's scopes to. */
export const dataScopesOf = (apiId: string): string[] => SCOPES.filter((entry) => entry.api === apiId).map((entry) => entry.scope);

/** How each mode is named to operators and integrators. */
export const CALL_MODE_NAMES: Record<CallMode, string> = {
  identite: 'par l’identité pivot (ou un identifiant saisi)',
  france_connect: 'avec le jeton FranceConnect',
  france_connect_sinon_identite: 'avec le jeton FranceConnect, sinon par l’identité pivot',
};
