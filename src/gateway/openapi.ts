import type { CatalogueApi } from '../catalogue/apis.js';
import { SCOPES } from '../catalogue/scopes.js';
import { API_ERRORS, type ApiError, apiErrorBody } from '../http/api-errors.js';
import { ELEMENT_STATUSES, RESULTATS } from '../justificatif/document.js';
import { REFERENCE_PATTERN } from '../justificatif/reference.js';
import { retrySchedule } from '../notifications/event-outbox.js';
import {
  RECEIVER_ERROR_CODES,
  SP_EVENT_MEDIA_TYPE,
  SP_EVENT_TYP,
  SP_EVENT_TYPES,
  type SpEventType,
  spEventExample,
  spEventUri,
} from '../notifications/sp-events.js';
import { DATA_API_ERRORS } from './data-api-errors.js';
import { DISTINCT_PRODUCER_ERRORS, producerErrorCode, V3_ROUTES } from './v3-answer.js';

/** The error responses of a route, by HTTP status: each code with its title, and an example body for each. */
export function errorResponses(errors: readonly ApiError[]) {
  const byStatus = new Map<number, ApiError[]>();
  for (const error of errors) byStatus.set(error.status, [...(byStatus.get(error.status) ?? []), error]);
  return Object.fromEntries(
    [...byStatus].map(([status, group]) => [
      status,
      {
        description: group.map((error) => `${error.code} ${error.title}`).join(' ; '),
        content: {
          'application/json': {
            schema: { $ref: '#/components/schemas/Errors' },
            // Two errors may share a code (00100: habilitation ended, or data not transmitted): each keeps its example.
            examples: Object.fromEntries(
              group.map((error, n) => [
                group.findIndex((other) => other.code === error.code) === n ? error.code : `${error.code}_${n}`,
                { summary: error.title, value: apiErrorBody(error, error.meta) },
              ]),
            ),
          },
        },
      },
    ]),
  );
}

/** What every answer of the data API carries, as API Particulier's do: the request's identifier and the rate limit. */
const ANSWER_HEADERS = Object.fromEntries(
  ['X-Request-ID', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'].map((name) => [name, { $ref: `#/components/headers/${name}` }]),
);

/** The errors of the producers a v3 route can answer, with this API's codes. */
const producerErrors = (api: CatalogueApi): ApiError[] =>
  DISTINCT_PRODUCER_ERRORS.map((error) => ({
    status: error.status,
    code: producerErrorCode(api, error),
    title: error.title,
    detail: error.title,
  }));

/** The OpenAPI 3.1 description of the data API, built from the catalogue so that it lists every v3 route served. */
/**
 * What the portal sends to a service's registered address: one Security Event Token per POST (RFC 8417, RFC 8935),
 * retried until a 2xx.
 */
const spEventWebhooks = (publicUrl: string) => {
  const { attempts, hours } = retrySchedule();
  return Object.fromEntries(
    (Object.keys(SP_EVENT_TYPES) as SpEventType[]).map((type) => {
      const { header, claims } = spEventExample(type, publicUrl);
      return [
        type,
        {
          post: {
            summary: SP_EVENT_TYPES[type].summary,
            description: `Jeton d’événement de sécurité (JWS compact ES256, typ ${SP_EVENT_TYP}) à vérifier avec /.well-known/jwks.json, iss = ${publicUrl}, aud = votre client_id ; la clé de « events » est ${spEventUri(type)}. Sans réponse 2xx, ${attempts} tentatives sur environ ${hours} heures ; un même jti peut arriver deux fois.\n\nEn-tête : ${JSON.stringify(header)}\n\nContenu : ${JSON.stringify(claims)}`,
            requestBody: { required: true, content: { [SP_EVENT_MEDIA_TYPE]: { schema: { type: 'string' } } } },
            responses: {
              202: { description: 'Événement reçu' },
              400: {
                description: 'Événement refusé (RFC 8935 § 2.4)',
                content: {
                  'application/json': {
                    schema: {
                      type: 'object',
                      required: ['err'],
                      properties: { err: { enum: [...RECEIVER_ERROR_CODES] }, description: { type: 'string' } },
                    },
                  },
                },
              },
            },
          },
        },
      ];
    }),
  );
};

export function openApiDocument(publicUrl: string) {
  const v3Paths = Object.fromEntries(
    V3_ROUTES.flatMap(({ api, path }) => [
      [
        path,
        {
          get: {
            summary: `${api.name} (compatible API Particulier v3, mode FranceConnect)`,
            description: `Scopes : ${SCOPES.filter((s) => s.api === api.id)
              .map((s) => s.scope)
              .join(', ')}. Répond à partir du justificatif transmis, dans la forme v3.`,
            security: [{ accessToken: [] }],
            responses: {
              200: {
                description: 'Données transmises',
                headers: ANSWER_HEADERS,
                content: { 'application/vnd.api+json': { schema: { $ref: '#/components/schemas/V3Answer' } } },
              },
              ...errorResponses([...DATA_API_ERRORS.v3.map((name) => API_ERRORS[name]), ...producerErrors(api)]),
            },
          },
        },
      ],
    ]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'Passerelle Particulier — API des fournisseurs de service',
      version: '1.0.0',
      description:
        'Le fournisseur de service obtient un jeton d’accès par OpenID Connect (flux code avec PKCE, voir /oidc/.well-known/openid-configuration), puis lit le justificatif signé que la personne a transmis.',
    },
    servers: [{ url: publicUrl }],
    components: {
      securitySchemes: { accessToken: { type: 'http', scheme: 'bearer', description: 'Jeton d’accès opaque remis par /oidc/token' } },
      headers: {
        'X-Request-ID': {
          description:
            'Identifiant de la requête : le vôtre s’il est bien formé (8 à 128 caractères A-Z a-z 0-9 . _ -), sinon un UUID ; à conserver dans vos journaux',
          schema: { type: 'string' },
        },
        'RateLimit-Limit': { description: 'Requêtes permises par minute à votre service', schema: { type: 'integer' } },
        'RateLimit-Remaining': { description: 'Requêtes qu’il vous reste dans la minute en cours', schema: { type: 'integer' } },
        'RateLimit-Reset': { description: 'Secondes avant le début de la minute suivante', schema: { type: 'integer' } },
      },
      schemas: {
        Errors: {
          type: 'object',
          required: ['errors'],
          properties: {
            errors: {
              type: 'array',
              items: {
                type: 'object',
                required: ['code', 'title', 'detail'],
                properties: {
                  code: { type: 'string', pattern: '^\\d{5}$' },
                  title: { type: 'string' },
                  detail: { type: 'string' },
                  source: { type: ['object', 'null'] },
                  meta: { type: 'object' },
                },
              },
            },
          },
        },
        Element: {
          type: 'object',
          required: ['scope', 'libelle', 'producteur', 'statut', 'donnees', 'obtenu_le'],
          properties: {
            scope: { type: 'string' },
            libelle: { type: 'string', description: 'Le nom de l’information pour le service qui la lit, par exemple « Quotient familial »' },
            producteur: { type: 'string' },
            statut: { enum: [...new Set(Object.values(ELEMENT_STATUSES))] },
            explication: { type: ['string', 'null'] },
            donnees: {
              type: ['object', 'null'],
              description:
                'Seulement les champs des scopes transmis, dans la forme API Particulier v3 ; ou, quand l’habilitation demande une réponse dérivée, cette seule réponse : quotient_familial_tranche { tranche « 450–800 », borne_basse (exclue), borne_haute (incluse, null pour la dernière), bornes, annee, mois, fournisseur }, quotient_familial_seuil { seuil, inferieur_ou_egal, annee, mois, fournisseur }, enfants_nombre { nombre, age_max, au }. Un quotient familial de 0 donne { non_calculable: true, annee, mois, fournisseur }.',
            },
            derivation: {
              type: ['object', 'null'],
              description:
                'La règle qui a produit donnees à la place de la valeur brute, telle que l’habilitation la déclare : { regle: « tranche », bornes }, { regle: « seuil », seuil } ou { regle: « nombre », age_max } ; null pour la valeur brute.',
            },
            periode: {
              type: ['string', 'null'],
              pattern: '^\\d{4}-\\d{2}$',
              description: 'Le mois auquel se rapportent les données, AAAA-MM (celui d’un quotient familial), quand la source le dit ; null sinon.',
            },
            obtenu_le: { type: 'string', format: 'date-time' },
          },
        },
        Justificatif: {
          type: 'object',
          required: ['id', 'numero', 'resultat', 'emis_le', 'destinataire', 'finalite', 'cadre_legal', 'conservation_jusqu_au', 'sujet', 'elements'],
          properties: {
            id: { type: 'string' },
            numero: {
              type: 'string',
              pattern: REFERENCE_PATTERN.source,
              description:
                'Numéro de la transmission, celui que voient la personne (page de confirmation, Mon espace, reçu) et les agents, et que /verifier accepte. À afficher à la personne.',
            },
            resultat: {
              enum: Object.values(RESULTATS),
              description:
                'complet : toutes les informations ont été obtenues ; partiel : certaines seulement (voir le statut de chaque élément) ; aucune_information : aucune n’a pu être obtenue, la personne a choisi de vous le faire savoir. Absent des justificatifs émis avant le 4 décembre 2026 : le déduire des statuts.',
            },
            emis_le: { type: 'string', format: 'date-time' },
            destinataire: {
              type: 'object',
              properties: {
                organisation: { type: 'string' },
                siret: { type: 'string' },
                client_id: { type: 'string' },
                demarche: { type: 'string' },
              },
            },
            finalite: { type: 'string' },
            cadre_legal: { type: 'object', properties: { texte: { type: 'string' }, reference: { type: 'string' } } },
            conservation_jusqu_au: { type: 'string', format: 'date' },
            sujet: { type: 'string', description: 'Le sub de l’ID token de ce fournisseur de service' },
            elements: { type: 'array', items: { $ref: '#/components/schemas/Element' } },
          },
        },
        V3Answer: {
          type: 'object',
          required: ['data', 'links', 'meta'],
          properties: { data: { type: 'object' }, links: { type: 'object' }, meta: { type: 'object' } },
        },
      },
    },
    paths: {
      '/api/v1/justificatif': {
        get: {
          summary: 'Le justificatif transmis, signé',
          description:
            'Avec « Accept: application/jwt », la seule signature compacte (JWS ES256, typ justificatif+jwt), vérifiable avec /.well-known/jwks.json.',
          security: [{ accessToken: [] }],
          responses: {
            200: {
              description: 'Le justificatif et sa signature',
              headers: ANSWER_HEADERS,
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: { justificatif: { $ref: '#/components/schemas/Justificatif' }, signature: { type: 'string' } },
                  },
                },
                'application/jwt': { schema: { type: 'string' } },
              },
            },
            ...errorResponses(DATA_API_ERRORS.v1.map((name) => API_ERRORS[name])),
          },
        },
      },
      '/.well-known/jwks.json': {
        get: { summary: 'Clés publiques de signature des justificatifs et des événements', responses: { 200: { description: 'JWKS' } } },
      },
      ...v3Paths,
    },
    webhooks: spEventWebhooks(publicUrl),
  };
}
