/** The administrations that hold the data, named in full with their acronym, as citizens read them. */
export const PRODUCERS = {
  cnaf_msa: { name: 'Caisse d’allocations familiales (CAF) ou Mutualité sociale agricole (MSA)', short: 'la CAF ou la MSA' },
  securite_sociale: { name: 'Assurance Maladie (Sécurité sociale)', short: 'l’Assurance Maladie' },
  cnous: { name: 'Centre national des œuvres universitaires et scolaires (Crous)', short: 'le Crous' },
  mesr: { name: 'Ministère de l’Enseignement supérieur et de la Recherche', short: 'le ministère de l’Enseignement supérieur' },
  men: { name: 'Ministère de l’Éducation nationale', short: 'le ministère de l’Éducation nationale' },
  france_travail: { name: 'France Travail', short: 'France Travail' },
  dsnj: { name: 'Direction du service national et de la jeunesse (DSNJ)', short: 'la Direction du service national et de la jeunesse (DSNJ)' },
  agence_service_civique: { name: 'Agence du service civique', short: 'l’Agence du service civique' },
  ants: { name: 'Agence nationale des titres sécurisés (ANTS)', short: 'l’Agence nationale des titres sécurisés (ANTS)' },
  sports: { name: 'Ministère chargé des Sports', short: 'le ministère chargé des Sports' },
  dgfip: { name: 'Direction générale des Finances publiques (DGFiP)', short: 'l’administration fiscale (DGFiP)' },
} as const;

export type ProducerId = keyof typeof PRODUCERS;

/**
 * API Particulier answers for the CAF or the MSA and says which one ("fournisseur"): once the data are there, the
 * page names that one, not both.
 */
const ANSWERING = {
  CAF: { name: 'Caisse d’allocations familiales (CAF)', short: 'la CAF' },
  MSA: { name: 'Mutualité sociale agricole (MSA)', short: 'la MSA' },
} as const;

export function answeringProducer(producer: ProducerId, data: ReadonlyArray<Record<string, unknown> | undefined>) {
  if (producer !== 'cnaf_msa') return PRODUCERS[producer];
  const said = new Set(data.map((entry) => (entry?.quotient_familial as { fournisseur?: unknown } | undefined)?.fournisseur).filter(Boolean));
  const [only] = [...said];
  // API Particulier says "CNAF" for the CAF.
  const answering = only === 'CNAF' || only === 'CAF' ? ANSWERING.CAF : only === 'MSA' ? ANSWERING.MSA : undefined;
  return said.size === 1 && answering !== undefined ? answering : PRODUCERS[producer];
}
