import type { InteractionResults } from 'oidc-provider';
import { APIS } from '../catalogue/apis.js';
import { groupByProducer } from '../catalogue/catalogue.js';
import { resultSentence, ruleSentence } from '../catalogue/derivations.js';
import { isIncomeYearScope } from '../catalogue/income-years.js';
import { answeringProducer } from '../catalogue/producers.js';
import type { CitizenIdentity } from '../franceconnect/citizen-identity.js';
import { AppError } from '../http/errors.js';
import { completenessOfCount } from '../justificatif/document.js';
import type { DataRequest } from '../registry/data-request.js';
import type { Registry } from '../registry/registry.service.js';
import { othersNamedIn } from '../sources/household.js';
import { IDENTITY_VARIANTS, likelyCauses, variantsFor } from '../sources/identity-variants.js';
import { statusText } from '../sources/item-status.js';
import type { RequestedItem } from '../sources/items.js';
import type { ExtraInputs } from '../sources/source-definition.js';
import { frenchDuration } from '../wording/dates.fr.js';
import { CALL_MODE_NOTES, OUTCOME_TEXTS } from '../wording/labels.fr.js';
import { labelsAsPhrase } from '../wording/lists.fr.js';
import { displayData } from '../wording/values.fr.js';

export type InteractionDetails = Awaited<ReturnType<import('oidc-provider').default['interactionDetails']>>;
export type { InteractionResults };

/** The request an interaction carries, as the habilitation in force allows it; without one, the page says so. */
export async function requestOfInteraction(
  registry: Pick<Registry, 'dataRequest' | 'findServiceProvider'>,
  details: InteractionDetails,
): Promise<DataRequest> {
  const clientId = String(details.params.client_id);
  const request = await registry.dataRequest(clientId, String(details.params.scope ?? '').split(' '));
  if (request === undefined) {
    const sp = await registry.findServiceProvider(clientId);
    throw new AppError('DEMANDE-003', `pas d’habilitation en vigueur pour ${clientId}`, { view: { sp: sp?.organisation_name } });
  }
  return request;
}

const formatSiret = (siret: string) => `${siret.slice(0, 3)} ${siret.slice(3, 6)} ${siret.slice(6, 9)} ${siret.slice(9)}`;

/**
 * Everything the request and consent pages say: who asks (from the SIRET registry, not free text), why, what
 * (grouped by producer), for how long. Only items of the habilitation in force are shown, whatever was asked.
 */
export function requestView(request: DataRequest, uid: string) {
  return {
    uid,
    sandbox: request.environment === 'bac_a_sable',
    organisation: request.organisation.name,
    siret: formatSiret(request.organisation.siret),
    procedure: request.procedure,
    purpose: request.purpose,
    legalBasis: request.legalBasis,
    legalReference: request.legalReference,
    legalReferenceUrl: /^https:\/\//.test(request.legalReference) ? request.legalReference : undefined,
    retention: frenchDuration(request.retentionDays),
    groups: groupByProducer(request.scopes),
    /**
     * The consent step's short list, one line per administration: what is asked of it, not which income year (the
     * details say it, the preview shows the year read). One line per item put the buttons below a 1280 × 800 fold.
     */
    summary: groupByProducer(request.scopes.filter((scope) => !isIncomeYearScope(scope))).map((group) => ({
      scopes: group.items.map((item) => item.scope).join(' '),
      what: labelsAsPhrase(group.items.map((item) => item.label)),
      short: group.short,
    })),
    /** Per scope answered by a derived answer, what alone the service will learn of it. */
    derived: Object.fromEntries(
      Object.entries(request.derivations)
        .filter(([scope]) => request.scopes.includes(scope))
        .map(([scope, derivation]) => [scope, ruleSentence(derivation, request.organisation.name)]),
    ),
  };
}

export type RequestView = ReturnType<typeof requestView>;

/** How an administration that answered was asked: with the citizen's FranceConnect token, or from their identity. */
function viaNote(producerShort: string, items: RequestedItem[]): string | undefined {
  const via = items.find((item) => item.status === 'ok')?.via;
  return via === undefined ? undefined : CALL_MODE_NOTES[via](producerShort);
}

/** The preview page's data: items grouped by producer, each with its status in words and its value readably. */
export function previewView(
  request: RequestView,
  items: RequestedItem[],
  citizen?: {
    identity: CitizenIdentity;
    tried: Record<string, string[]>;
    /** The sources' whole answers: a quotient familial concerns the co-allocataire they name, asked for or not. */
    answers: Array<Record<string, unknown> | undefined>;
    /** What the citizen typed on the consent step (an INE, a France Travail login). */
    inputs: ExtraInputs;
  },
) {
  // One "Réessayer" per source that did not answer, on its first item: one source often gives several items.
  const firstOf = (status: (item: RequestedItem) => boolean) =>
    new Set(new Map([...items.filter(status)].reverse().map((item) => [item.api, item.scope])).values());
  const retryOn = firstOf((item) => item.status === 'unavailable');
  // Where a source did not find or recognise the person: why, read from their identity, and the variants to retry.
  const recoverOn = firstOf((item) => item.status === 'not_found' || item.status === 'invalid_input' || item.status === 'not_holder');
  const recoveryOf = (item: RequestedItem) => {
    if (citizen === undefined || !recoverOn.has(item.scope)) return undefined;
    const variants = variantsFor(citizen.identity, citizen.tried[item.api]).map((name) => ({ name, label: IDENTITY_VARIANTS[name].label }));
    const causes = likelyCauses(citizen.identity);
    // Where the API takes an identifier of its own, typing it (or typing it again) on the consent step is the fix.
    const needs = APIS.find((api) => api.id === item.api)?.extraInputs ?? [];
    const input = needs.includes('ine')
      ? citizen.inputs.ine === undefined
        ? { label: 'Saisir votre numéro INE et réessayer', href: `/demande/${request.uid}#ine` }
        : { label: 'Vérifier votre numéro INE et réessayer', href: `/demande/${request.uid}#ine` }
      : needs.includes('identifiant_france_travail')
        ? { label: 'Vérifier votre identifiant France Travail et réessayer', href: `/demande/${request.uid}#identifiant_france_travail` }
        : needs.includes('identifiant_sportif')
          ? { label: 'Vérifier votre identifiant de sportif et réessayer', href: `/demande/${request.uid}#identifiant_sportif` }
          : undefined;
    return causes.length === 0 && variants.length === 0 && input === undefined
      ? undefined
      : { causes, variants, input, tried: (citizen.tried[item.api] ?? []).length > 0 };
  };
  const groups = request.groups.map((group) => ({
    name: answeringProducer(
      group.producer,
      items.filter((item) => group.items.some((entry) => entry.scope === item.scope)).map((item) => item.seen),
    ).name,
    via: viaNote(
      group.short,
      items.filter((item) => group.items.some((entry) => entry.scope === item.scope)),
    ),
    items: items
      .filter((item) => group.items.some((entry) => entry.scope === item.scope))
      .map((item) => ({
        ...item,
        text: statusText(item.status),
        why: statusText(item.status).why(item.producerShort),
        instead: statusText(item.status).instead(request.organisation),
        // The citizen sees their own value; when only a derived answer leaves, the sentence says which.
        rows: displayData(item.seen),
        sent:
          item.derivation === undefined || item.data === undefined
            ? undefined
            : item.derivation.regle === 'champs'
              ? ruleSentence(item.derivation, request.organisation)
              : resultSentence(item.data, request.organisation),
        retry: retryOn.has(item.scope),
        recovery: recoveryOf(item),
      })),
  }));
  const found = items.filter((item) => item.status === 'ok').length;
  const outcome = completenessOfCount(found, items.length);
  // The other people the answers name: the citizen decides for them too, and should know it.
  const others = citizen === undefined ? [] : [...new Set(citizen.answers.flatMap((answer) => othersNamedIn(answer, citizen.identity)))];
  return {
    groups,
    found,
    total: items.length,
    missing: items.filter((item) => item.status !== 'ok'),
    outcome,
    texts: OUTCOME_TEXTS[outcome],
    others,
  };
}
