/**
 * FranceConnect validates /authorize and /session/end with closed parameter lists before its OpenID Connect engine
 * runs: an unknown or repeated parameter is an error page, never a redirect (PKCE included).
 */
type Params = Record<string, unknown>;
type Rule = (value: string) => boolean;

const present: Rule = () => true;
const nonEmpty: Rule = (v) => v.length > 0;
const absoluteUrl: Rule = (v) => URL.canParse(v);
const promptValues: Rule = (v) => v.length > 0 && v.split(' ').every((p) => p === 'login' || p === 'consent');

const AUTHORIZE_RULES: Record<string, { required: boolean; rule: Rule }> = {
  client_id: { required: true, rule: nonEmpty },
  acr_values: { required: true, rule: present },
  claims: { required: false, rule: present },
  response_type: { required: true, rule: present },
  nonce: { required: true, rule: (v) => v.length >= 22 },
  state: { required: true, rule: nonEmpty },
  redirect_uri: { required: true, rule: absoluteUrl },
  scope: { required: true, rule: present },
  prompt: { required: false, rule: promptValues },
  idp_hint: { required: false, rule: present },
  ui_locales: { required: false, rule: present },
};

const LOGOUT_RULES: Record<string, { required: boolean; rule: Rule }> = {
  id_token_hint: { required: true, rule: nonEmpty },
  post_logout_redirect_uri: { required: false, rule: absoluteUrl },
  state: { required: false, rule: present },
  client_id: { required: false, rule: present },
  logout_hint: { required: false, rule: present },
  ui_locales: { required: false, rule: present },
};

/** Returns the first violation, in words for the log, or undefined when the parameters pass. */
function violation(params: Params, rules: typeof AUTHORIZE_RULES): string | undefined {
  for (const [name, value] of Object.entries(params)) {
    const spec = rules[name];
    if (spec === undefined) return `paramètre non autorisé : ${name}`;
    if (typeof value !== 'string') return `paramètre répété ou mal formé : ${name}`;
    if (!spec.rule(value)) return `valeur refusée pour ${name}`;
  }
  const missing = Object.entries(rules).find(([name, spec]) => spec.required && !(name in params));
  return missing ? `paramètre manquant : ${missing[0]}` : undefined;
}

export const authorizeViolation = (params: Params) => violation(params, AUTHORIZE_RULES);
export const logoutViolation = (params: Params) => violation(params, LOGOUT_RULES);

const ACR_LEVELS = ['eidas1', 'eidas2', 'eidas3'];

/** FranceConnect keeps the lowest known level asked for; unknown values count as eidas1. */
export function pickAcr(acrValues: string | undefined): string {
  const known = (acrValues ?? '').split(' ').filter((v) => ACR_LEVELS.includes(v));
  return known.sort((a, b) => ACR_LEVELS.indexOf(a) - ACR_LEVELS.indexOf(b))[0] ?? 'eidas1';
}
