/** Identity scopes of FranceConnect v2 "low" and the claims each one releases. */
export const SCOPE_CLAIMS: Record<string, string[]> = {
  openid: ['sub'],
  profile: ['given_name', 'given_name_array', 'family_name', 'birthdate', 'gender', 'preferred_username'],
  birth: ['birthplace', 'birthcountry'],
  identite_pivot: ['given_name', 'given_name_array', 'family_name', 'birthdate', 'gender', 'birthplace', 'birthcountry'],
  given_name: ['given_name', 'given_name_array'],
  family_name: ['family_name'],
  gender: ['gender'],
  birthdate: ['birthdate'],
  birthplace: ['birthplace'],
  birthcountry: ['birthcountry'],
  email: ['email'],
  preferred_username: ['preferred_username'],
  idp_birthdate: ['idp_birthdate'],
  amr: ['amr'],
  idp_id: ['idp_id'],
};

const SIGNING_ALGS = ['HS256', 'ES256', 'RS256'];

/**
 * The discovery document, with exactly the keys FranceConnect publishes. It advertises S256, response modes and
 * request objects although /authorize refuses those parameters: the real platform does the same.
 */
export function discoveryDocument(issuer: string, dataScopes: string[] = []) {
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/userinfo`,
    end_session_endpoint: `${issuer}/session/end`,
    jwks_uri: `${issuer}/jwks`,
    revocation_endpoint: `${issuer}/token/revocation`,
    acr_values_supported: ['eidas1'],
    authorization_response_iss_parameter_supported: true,
    claim_types_supported: ['normal'],
    claims_parameter_supported: true,
    claims_supported: [...new Set(Object.values(SCOPE_CLAIMS).flat()), 'acr', 'auth_time', 'iss'],
    code_challenge_methods_supported: ['S256'],
    grant_types_supported: ['authorization_code'],
    id_token_signing_alg_values_supported: SIGNING_ALGS,
    request_object_signing_alg_values_supported: ['ES256', 'RS256'],
    request_parameter_supported: true,
    request_uri_parameter_supported: false,
    response_modes_supported: ['form_post', 'fragment', 'query'],
    response_types_supported: ['code'],
    scopes_supported: [...Object.keys(SCOPE_CLAIMS), ...dataScopes],
    subject_types_supported: ['pairwise'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ['ES256', 'RS256'],
    userinfo_signing_alg_values_supported: SIGNING_ALGS,
  };
}
