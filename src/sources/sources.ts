import { CNOUS_SOURCE } from './apis/cnous.js';
import { DSS_SOURCES } from './apis/dss.js';
import { FRANCE_TRAVAIL_SOURCES } from './apis/france-travail.js';
import { MEN_SOURCE } from './apis/men.js';
import { MESRI_SOURCE } from './apis/mesri.js';
import type { SourceDefinition } from './source-definition.js';

/** Every source by catalogue API id. */
export const SOURCES: ReadonlyMap<string, SourceDefinition> = new Map(
  [...DSS_SOURCES, MESRI_SOURCE, CNOUS_SOURCE, MEN_SOURCE, ...FRANCE_TRAVAIL_SOURCES].map((source) => [source.api, source]),
);
