/**
 * What the Commune de Bois-Joli types in its habilitation request (onboarding/request-form.ts): every field a
 * submission needs, the title and the data excepted, which each test chooses.
 */
export const BOIS_JOLI_REQUEST = {
  organisation_nom: 'Commune de Bois-Joli',
  description: 'Les familles inscrivent leurs enfants au centre de loisirs ; le tarif dépend du quotient familial.',
  finalite: 'Calculer le tarif du centre de loisirs selon le quotient familial.',
  mise_en_production: '2099-01-04',
  volumetrie: '800',
  destinataires: 'Service enfance de la commune : agents d’accueil',
  conservation_jours: '365',
  cadre_juridique: 'Délibération du conseil municipal du 12 mars 2026 fixant les tarifs du centre de loisirs',
  cadre_juridique_url: 'https://bois-joli.example/deliberations/2026-03-12',
  dpo_nom: 'Marc Vidal',
  dpo_email: 'dpo@bois-joli.fr',
  contact_metier_nom: 'Inès Garnier',
  contact_metier_email: 'ines.garnier@bois-joli.fr',
  contact_metier_telephone: '01 23 45 67 89',
  contact_technique_nom: 'Paul Roche',
  contact_technique_email: 'paul.roche@bois-joli.fr',
  contact_technique_telephone: '01 23 45 67 80',
  redirect_uris: 'https://bois-joli.example/retour',
};
