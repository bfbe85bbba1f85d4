import { apiOf } from '../catalogue/catalogue.js';
import { PRODUCERS } from '../catalogue/producers.js';
import { SCOPES } from '../catalogue/scopes.js';
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
  /** Only the fields of this scope: a field of a scope not granted never appears. */
  data: Record<string, unknown> | undefined;
  fetchedAt: number;
}

/** One item per requested scope, with its source's status and its own fields only. */
export function requestedItems(scopes: string[], outcomes: SourceOutcome[]): RequestedItem[] {
  return SCOPES.filter((entry) => scopes.includes(entry.scope)).map((entry) => {
    const api = apiOf(entry);
    const outcome = outcomes.find((o) => o.api === api.id);
    const status = outcome?.status ?? 'error';
    return {
      scope: entry.scope,
      label: entry.label,
      title: entry.title,
      api: api.id,
      producer: PRODUCERS[api.producer].name,
      producerShort: PRODUCERS[api.producer].short,
      status,
      data: status === 'ok' && outcome?.data !== undefined ? project(outcome.data, entry.fields) : undefined,
      fetchedAt: outcome?.fetchedAt ?? Date.now(),
    };
  });
}

/** The APIs a set of scopes needs, each asked once. */
export function apisFor(scopes: string[]): string[] {
  return [...new Set(SCOPES.filter((entry) => scopes.includes(entry.scope)).map((entry) => entry.api))];
}
