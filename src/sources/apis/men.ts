import { birthDateParams } from '../identity-params.js';
import type { SourceDefinition } from '../source-definition.js';

/** Statut élève (MEN): about a pupil, whose identity and school year a parent gives on the consent page. */
export const MEN_SOURCE: SourceDefinition = {
  api: 'scolarites',
  request(_identity, inputs) {
    const eleve = inputs.eleve;
    if (eleve === undefined) return { missingInput: 'eleve' };
    return {
      route: '/v3/men/scolarites/identite',
      params: {
        nomNaissance: eleve.nomNaissance,
        prenoms: eleve.prenoms,
        sexeEtatCivil: eleve.sexe,
        ...birthDateParams(eleve.dateNaissance),
        anneeScolaire: eleve.anneeScolaire,
      },
    };
  },
};
