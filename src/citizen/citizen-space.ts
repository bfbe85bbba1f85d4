import type { Kysely } from 'kysely';
import { titleOf } from '../catalogue/catalogue.js';
import type { Database } from '../db/schema.js';
import { entriesAbout } from '../journal/journal-reader.js';
import type { Justificatif, Justificatifs } from '../justificatif/justificatifs.js';
import type { Person } from '../justificatif/person.js';
import type { Registry } from '../registry/registry.service.js';
import type { Consent, Transmissions } from '../transmission/transmission.js';
import { ACCESS_ACTION_TEXTS, type SHARE_STATUS_TEXTS } from '../wording/labels.fr.js';

export type ShareStatus = 'active' | 'withdrawn' | 'expired' | 'refused';

/** One decision of the citizen, with whom it concerned and, for a transmission, its justificatif. */
export interface Share {
  consentId: string;
  decision: Consent['decision'];
  decidedAt: number;
  scopes: string[];
  /** The service provider the decision answered: what the list's « service » filter picks. */
  clientId: string;
  organisationId: string;
  organisationName: string;
  procedureName: string;
  purpose: string;
  justificatif: Justificatif | undefined;
  reference: string | undefined;
  status: ShareStatus;
}

export interface AccessLogEntry {
  at: number;
  who: string;
  action: string;
}

/**
 * What the history says of the justificatif's own end, beside who read it (ACCESS_ACTION_TEXTS): the citizen's
 * withdrawal, or the erasure at the end of retention. Each row reads as one sentence, « who » then « action ».
 */
const END_TEXTS = {
  'justificatif.withdrawn': { who: 'Vous', action: 'avez retiré ces informations' },
  'justificatif.purged': { who: 'Passerelle Particulier', action: 'a effacé ces informations à la fin de leur durée de conservation' },
} as const;

const HISTORY_TYPES = [...Object.keys(ACCESS_ACTION_TEXTS), ...Object.keys(END_TEXTS)];

export interface CitizenSpaceDependencies {
  db: Kysely<Database>;
  transmissions: Pick<Transmissions, 'consentsOf' | 'findConsent'>;
  justificatifs: Pick<Justificatifs, 'find' | 'ofConsents' | 'withdraw' | 'concerning' | 'open'>;
  registry: Pick<Registry, 'findServiceProvider' | 'findHabilitation' | 'findOrganisation'>;
  /** The number under which citizens see an agent. */
  agentNumber: (agentId: string) => string;
}

export const statusOf = (decision: Consent['decision'], justificatif: Justificatif | undefined): ShareStatus =>
  decision === 'refused' || justificatif === undefined ? 'refused' : justificatif.state;

/** How a share reads: a transmission in force says what it obtained, never "Transmise" for nothing. */
export const shownStatusOf = (share: Pick<Share, 'status' | 'justificatif'>): keyof typeof SHARE_STATUS_TEXTS => {
  if (share.status !== 'active') return share.status;
  const outcome = share.justificatif?.outcome;
  return outcome === 'none' ? 'nothing' : outcome === 'some' ? 'partial' : 'active';
};

/**
 * The citizen's space, read from the owners of each part: their decisions (transmission/), the justificatifs
 * (justificatif/), who asked (registry/), who looked (journal/). Only ever one citizen's own.
 */
export function createCitizenSpace({ db, transmissions, justificatifs, registry, agentNumber }: CitizenSpaceDependencies) {
  /** Registry rows looked up once per request, however many shares name them. */
  const memo = <T>(load: (key: string) => Promise<T>) => {
    const cache = new Map<string, Promise<T>>();
    return (key: string): Promise<T> => {
      const loaded = cache.get(key) ?? load(key);
      cache.set(key, loaded);
      return loaded;
    };
  };

  const sharesOf = async (consents: Consent[]): Promise<Share[]> => {
    const byConsent = await justificatifs.ofConsents(consents.filter((c) => c.decision === 'transmitted').map((c) => c.id));
    const serviceProvider = memo((clientId) => registry.findServiceProvider(clientId));
    const habilitation = memo((id) => registry.findHabilitation(id));
    return Promise.all(
      consents.map(async (consent) => {
        const [sp, terms] = await Promise.all([serviceProvider(consent.client_id), habilitation(consent.habilitation_id)]);
        const justificatif = byConsent.get(consent.id);
        return {
          consentId: consent.id,
          decision: consent.decision,
          decidedAt: consent.decided_at,
          scopes: JSON.parse(consent.scopes) as string[],
          clientId: consent.client_id,
          organisationId: sp?.organisation_id ?? '',
          organisationName: sp?.organisation_name ?? 'organisme inconnu',
          procedureName: sp?.procedure_name ?? '',
          purpose: terms?.purpose ?? '',
          justificatif,
          reference: justificatif?.reference,
          status: statusOf(consent.decision, justificatif),
        };
      }),
    );
  };

  return {
    /** Every share and refusal of one citizen, newest first. */
    list: async (citizenSub: string): Promise<Share[]> => sharesOf(await transmissions.consentsOf(citizenSub)),

    /** One share by its number, only if it is this citizen's. */
    async find(citizenSub: string, reference: string): Promise<Share | undefined> {
      const justificatif = await justificatifs.find(reference);
      if (justificatif === undefined || justificatif.citizenSub !== citizenSub) return undefined;
      const consent = await transmissions.findConsent(justificatif.consentId);
      return consent === undefined ? undefined : (await sharesOf([consent]))[0];
    },

    /**
     * Who received or looked at one justificatif, and when it ended (withdrawn or erased), newest first: agents by
     * number, never by name.
     */
    async accessLog(share: Share): Promise<AccessLogEntry[]> {
      if (share.justificatif === undefined) return [];
      const entries = await entriesAbout(db, `justificatif:${share.justificatif.id}`, HISTORY_TYPES);
      const organisation = memo((id) => registry.findOrganisation(id));
      const whoRead = async (entry: (typeof entries)[number]) =>
        entry.actor.startsWith('agent:')
          ? `Agent n° ${agentNumber(entry.actor.slice('agent:'.length))}, ${(entry.organisation_id === null ? undefined : await organisation(entry.organisation_id))?.name ?? 'organisation inconnue'}`
          : `Logiciel de la démarche « ${share.procedureName} »`;
      return Promise.all(
        entries.map(async (entry) => {
          const end = END_TEXTS[entry.type as keyof typeof END_TEXTS] as { who: string; action: string } | undefined;
          if (end !== undefined) return { at: entry.at, ...end };
          return { at: entry.at, who: await whoRead(entry), action: ACCESS_ACTION_TEXTS[entry.type as keyof typeof ACCESS_ACTION_TEXTS] };
        }),
      );
    },

    /**
     * What other people of the household transmitted that names this citizen (a co-allocataire, a child grown up):
     * to whom, when, why and which items, with who read it; never the values, nor who transmitted it.
     */
    async concerning(citizenSub: string, person: Person): Promise<Array<Share & { items: string[] }>> {
      const found = await justificatifs.concerning(person, citizenSub);
      const consents = (await Promise.all(found.map((justificatif) => transmissions.findConsent(justificatif.consentId)))).filter(
        (consent) => consent !== undefined,
      );
      return Promise.all(
        (await sharesOf(consents)).map(async (share) => {
          const opened = share.justificatif === undefined ? undefined : await justificatifs.open(share.justificatif);
          const items = opened?.state === 'valid' ? opened.document.elements.map((element) => titleOf(element.scope, element.libelle)) : [];
          return { ...share, items };
        }),
      );
    },

    /** Withdraws an active share: the justificatif's owner revokes, erases and signs the erasure receipt. */
    async withdraw(share: Share): Promise<void> {
      if (share.justificatif === undefined || share.status !== 'active') return;
      await justificatifs.withdraw(share.justificatif, share.organisationId || null);
    },
  };
}

export type CitizenSpace = ReturnType<typeof createCitizenSpace>;
