import type { Kysely } from 'kysely';
import type Provider from 'oidc-provider';
import { tokenDigest } from '../crypto/token-digest.js';
import type { Database } from '../db/schema.js';
import type { GrantRevocation } from '../justificatif/justificatifs.js';
import type { GrantIssuer } from '../transmission/transmission.js';

/**
 * oidc-provider's grants, as the transmission and the withdrawal need them: a grant of the consented scopes, and its
 * revocation with every code and token issued under it. Only this folder writes oidc-provider's storage.
 */
export function createGrants(provider: Provider): GrantIssuer & GrantRevocation {
  return {
    async issue(citizenSub, clientId, scopes) {
      const grant = new provider.Grant({ accountId: citizenSub, clientId });
      grant.addOIDCScope(['openid', ...scopes].join(' '));
      return grant.save();
    },

    async revokeGrant(grantId: string, within: Kysely<Database>) {
      const tokens = await within
        .selectFrom('oidc_payload')
        .select('id')
        .where('model', '=', 'AccessToken')
        .where('grant_id', '=', grantId)
        .execute();
      await within.deleteFrom('oidc_payload').where('grant_id', '=', grantId).execute();
      await within.deleteFrom('oidc_payload').where('model', '=', 'Grant').where('id', '=', tokenDigest(grantId)).execute();
      // The rows are keyed by the tokens' digests already: that is what the withdrawal remembers.
      return tokens.map((token) => token.id);
    },

    // oidc-provider may keep models in its own caches: its revocation API is called too, on the now-empty rows.
    async forgetGrant(grantId) {
      await Promise.all([
        provider.AccessToken.revokeByGrantId(grantId),
        provider.AuthorizationCode.revokeByGrantId(grantId),
        provider.RefreshToken.revokeByGrantId(grantId),
      ]);
    },
  };
}
