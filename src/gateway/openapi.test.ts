import { describe, expect, it } from 'vitest';
import { API_ERRORS } from '../http/api-errors.js';
import { apiDocumentationView } from './api-documentation.js';
import { openApiDocument } from './openapi.js';

interface Responses {
  [status: string]: {
    description: string;
    content?: Record<string, { examples?: Record<string, { value: { errors: { code: string; meta: object }[] } }> }>;
  };
}
const document = openApiDocument('https://passerelle.exemple.gouv.fr') as unknown as { paths: Record<string, { get: { responses: Responses } }> };
const responsesOf = (path: string) => document.paths[path]?.get.responses ?? {};
const exampleCodes = (responses: Responses, status: string) =>
  Object.values(responses[status]?.content?.['application/json']?.examples ?? {}).map((example) => example.value.errors[0]?.code);

describe('OpenAPI description of the data API', () => {
  it('documents every error the justificatif route answers, with an example body each, withdrawal and unavailability included', () => {
    const responses = responsesOf('/api/v1/justificatif');
    expect(Object.keys(responses).sort()).toEqual(['200', '401', '403', '404', '410', '429', '500', '503']);
    expect(exampleCodes(responses, '401')).toEqual(['00101', '00103']);
    expect(exampleCodes(responses, '410')).toEqual(['00410']);
    expect(exampleCodes(responses, '503')).toEqual(['00503']);
    expect(responses['410']?.content?.['application/json']?.examples?.['00410']?.value.errors[0]?.meta).toEqual({ retire_le: expect.any(String) });
    expect(responses['410']?.description).toBe('00410 Justificatif retiré');
  });

  it('gives a v3 route the gateway’s errors and its producer’s codes, two errors sharing a code keeping an example each', () => {
    const responses = responsesOf('/v3/dss/quotient_familial/france_connect');
    expect(exampleCodes(responses, '403')).toEqual(['00100', '00100']);
    expect(Object.keys(responses['403']?.content?.['application/json']?.examples ?? {})).toEqual(['00100', '00100_1']);
    expect(exampleCodes(responses, '404').sort()).toEqual(['00404', '37003']);
    expect(exampleCodes(responses, '422')).toEqual(['00355']);
    expect(exampleCodes(responses, '504')).toEqual(['37001']);
  });
});

describe('headers of the data API', () => {
  it('documents on each 200 the request identifier and API Particulier’s rate limit headers, each reference resolved', () => {
    const full = openApiDocument('https://passerelle.exemple.gouv.fr') as unknown as {
      components: { headers: Record<string, { description: string }> };
      paths: Record<string, { get: { responses: Record<string, { headers?: Record<string, { $ref: string }> }> } }>;
    };
    for (const path of ['/api/v1/justificatif', '/v3/dss/quotient_familial/france_connect']) {
      const headers = full.paths[path]?.get.responses['200']?.headers ?? {};
      expect(Object.keys(headers)).toEqual(['X-Request-ID', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset']);
      for (const { $ref } of Object.values(headers))
        expect(full.components.headers[$ref.replace('#/components/headers/', '')]?.description).toBeTruthy();
    }
  });
});

describe('error catalogue of /api/documentation', () => {
  it('lists each error of the gateway once, by status, with the body the API sends', () => {
    const { errors, producerErrors } = apiDocumentationView('https://passerelle.exemple.gouv.fr');
    expect(errors.map((error) => error.code)).toEqual([
      '00400',
      '00101',
      '00103',
      '00100',
      '00100',
      '00404',
      '00404',
      '00410',
      '00429',
      '00500',
      '00503',
    ]);
    expect(errors).toHaveLength(Object.keys(API_ERRORS).length);
    const withdrawn = errors.find((error) => error.code === '00410');
    expect(JSON.parse(withdrawn?.example ?? '')).toEqual({
      errors: [
        {
          code: '00410',
          title: 'Justificatif retiré',
          detail: API_ERRORS.withdrawn.detail,
          source: null,
          meta: { retire_le: '2026-12-01T09:30:00.000Z' },
        },
      ],
    });
    expect(producerErrors.find((error) => error.status === 422)?.codes).toEqual(['00355']);
    expect(producerErrors.find((error) => error.status === 404)?.codes).toContainEqual(
      expect.stringMatching(/^37003 \(Quotient familial CAF et MSA, Complémentaire santé solidaire, /),
    );
  });
});

describe('events in the OpenAPI file and /api/documentation', () => {
  it('documents each event a service may receive, its format, its answers and the retries', () => {
    const { webhooks } = openApiDocument('https://passerelle.exemple.gouv.fr') as unknown as {
      webhooks: Record<
        string,
        { post: { description: string; requestBody: { content: Record<string, unknown> }; responses: Record<string, unknown> } }
      >;
    };
    expect(Object.keys(webhooks)).toEqual(['justificatif.retire', 'habilitation.expire_bientot']);
    for (const { post } of Object.values(webhooks)) {
      expect(Object.keys(post.requestBody.content)).toEqual(['application/secevent+jwt']);
      expect(Object.keys(post.responses)).toEqual(['202', '400']);
      expect(post.description).toContain('16 tentatives sur environ 39 heures');
    }
    const { events, retries } = apiDocumentationView('https://passerelle.exemple.gouv.fr');
    expect(retries).toEqual({ attempts: 16, hours: 39, firstDelaySeconds: 30, longestDelayHours: 6 });
    expect(events.map((event) => event.uri)).toEqual([
      'urn:passerelle-particulier:evenement:justificatif.retire',
      'urn:passerelle-particulier:evenement:habilitation.expire_bientot',
    ]);
    expect(events[0]?.example).toContain('"aud": "votre-client-id"');
  });
});
