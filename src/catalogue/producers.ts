/** The administrations that hold the data, named in full with their acronym, as citizens read them. */
export const PRODUCERS = {
  cnaf_msa: { name: 'Caisse d’allocations familiales (CAF) ou Mutualité sociale agricole (MSA)', short: 'la CAF ou la MSA' },
  securite_sociale: { name: 'Assurance Maladie (Sécurité sociale)', short: 'l’Assurance Maladie' },
  cnous: { name: 'Centre national des œuvres universitaires et scolaires (Crous)', short: 'le Crous' },
  mesr: { name: 'Ministère de l’Enseignement supérieur et de la Recherche', short: 'le ministère de l’Enseignement supérieur' },
  men: { name: 'Ministère de l’Éducation nationale', short: 'le ministère de l’Éducation nationale' },
  france_travail: { name: 'France Travail', short: 'France Travail' },
} as const;

export type ProducerId = keyof typeof PRODUCERS;
