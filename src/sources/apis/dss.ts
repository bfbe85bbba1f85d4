import { identityParams } from '../identity-params.js';
import type { SourceDefinition } from '../source-definition.js';

/**
 * The eight "dss" APIs (CNAV hub: quotient familial CAF & MSA, C2S, RSA, prime d'activité, AAH, ASF, EAJE, AEEH) take
 * the same identity parameters on the same route shape; one definition serves them all.
 */
const dss = (api: string): SourceDefinition => ({
  api,
  request: (identity) => ({ route: `/v3/dss/${api}/identite`, params: identityParams(identity) }),
});

export const DSS_SOURCES = [
  'quotient_familial',
  'complementaire_sante_solidaire',
  'revenu_solidarite_active',
  'prime_activite',
  'allocation_adulte_handicape',
  'allocation_soutien_familial',
  'participation_familiale_eaje',
  'allocation_enfant_handicape',
].map(dss);
