import { apiOf } from '../catalogue/catalogue.js';
import { type Derivation, type Derivations, derive } from '../catalogue/derivations.js';
import { PRODUCERS } from '../catalogue/producers.js';
import { SCOPES } from '../catalogue/scopes.js';
import { parisDay } from '../wording/dates.fr.js';
import type { ItemStatus } from './item-status.js';
import { project } from './projection.js';
import type { SourceOutcome } from './source-fetcher.js';

export interface RequestedItem {
  scope: string;
  label: string;
  title: string;
  api: string;
  producer: string;
  producerShort: string;
  status: ItemStatus;
  /**
   * What leaves: only the fields of this scope (a field of a scope not granted never appears), or, when the
   * habilitation asks for a derived answer, that answer alone.
   */
  data: Record<string, unknown> | undefined;
  /** The rule `data` was derived by; the raw fields then stay in `seen`, for the citizen's own preview only. */
  derivation: Derivation | undefined;
  seen: Record<string, unknown> | undefined;
  fetchedAt: number;
  /** How the source was asked (sources/source-fetcher.ts); undefined when it was not asked. */
  via: SourceOutcome['via'] | undefined;
}

/** One item per requested scope, with its source's status, its own fields only, derived where the habilitation says. */
export function requestedItems(scopes: string[], outcomes: SourceOutcome[], derivations: Derivations = {}): RequestedItem[] {
  return SCOPES.filter((entry) => scopes.includes(entry.scope)).map((entry) => {
    const api = apiOf(entry);
    const outcome = outcomes.find((o) => o.api === api.id);
    const fetchedAt = outcome?.fetchedAt ?? Date.now();
    const seen = outcome?.status === 'ok' && outcome.data !== undefined ? project(outcome.data, entry.fields) : undefined;
    const derivation = derivations[entry.scope];
    const derived = seen === undefined || derivation === undefined ? undefined : derive(entry.scope, derivation, seen, parisDay(fetchedAt));
    // A derivation the answer cannot feed sends nothing, never the raw value: the item is then « erreur ».
    const status = derivation !== undefined && seen !== undefined && derived === undefined ? 'error' : (outcome?.status ?? 'error');
    return {
      scope: entry.scope,
      label: entry.label,
      title: entry.title,
      api: api.id,
      producer: PRODUCERS[api.producer].name,
      producerShort: PRODUCERS[api.producer].short,
      status,
      data: status !== 'ok' ? undefined : derivation === undefined ? seen : derived,
      derivation,
      seen: status === 'ok' ? seen : undefined,
      fetchedAt,
      via: outcome?.via,
    };
  });
}
