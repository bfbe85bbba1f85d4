import type { AgentTable } from '../db/schema.js';
import { frenchDate, frenchDateTime, numericDate } from '../wording/dates.fr.js';
import { JOURNAL_EVENT_TEXTS, JUSTIFICATIF_STATE_TEXTS } from '../wording/labels.fr.js';
import type { AgentSpace } from './agent-space.js';

type JournalPage = Awaited<ReturnType<AgentSpace['journal']>>;
type Member = Pick<AgentTable, 'id' | 'email' | 'given_name' | 'usual_name'>;

/** A colleague as pages name them: their name once they signed in, their address before. */
export const memberName = (member: Member) =>
  member.given_name !== null && member.usual_name !== null ? `${member.given_name} ${member.usual_name}` : member.email;

const ROLE_NAMES: Record<string, string> = { lecteur: 'lecteur', administrateur: 'administrateur' };

const VERIFICATION_RESULTS: Record<string, string> = {
  valid: 'Authentique',
  withdrawn: 'Retiré par l’usager',
  expired: 'Expiré',
  altered: 'Altéré',
  unknown: 'Numéro inconnu',
};

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** A search's or an export's filters, in words: « Nom : dubois · Né(e) le 24/08/1962 · Du 1 décembre 2026 ». */
export function filtersInWords(filters: Record<string, unknown>): string {
  const parts = [
    Array.isArray(filters.nom) && filters.nom.length > 0 ? `Nom : ${filters.nom.join(' ')}` : '',
    typeof filters.naissance === 'string' ? `Date de naissance : ${numericDate(filters.naissance)}` : '',
    typeof filters.numero === 'string' ? `Numéro : ${filters.numero}` : '',
    typeof filters.du === 'string' ? `Du ${frenchDate(filters.du)}` : '',
    typeof filters.au === 'string' ? `Au ${frenchDate(filters.au)}` : '',
    typeof filters.demarche === 'string' ? `Démarche : ${filters.demarche}` : '',
    typeof filters.statut === 'string' && filters.statut in JUSTIFICATIF_STATE_TEXTS
      ? `Contenu : ${JUSTIFICATIF_STATE_TEXTS[filters.statut as keyof typeof JUSTIFICATIF_STATE_TEXTS].label}`
      : '',
    filters.nonlus === true ? 'Non lus seulement' : '',
    typeof filters.evenement === 'string' && filters.evenement in JOURNAL_EVENT_TEXTS
      ? `Événement : ${JOURNAL_EVENT_TEXTS[filters.evenement as keyof typeof JOURNAL_EVENT_TEXTS]}`
      : '',
  ];
  return parts.filter((part) => part !== '').join(' · ') || 'Sans filtre';
}

/**
 * The organisation's journal as its administrators read it: French events, colleagues by name, citizens by the
 * organisation's pseudonym, justificatifs by their printed number, and a line of detail where the event has one.
 */
export function journalRows({ entries, references, team }: JournalPage) {
  const members = new Map(team.map((member) => [member.id, member]));
  const agentName = (id: string) => {
    const member = members.get(id);
    return member === undefined ? 'Agent retiré de l’organisation' : memberName(member);
  };
  const reference = (id: unknown) => (typeof id === 'string' ? (references.get(id) ?? '') : '');

  return entries.map((entry) => {
    const [kind = '', id = ''] = entry.actor.split(/:(.*)/s);
    const author =
      kind === 'agent'
        ? agentName(id)
        : kind === 'citizen'
          ? id === 'anonyme'
            ? 'Usager non connecté'
            : `Usager n° ${id}`
          : kind === 'proconnect'
            ? `Compte ProConnect ${text(entry.data.email)}`.trim()
            : kind === 'sp'
              ? `Service ${id}`
              : kind === 'operator'
                ? 'Opérateur de Passerelle Particulier'
                : kind === 'public'
                  ? 'Lecteur anonyme d’un justificatif papier'
                  : 'Passerelle Particulier (automatique)';
    const [subjectKind = '', subjectId = ''] = (entry.subject ?? '').split(/:(.*)/s);
    const object =
      subjectKind === 'justificatif'
        ? reference(subjectId) || text(entry.data.reference)
        : subjectKind === 'reference'
          ? subjectId
          : subjectKind === 'consent'
            ? reference(entry.data.justificatifId) || 'Aucun justificatif'
            : subjectKind === 'agent'
              ? agentName(subjectId)
              : '';
    const detail =
      entry.type === 'agent.search' || entry.type === 'agent.export' || entry.type === 'journal.export'
        ? filtersInWords((entry.data.filters ?? {}) as Record<string, unknown>) +
          (typeof entry.data.rows === 'number' ? ` · ${entry.data.rows} ligne${entry.data.rows > 1 ? 's' : ''}` : '')
        : entry.type === 'agent.role_changed'
          ? `${ROLE_NAMES[text(entry.data.from)] ?? ''} → ${ROLE_NAMES[text(entry.data.to)] ?? ''}`
          : entry.type === 'operator.action'
            ? text(entry.data.action) || text(entry.data.command)
            : entry.type === 'agent.signed_in'
              ? `Rôle : ${ROLE_NAMES[text(entry.data.role)] ?? ''}`
              : entry.type.startsWith('consent.')
                ? text(entry.data.procedure)
                : entry.type === 'verification.checked'
                  ? (VERIFICATION_RESULTS[text(entry.data.result)] ?? '')
                  : '';
    return {
      seq: entry.seq,
      at: entry.at,
      when: frenchDateTime(entry.at, { seconds: true }),
      event: JOURNAL_EVENT_TEXTS[entry.type as keyof typeof JOURNAL_EVENT_TEXTS] ?? entry.type,
      author,
      object,
      detail,
    };
  });
}
