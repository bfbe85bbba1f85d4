import type { SourceDefinition } from '../source-definition.js';

/** Extrait d’immatriculation (ANTS): FranceConnect only, for the vehicle the citizen names by its plate. */
export const ANTS_SOURCE: SourceDefinition = {
  api: 'extrait_immatriculation_vehicule',
  franceConnectParams: (inputs) =>
    inputs.immatriculation === undefined ? { missingInput: 'immatriculation' } : { params: { immatriculation: inputs.immatriculation } },
};
