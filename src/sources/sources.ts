import { ANTS_SOURCE } from './apis/ants.js';
import { CNOUS_SOURCE } from './apis/cnous.js';
import { DSNJ_SOURCE } from './apis/dsnj.js';
import { DSS_SOURCES } from './apis/dss.js';
import { FRANCE_TRAVAIL_SOURCES } from './apis/france-travail.js';
import { GIP_MDS_SOURCE } from './apis/gip-mds.js';
import { MEN_SOURCE } from './apis/men.js';
import { MESRI_SOURCE } from './apis/mesri.js';
import { SDH_SOURCE } from './apis/sdh.js';
import type { SourceDefinition } from './source-definition.js';

/** Every source by catalogue API id. */
export const SOURCES: ReadonlyMap<string, SourceDefinition> = new Map(
  [ANTS_SOURCE, ...DSS_SOURCES, MESRI_SOURCE, CNOUS_SOURCE, MEN_SOURCE, ...FRANCE_TRAVAIL_SOURCES, DSNJ_SOURCE, GIP_MDS_SOURCE, SDH_SOURCE].map(
    (source) => [source.api, source],
  ),
);
