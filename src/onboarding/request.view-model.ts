import type { HabilitationRequestState } from '../db/schema.js';
import { frenchDate, frenchDateTime } from '../wording/dates.fr.js';
import type { HabilitationRequest, RequestEvent } from './habilitation-requests.js';
import { formCatalogue, type RawForm, RETENTION_NEEDING_REASON_DAYS } from './request-form.js';

interface FormField {
  name: string;
  label: string;
  hint?: string;
  type?: 'text' | 'email' | 'url' | 'tel' | 'date';
  multiline?: boolean;
  autocomplete?: string;
}

/** The request form, by section, as DataPass groups it; the scopes and call modes come after. */
export const FORM_SECTIONS: Array<{ title: string; fields: FormField[] }> = [
  {
    title: 'Votre démarche',
    fields: [
      { name: 'organisation_nom', label: 'Nom de votre organisation', hint: 'Tel qu’il apparaîtra aux personnes. Exemple : Commune de Bois-Joli' },
      { name: 'intitule', label: 'Intitulé de la démarche', hint: 'Exemple : Tarif de la cantine scolaire' },
      { name: 'description', label: 'Description', hint: 'Ce que fait la démarche, pour qui, et ce que vous ferez des données.', multiline: true },
      {
        name: 'finalite',
        label: 'Finalité, telle que la personne la lira avant de transmettre',
        hint: 'Exemple : Calculer le tarif de la cantine selon le quotient familial.',
        multiline: true,
      },
      { name: 'maquette_url', label: 'Adresse d’une maquette ou de la démarche (facultatif)', type: 'url', hint: 'Commence par https://' },
      { name: 'mise_en_production', label: 'Date de mise en production prévue', type: 'date', hint: 'Format : 2027-03-01' },
      { name: 'volumetrie', label: 'Nombre de demandes attendues par an', hint: 'En chiffres. Exemple : 1200' },
    ],
  },
  {
    title: 'Cadre juridique et conservation',
    fields: [
      {
        name: 'cadre_juridique',
        label: 'Cadre juridique',
        hint: 'Le texte qui vous autorise à demander ces données. Exemple : délibération du conseil municipal du 12 mars 2026',
        multiline: true,
      },
      { name: 'cadre_juridique_url', label: 'Adresse du texte', type: 'url', hint: 'Légifrance ou délibération publiée, commence par https://' },
      { name: 'destinataires', label: 'Destinataires des données', hint: 'Le service et la fonction des agents qui les liront.', multiline: true },
      { name: 'conservation_jours', label: 'Durée de conservation, en jours', hint: 'Exemple : 365' },
      {
        name: 'justification_conservation',
        label: 'Justification de la durée de conservation',
        hint: `Obligatoire au-delà de 36 mois (${RETENTION_NEEDING_REASON_DAYS} jours).`,
        multiline: true,
      },
    ],
  },
  {
    title: 'Contacts',
    fields: [
      { name: 'dpo_nom', label: 'Délégué à la protection des données : nom', autocomplete: 'off' },
      { name: 'dpo_email', label: 'Délégué à la protection des données : adresse électronique', type: 'email', autocomplete: 'off' },
      { name: 'contact_metier_nom', label: 'Contact métier : nom', autocomplete: 'off' },
      { name: 'contact_metier_email', label: 'Contact métier : adresse électronique', type: 'email', autocomplete: 'off' },
      { name: 'contact_metier_telephone', label: 'Contact métier : téléphone', type: 'tel', autocomplete: 'off' },
      { name: 'contact_technique_nom', label: 'Contact technique : nom', autocomplete: 'off' },
      { name: 'contact_technique_email', label: 'Contact technique : adresse électronique', type: 'email', autocomplete: 'off' },
      { name: 'contact_technique_telephone', label: 'Contact technique : téléphone', type: 'tel', autocomplete: 'off' },
    ],
  },
  {
    title: 'Raccordement',
    fields: [
      {
        name: 'redirect_uris',
        label: 'Adresses de retour (redirect_uri)',
        hint: 'Une par ligne, en https. http://localhost n’est accepté que sur un portail de développement.',
        multiline: true,
      },
      {
        name: 'webhook_url',
        label: 'Adresse de notification (facultatif)',
        type: 'url',
        hint: 'Où recevoir les événements : retraits, fin prochaine de l’habilitation.',
      },
    ],
  },
];

/** Each state as the pages name it, with its DSFR badge. */
export const REQUEST_STATE_TEXTS: Record<HabilitationRequestState, { label: string; badge: string }> = {
  brouillon: { label: 'Brouillon', badge: 'fr-badge--info' },
  soumise: { label: 'En instruction', badge: 'fr-badge--new' },
  modifications_demandees: { label: 'Modifications demandées', badge: 'fr-badge--warning' },
  validee: { label: 'Validée', badge: 'fr-badge--success' },
  refusee: { label: 'Refusée', badge: 'fr-badge--error' },
};

const ACTION_TEXTS: Record<RequestEvent['action'], string> = {
  creee: 'a créé la demande',
  soumise: 'a soumis la demande',
  modifications_demandees: 'a demandé des modifications',
  validee: 'a validé la demande',
  refusee: 'a refusé la demande',
  message: 'a écrit',
};

export const stateOfRequest = (request: Pick<HabilitationRequest, 'state'>) => REQUEST_STATE_TEXTS[request.state];

/** A request in a list: its number, title, state and dates. */
export const listedRequest = (request: HabilitationRequest) => ({
  id: request.id,
  number: request.number,
  title:
    request.kind === 'prolongation'
      ? `Prolongation de l’habilitation ${request.habilitation_id} (${(JSON.parse(request.form) as Partial<RawForm>).intitule})`
      : request.kind === 'production'
        ? `Passage en production de « ${(JSON.parse(request.form) as Partial<RawForm>).intitule} »`
        : (JSON.parse(request.form) as Partial<RawForm>).intitule || 'Sans intitulé',
  organisation: request.organisation_name || request.siret,
  siret: request.siret,
  state: stateOfRequest(request),
  updated: frenchDate(request.updated_at),
  submitted: request.submitted_at === null ? undefined : frenchDate(request.submitted_at),
});

/** The request's history, oldest first: who did what, and their message. */
export const historyView = (history: RequestEvent[]) =>
  history.map((event) => ({
    when: frenchDateTime(event.at),
    who: event.author_role === 'instructeur' ? `${event.author_name} (instruction)` : event.author_name,
    action: ACTION_TEXTS[event.action],
    message: event.message,
  }));

/** The form's values read back, section by section, for whoever reads a request without editing it. */
export const summaryOf = (form: RawForm) => {
  const catalogue = formCatalogue();
  return {
    note: form.prolongation_note || form.production_note || undefined,
    sections: FORM_SECTIONS.map((section) => ({
      title: section.title,
      rows: section.fields.map((field) => ({ label: field.label, value: form[field.name as keyof RawForm] || '—' })),
    })),
    data: catalogue.groups
      .map((group) => ({ name: group.name, items: group.items.filter((item) => form.scopes.includes(item.scope)) }))
      .filter((group) => group.items.length > 0),
    modes: catalogue.modes
      .filter((mode) => form[mode.name as `mode_${string}`])
      .map((mode) => ({ label: mode.label, value: mode.options.find((option) => option[0] === form[mode.name as `mode_${string}`])?.[1] ?? '' })),
  };
};
