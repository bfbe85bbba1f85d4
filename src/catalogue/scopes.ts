/**
 * The data vocabulary: each API Particulier v3 scope a person signed in with FranceConnect can be asked about,
 * with the API that serves it, a French label, one sentence on what it reveals, and the top-level fields of the
 * v3 answer it unlocks. Identity scopes (*_identite) are not offered: FranceConnect already gives the identity.
 */
export interface CatalogueScope {
  scope: string;
  api: string;
  /** Addressed to the person, on the pages where they decide: « Votre quotient familial ». */
  label: string;
  /** The same item named for a third party, in the justificatif that services and their agents read: « Quotient familial ». */
  title: string;
  explanation: string;
  /** Top-level keys of the v3 answer's data, or "key.sub" for a key inside each element of an array or object. */
  fields: string[];
}

const s = (scope: string, api: string, label: string, title: string, explanation: string, fields: string[]): CatalogueScope => ({ scope, api, label, title, explanation, fields });

export const SCOPES: CatalogueScope[] = [
  s('cnaf_quotient_familial', 'quotient_familial', 'Votre quotient familial', 'Quotient familial', 'Le montant de votre quotient familial, le mois pour lequel il est calculé et l’organisme qui le calcule.', ['quotient_familial']),
  s('cnaf_allocataires', 'quotient_familial', 'Les allocataires de votre foyer', 'Allocataires du foyer', 'Les noms, prénoms, dates de naissance et sexes des allocataires de votre foyer.', ['allocataires']),
  s('cnaf_enfants', 'quotient_familial', 'Les enfants de votre foyer', 'Enfants du foyer', 'Les noms, prénoms, dates de naissance et sexes des enfants à votre charge.', ['enfants']),
  s('cnaf_adresse', 'quotient_familial', 'L’adresse de votre foyer', 'Adresse du foyer', 'L’adresse connue de votre caisse pour votre foyer.', ['adresse']),
  s('complementaire_sante_solidaire', 'complementaire_sante_solidaire', 'Si vous avez la complémentaire santé solidaire (C2S)', 'Complémentaire santé solidaire (C2S)', 'Si vous avez la C2S, avec ou sans participation financière, et depuis quand.', ['est_beneficiaire', 'avec_participation', 'date_debut_droit']),
  s('revenu_solidarite_active', 'revenu_solidarite_active', 'Si vous touchez le RSA', 'Revenu de solidarité active (RSA)', 'Si vous touchez le revenu de solidarité active et depuis quand.', ['est_beneficiaire', 'date_debut_droit']),
  s('revenu_solidarite_active_majoration', 'revenu_solidarite_active', 'Si votre RSA est majoré', 'Majoration du RSA', 'Si votre RSA est majoré (par exemple pour une personne seule avec enfant).', ['avec_majoration']),
  s('prime_activite', 'prime_activite', 'Si vous touchez la prime d’activité', 'Prime d’activité', 'Si vous touchez la prime d’activité et depuis quand.', ['est_beneficiaire', 'date_debut_droit']),
  s('prime_activite_majoration', 'prime_activite', 'Si votre prime d’activité est majorée', 'Majoration de la prime d’activité', 'Si votre prime d’activité est majorée.', ['avec_majoration']),
  s('allocation_adulte_handicape', 'allocation_adulte_handicape', 'Si vous touchez l’AAH', 'Allocation aux adultes handicapés (AAH)', 'Si vous touchez l’allocation aux adultes handicapés et depuis quand.', ['est_beneficiaire', 'date_debut_droit']),
  s('allocation_soutien_familial', 'allocation_soutien_familial', 'Si vous touchez l’ASF', 'Allocation de soutien familial (ASF)', 'Si vous touchez l’allocation de soutien familial et depuis quand.', ['est_beneficiaire', 'date_debut_droit']),
  s('cnav_participation_familiale_eaje_allocataires', 'participation_familiale_eaje', 'Les allocataires pris en compte pour la crèche', 'Allocataires pris en compte pour la crèche', 'Les allocataires de votre foyer retenus pour calculer votre participation en crèche.', ['allocataires']),
  s('cnav_participation_familiale_eaje_enfants', 'participation_familiale_eaje', 'Les enfants pris en compte pour la crèche', 'Enfants pris en compte pour la crèche', 'Les enfants de votre foyer retenus pour calculer votre participation en crèche.', ['enfants']),
  s('cnav_participation_familiale_eaje_adresse', 'participation_familiale_eaje', 'L’adresse de votre foyer pour la crèche', 'Adresse du foyer pour la crèche', 'L’adresse de votre foyer connue de votre caisse.', ['adresse']),
  s('cnav_participation_familiale_eaje_parametres_calcul', 'participation_familiale_eaje', 'Les éléments du calcul de votre participation en crèche', 'Éléments du calcul de la participation en crèche', 'Les ressources et le nombre d’enfants retenus pour le tarif de la crèche.', ['parametres_calcul']),
  s('mesri_admissions', 'statut_etudiant', 'Vos inscriptions dans l’enseignement supérieur', 'Inscriptions dans l’enseignement supérieur', 'Les dates de début et de fin de vos admissions dans un établissement d’enseignement supérieur.', ['admissions.date_debut', 'admissions.date_fin']),
  s('mesri_admission_inscrit', 'statut_etudiant', 'Si vous êtes inscrit(e) ou seulement admis(e)', 'Statut d’inscription (inscrit ou admis)', 'Pour chaque admission, si vous êtes inscrit(e) ou seulement admis(e).', ['admissions.est_inscrit']),
  s('mesri_admission_regime_formation', 'statut_etudiant', 'Votre régime de formation', 'Régime de formation', 'Si vous suivez une formation initiale, continue ou en apprentissage.', ['admissions.regime_formation']),
  s('mesri_admission_commune_etudes', 'statut_etudiant', 'La commune de vos études', 'Commune des études', 'Le code de la commune où vous étudiez.', ['admissions.code_cog_insee_commune']),
  s('mesri_admission_etablissement_etudes', 'statut_etudiant', 'Votre établissement', 'Établissement d’enseignement supérieur', 'Le nom et le code de l’établissement où vous êtes admis(e).', ['admissions.etablissement_etudes']),
  s('cnous_statut_boursier', 'etudiant_boursier', 'Si vous êtes étudiant(e) boursier(e)', 'Statut d’étudiant boursier', 'Si vous avez une bourse sur critères sociaux.', ['est_boursier']),
  s('cnous_echelon_bourse', 'etudiant_boursier', 'L’échelon de votre bourse', 'Échelon de la bourse', 'L’échelon de votre bourse (de 0 bis à 7) et s’il est provisoire.', ['echelon_bourse']),
  s('cnous_email', 'etudiant_boursier', 'Votre adresse électronique connue du Crous', 'Adresse électronique connue du Crous', 'L’adresse électronique que vous avez donnée au Crous.', ['email']),
  s('cnous_periode_versement', 'etudiant_boursier', 'La période de versement de votre bourse', 'Période de versement de la bourse', 'La date de rentrée et le nombre de mois de versement de votre bourse.', ['periode_versement_bourse']),
  s('cnous_ville_etudes', 'etudiant_boursier', 'Votre ville d’études et votre établissement', 'Ville et établissement d’études', 'La commune et l’établissement où vous étudiez.', ['etablissement_etudes']),
  s('men_statut_scolarite', 'scolarites', 'Si l’élève est scolarisé(e)', 'Scolarité de l’élève', 'Si l’élève est scolarisé(e) pour l’année scolaire demandée, et son statut.', ['annee_scolaire', 'est_scolarise', 'statut_eleve']),
  s('men_statut_etablissement', 'scolarites', 'L’établissement de l’élève', 'Établissement de l’élève', 'Le code de l’établissement où l’élève est inscrit(e).', ['etablissement']),
  s('men_statut_module_elementaire_formation', 'scolarites', 'La classe de l’élève', 'Classe de l’élève', 'La formation suivie par l’élève (par exemple : 6e, seconde générale).', ['module_elementaire_formation']),
  s('men_statut_boursier', 'scolarites', 'Si l’élève est boursier(e)', 'Statut boursier de l’élève', 'Si l’élève a une bourse de collège ou de lycée.', ['est_boursier']),
  s('men_echelon_bourse', 'scolarites', 'L’échelon de la bourse de l’élève', 'Échelon de la bourse de l’élève', 'L’échelon de la bourse de collège ou de lycée (de 1 à 6).', ['echelon_bourse']),
  s('pole_emploi_identifiant', 'france_travail_statut', 'Votre identifiant France Travail', 'Identifiant France Travail', 'L’identifiant de votre compte France Travail.', ['identifiant']),
  s('pole_emploi_contact', 'france_travail_statut', 'Vos coordonnées connues de France Travail', 'Coordonnées connues de France Travail', 'L’adresse électronique et les numéros de téléphone que vous avez donnés à France Travail.', ['contact']),
  s('pole_emploi_adresse', 'france_travail_statut', 'Votre adresse connue de France Travail', 'Adresse connue de France Travail', 'L’adresse postale que vous avez donnée à France Travail.', ['adresse']),
  s('pole_emploi_inscription', 'france_travail_statut', 'Votre inscription comme demandeur d’emploi', 'Inscription comme demandeur d’emploi', 'Si vous êtes inscrit(e) comme demandeur d’emploi, depuis quand, et dans quelle catégorie.', ['inscription']),
  s('pole_emploi_paiements', 'france_travail_indemnites', 'Les paiements de France Travail', 'Paiements de France Travail', 'Les dates et montants des paiements que France Travail vous a versés.', ['paiements']),
];
