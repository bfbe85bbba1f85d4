import { frenchDate, monthName } from './dates.fr.js';

/** Data as a person reads them: French labels and dates, amounts, yes/no. Shared by the preview and the agents' pages. */
export interface DisplayRow {
  label: string;
  lines: string[];
}

const NARROW_NO_BREAK_SPACE = '\u202f';
const numberFormat = new Intl.NumberFormat('fr-FR');
const percentFormats = [0, 1].map(
  (digits) => new Intl.NumberFormat('fr-FR', { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }),
);
// CLDR puts a plain no-break space before « % » (and ICU versions differ): French typography wants the narrow one, as between thousands.
const narrowSpaces = (parts: Intl.NumberFormatPart[]) =>
  parts.map((part) => (part.type === 'group' || (part.type === 'literal' && part.value.trim() === '') ? NARROW_NO_BREAK_SPACE : part.value)).join('');

/** « 12 345,5 »: a number as French readers write it (decimal comma, a narrow no-break space between thousands). */
export const frenchNumber = (value: number): string => narrowSpaces(numberFormat.formatToParts(value));

/** « 61,5 % »: a share from 0 to 1, with a narrow no-break space before the sign; « 95 % » with `digits` 0. */
export const frenchPercent = (share: number, digits: 0 | 1 = 1): string =>
  narrowSpaces((percentFormats[digits] ?? numberFormat).formatToParts(share));

const LABELS: Record<string, string> = {
  quotient_familial: 'Quotient familial',
  allocataires: 'Allocataires',
  enfants: 'Enfants',
  adresse: 'Adresse',
  est_beneficiaire: 'Bénéficiaire',
  avec_participation: 'Avec participation financière',
  date_debut_droit: 'Depuis le',
  avec_majoration: 'Majoration',
  est_boursier: 'Boursier ou boursière',
  echelon_bourse: 'Échelon de la bourse',
  periode_versement_bourse: 'Période de versement',
  etablissement_etudes: 'Établissement',
  email: 'Adresse électronique',
  admissions: 'Admissions',
  est_scolarise: 'Scolarisé(e)',
  annee_scolaire: 'Année scolaire',
  statut_eleve: 'Statut de l’élève',
  etablissement: 'Établissement',
  module_elementaire_formation: 'Classe',
  identifiant: 'Identifiant France Travail',
  contact: 'Coordonnées',
  inscription: 'Inscription',
  paiements: 'Paiements',
  parametres_calcul: 'Éléments du calcul',
  quotient_familial_tranche: 'Tranche de quotient familial',
  quotient_familial_seuil: 'Quotient familial sous le seuil',
  enfants_nombre: 'Nombre d’enfants',
  beneficiaire: 'Bénéficiaire',
  prenoms: 'Prénoms',
  premier_prenom: 'Premier prénom',
  nom_naissance: 'Nom de naissance',
  nom_usage: 'Nom d’usage',
  sexe: 'Sexe',
  annee_naissance: 'Année de naissance',
  date_naissance: 'Date de naissance',
  status: 'Situation',
  statut_service_national: 'Situation',
  commentaires: 'Remarques',
  statut_actuel: 'Contrat en cours',
  statut_passe: 'Contrat passé',
  contrat_trouve: 'Contrat trouvé',
  organisme_accueil: 'Organisme d’accueil',
  raison_sociale: 'Nom',
  siret: 'SIRET',
  date_debut_contrat: 'Début du contrat',
  date_fin_contrat: 'Fin du contrat',
  adresse_particulier: 'Adresse',
  statut_rattachement: 'Lien avec le véhicule',
  donnees_immatriculation_vehicule: 'Immatriculation',
  numero_immatriculation: 'Numéro',
  date_premiere_immatriculation: 'Première immatriculation',
  statut_location: 'Location',
  caracteristiques_techniques_vehicule: 'Caractéristiques techniques',
  marque: 'Marque',
  type_variante_version: 'Type, variante, version',
  denomination_commerciale: 'Modèle',
  masse_charge_maximale: 'Masse en charge maximale (kg)',
  categorie_vehicule: 'Catégorie',
  genre_national: 'Genre',
  cylindree: 'Cylindrée (cm³)',
  type_carburant: 'Carburant',
  taux_co2: 'Émissions de CO2 (g/km)',
  classe_environnementale: 'Classe environnementale',
  code: 'Code',
  label: 'Libellé',
  est_sportif_de_haut_niveau: 'Sportif ou sportive de haut niveau',
  a_ete_sportif_de_haut_niveau: 'Ancien sportif ou ancienne sportive de haut niveau',
  sportif_de_haut_niveau: 'Sportif ou sportive de haut niveau',
  informations_statut: 'Statut actuel',
  informations_statuts_precedents: 'Statuts précédents',
  periode: 'Période',
  date_debut_statut: 'Début',
  date_fin_statut: 'Fin',
  federation: 'Fédération',
  code_federation: 'Code',
  nom_federation: 'Nom',
  nom_court_federation: 'Sigle',
  code_etablissement: 'Code',
  nom_etablissement: 'Nom',
  region: 'Région',
  code_region: 'Code',
  nom_region: 'Nom',
  categorie: 'Catégorie',
  code_categorie: 'Code',
  nom_categorie: 'Nom',
  valeur: 'Valeur',
  fiche: 'Fiche',
  // API Impôt particulier (DGFiP): the fields of the avis d'impôt, and the income year the portal asked for.
  annee_revenus: 'Revenus de l’année',
  rfr: 'Revenu fiscal de référence',
  nbPart: 'Nombre de parts',
  sitFam: 'Situation de famille',
  pac: 'Personnes à charge',
  nbPac: 'Nombre',
  aft: 'Adresse',
  aftDetail: 'Adresse, champ par champ',
  complementAdresse: 'Complément d’adresse',
  voie: 'Voie',
  codePostal: 'Code postal',
  commune: 'Commune',
};

/** The words of the values a source gives as codes, by field. */
const VALUE_WORDS: Record<string, Record<string, string>> = {
  // AEEH: the allocation is paid to the allocataire (a parent) for the ouvrant droit (the child).
  status: { allocataire: 'Allocataire', ouvrant_droit: 'Ouvrant droit (l’allocation est versée pour vous)', non_beneficiaire: 'Non bénéficiaire' },
  statut_service_national: { en_regle: 'En règle', pas_en_regle: 'Pas en règle', indetermine: 'Indéterminée', non_concerne: 'Non concerné(e)' },
  statut_rattachement: { titulaire: 'Titulaire', cotitulaire: 'Cotitulaire', locataire: 'Locataire' },
  // The DGFiP's codes of the situation de famille, as on the avis d'impôt.
  sitFam: { M: 'Marié(e)', O: 'Pacsé(e)', D: 'Divorcé(e) ou séparé(e)', C: 'Célibataire', V: 'Veuf ou veuve' },
};

const humanize = (key: string) => {
  // The avis d'impôt counts the persons à charge by the letter of the box they are declared in (F, G, H, I, R, J, N, P).
  const box = /^nbPac([A-Z])$/.exec(key)?.[1];
  if (box !== undefined) return `Déclarées case ${box}`;
  return LABELS[key] ?? key.replaceAll('_', ' ').replace(/^./, (c) => c.toUpperCase());
};

function scalar(key: string, value: unknown): string {
  if (value === null || value === undefined) return 'non renseigné';
  if (typeof value === 'boolean') return value ? 'Oui' : 'Non';
  const word = typeof value === 'string' ? VALUE_WORDS[key]?.[value] : undefined;
  if (word !== undefined) return word;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) return frenchDate(value);
  if (typeof value === 'number' && key.startsWith('montant')) return `${value.toLocaleString('fr-FR', { minimumFractionDigits: 2 })} €`;
  if (typeof value === 'number' && key === 'rfr') return `${frenchNumber(value)} €`;
  if (typeof value === 'number' && key === 'nbPart') return frenchNumber(value);
  return String(value);
}

function person(value: Record<string, unknown>): string {
  const name = [value.prenoms, value.nom_naissance].filter(Boolean).join(' ');
  const usage = value.nom_usage ? ` (nom d’usage ${String(value.nom_usage)})` : '';
  // The sources give the sex of each person: « né » or « née » as it is, « né(e) » only when it is unknown.
  const born = value.sexe === 'F' ? 'née' : value.sexe === 'M' ? 'né' : 'né(e)';
  return `${name}${usage}, ${born} le ${scalar('date', value.date_naissance)}`;
}

/**
 * « (octobre 2026, calculé par la CAF en septembre 2026) »: the month a quotient familial is for, who computed it,
 * and when, where the source says so.
 */
const qfPeriod = (qf: Record<string, unknown>) => {
  const computed =
    typeof qf.mois_calcul === 'number' && typeof qf.annee_calcul === 'number' ? ` en ${monthName(qf.mois_calcul)} ${qf.annee_calcul}` : '';
  return `(${monthName(Number(qf.mois))} ${String(qf.annee)}, calculé par ${qf.fournisseur === 'MSA' ? 'la MSA' : 'la CAF'}${computed})`;
};

function lines(key: string, value: unknown): string[] {
  if (key.startsWith('quotient_familial') && typeof value === 'object' && value !== null) {
    const qf = value as Record<string, unknown>;
    // Derived answers (catalogue/derivations.ts) say only what they say: a bracket, a yes or no, never the value.
    // 0 is how the CAF says it could not compute one: never a quotient of zero euros.
    if (qf.non_calculable === true || qf.valeur === 0)
      return [`non calculable ${qfPeriod(qf)} : la caisse n’a pas pu le calculer ; demandez-lui une attestation de quotient familial`];
    if (key === 'quotient_familial_tranche') return [`${String(qf.tranche)} ${qfPeriod(qf)}`];
    if (key === 'quotient_familial_seuil')
      return [`${qf.inferieur_ou_egal === true ? `Oui : ${String(qf.seuil)} ou moins` : `Non : plus de ${String(qf.seuil)}`} ${qfPeriod(qf)}`];
    return [`${String(qf.valeur)} ${qfPeriod(qf)}`];
  }
  if (key === 'beneficiaire' && typeof value === 'object' && value !== null) {
    const answer = value as Record<string, unknown>;
    return [`${answer.reponse === true ? 'Oui' : 'Non'}, au ${frenchDate(String(answer.au))}`];
  }
  if (key.endsWith('_nombre') && typeof value === 'object' && value !== null) {
    const count = value as Record<string, unknown>;
    return [`${String(count.nombre)} de moins de ${String(count.age_max)} ans au ${frenchDate(String(count.au))}`];
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return ['aucun'];
    return value.map((element) =>
      typeof element === 'object' && element !== null && 'date_naissance' in element
        ? person(element as Record<string, unknown>)
        : lines(key, element).join(' ; '),
    );
  }
  if (key === 'adresse_particulier' && typeof value === 'object' && value !== null) {
    // The ANTS splits the address into the parts of a postal line: put back together as an envelope reads.
    const part = (name: string) => (value as Record<string, unknown>)[name];
    const line = (...names: string[]) =>
      names
        .map(part)
        .filter((piece) => typeof piece === 'string' && piece !== '')
        .join(' ');
    return [
      line('complement_information'),
      line('etage_escalier_appartement'),
      line('num_voie', 'extension', 'type_voie', 'libelle_voie'),
      line('lieu_dit'),
      line('code_postal_ville', 'libelle_commune'),
      line('pays'),
    ].filter((text) => text !== '');
  }
  if (key === 'adresse' && typeof value === 'object' && value !== null) {
    return Object.values(value as Record<string, unknown>).filter((part) => typeof part === 'string' && part !== '') as string[];
  }
  if (typeof value === 'object' && value !== null) {
    return [
      Object.entries(value as Record<string, unknown>)
        .map(([k, v]) => `${humanize(k)} : ${typeof v === 'object' && v !== null ? lines(k, v).join(', ') : scalar(k, v)}`)
        .join(' ; '),
    ];
  }
  return [scalar(key, value)];
}

export function displayData(data: Record<string, unknown> | null | undefined): DisplayRow[] {
  return Object.entries(data ?? {}).map(([key, value]) => ({ label: humanize(key), lines: lines(key, value) }));
}
