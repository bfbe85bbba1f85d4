/** FranceConnect's error codes (Y + scope + code) and the French messages of its error page. */
export const FC_MESSAGES = {
  generic: 'Une erreur technique est survenue. Si le problème persiste, veuillez nous contacter.',
  serviceProvider: 'Une erreur de communication avec le fournisseur de service est survenue. Veuillez réessayer ultérieurement.',
  retry: 'Une erreur s’est produite, veuillez réessayer ultérieurement.',
  notFound: 'La page demandée n’existe pas.',
} as const;

export interface FcErrorPage {
  status: number;
  code: string;
  message: string;
}

export const AUTHORIZE_PARAMS_ERROR: FcErrorPage = { status: 400, code: 'Y030007', message: FC_MESSAGES.retry };
// FranceConnect's generic validation failure: logout parameters, oversized or malformed bodies.
export const BAD_REQUEST_ERROR: FcErrorPage = { status: 400, code: 'Y000400', message: FC_MESSAGES.retry };
export const NOT_FOUND_ERROR: FcErrorPage = { status: 404, code: 'Y000404', message: FC_MESSAGES.notFound };

const PAGE_CODES: Array<[RegExp, string, string]> = [
  [/^invalid_client\b/, 'Y04EA6EF', FC_MESSAGES.serviceProvider],
  [/^invalid_redirect_uri\b/, 'Y04C013C', FC_MESSAGES.serviceProvider],
  [/post_logout_redirect_uri not registered/, 'Y04CFAEF', FC_MESSAGES.serviceProvider],
  [/could not validate id_token_hint/, 'Y045AFAE', FC_MESSAGES.generic],
  [/could not decode id_token_hint/, 'Y04FEDB9', FC_MESSAGES.generic],
  [/client_id does not match the provided id_token_hint/, 'Y0467882', FC_MESSAGES.generic],
];

// Codes of the JSON errors of /token, /userinfo and /token/revocation, matched on "description (detail)".
const JSON_CODES: Array<[RegExp, string]> = [
  [/invalid secret provided/, 'Y0434A7B'],
  [/does not match the registered client authentication method/, 'Y044D82C'],
  [/client not found/, 'Y0479FCE'],
  [/missing required parameter 'code'/, 'Y048017B'],
  [/authorization code (not found|is expired)/, 'Y049E20B'],
  [/already consumed/, 'Y0416228'],
  [/redirect_uri mismatch/, 'Y04F8199'],
  [/client mismatch/, 'Y047A2EA'],
  [/PKCE verification failed/, 'Y0446550'],
  [/unsupported grant_type/, 'Y04C2044'],
  [/no access token provided/, 'Y04146A2'],
  [/grant not found/, 'Y0489D15'],
];

/** The page FranceConnect shows when it cannot redirect back to the service provider. */
export function errorPageFor(error: string, description: string | undefined): FcErrorPage {
  const text = `${error} ${description ?? ''}`;
  const match = PAGE_CODES.find(([pattern]) => pattern.test(text));
  return match ? { status: 400, code: match[1], message: match[2] } : { status: 400, code: 'Y040001', message: FC_MESSAGES.generic };
}

export function jsonErrorCode(descriptionWithDetail: string): string {
  return JSON_CODES.find(([pattern]) => pattern.test(descriptionWithDetail))?.[1] ?? 'Y040001';
}

export const errorUri = (code: string, id: string) =>
  `https://docs.partenaires.franceconnect.gouv.fr/fs/fs-technique/fs-technique-erreurs/?code=${code}&id=${id}`;

/** FranceConnect's error page layout: "Une erreur s’est produite", the code, the message, no way back to the SP. */
export const fcErrorView = (page: FcErrorPage) => ({
  pageTitle: `Erreur ${page.code}`,
  title: 'Une erreur s’est produite',
  code: page.code,
  lead: page.message,
});
