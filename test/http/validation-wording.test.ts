import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/build-app.js';
import { createToken } from '../helpers/factories.js';

const { app, api, services } = await buildTestApp();
const admin = (await createToken(services, 'admin')).header;

/** Zod's own wording, in any of its default messages: none may reach a client. */
const ZOD_DEFAULT =
  /Invalid (input|option|string|number|key|element|value|union|type)|expected .* received|Too (small|big)|Unrecognized key|Expected (string|number|object|array)/i;

interface Operation {
  method: string;
  path: string;
  parameters: { in: string; name: string; schema?: { type?: string } }[];
  bodyFields: string[] | null;
}

type Schema = { $ref?: string; properties?: Record<string, unknown>; anyOf?: Schema[]; oneOf?: Schema[] };

/** Every operation of the served OpenAPI document, with the fields its JSON body declares. */
function operations(): Operation[] {
  const doc = app.swagger() as {
    paths: Record<string, Record<string, { parameters?: Operation['parameters']; requestBody?: unknown }>>;
    components: { schemas: Record<string, Schema> };
  };
  const resolve = (schema: Schema | undefined): Schema =>
    schema?.$ref ? resolve(doc.components.schemas[schema.$ref.split('/').at(-1) ?? '']) : (schema ?? {});
  const fields = (schema: Schema | undefined): string[] => {
    const s = resolve(schema);
    return [
      ...Object.keys(s.properties ?? {}),
      ...[...(s.anyOf ?? []), ...(s.oneOf ?? [])].flatMap((member) => fields(member)),
    ];
  };
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => {
      const body = (op.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)?.content?.[
        'application/json'
      ]?.schema;
      return {
        method,
        path,
        parameters: op.parameters ?? [],
        bodyFields: body ? [...new Set(fields(body))] : null,
      };
    }),
  );
}

/** The path with each parameter a value of the right shape, or `bad` for the one named. */
function urlOf(op: Operation, bad?: { name: string; value: string }): string {
  return op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (bad?.name === name) return encodeURIComponent(bad.value);
    const type = op.parameters.find((p) => p.in === 'path' && p.name === name)?.schema?.type;
    return type === 'integer' ? '1' : 'some-name';
  });
}

const BAD_VALUES: unknown[] = [
  12345,
  -1,
  0,
  1.5,
  '',
  'x',
  'x'.repeat(20_000),
  [],
  [1],
  ['x'],
  {},
  { a: 1 },
  null,
  true,
];
const BAD_BODIES: unknown[] = [[], 'text', 5, { not_a_field: 1 }, {}];
const BAD_PARAMETERS = ['abc', '-1', '0', '1.5', '99999999999', 'x'.repeat(300), '%', 'a b'];

interface Answer {
  request: string;
  status: number;
  body: { detail?: string; errors?: { message: string }[] };
}

async function send(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  let request = api[method as 'get'](url).set('Authorization', admin).set(headers);
  if (body !== undefined) request = request.set('content-type', 'application/json').send(JSON.stringify(body));
  const res = await request;
  return {
    request: `${method.toUpperCase()} ${url} ${JSON.stringify(body)?.slice(0, 60) ?? ''}`,
    status: res.status,
    body: res.body,
  };
}

describe('validation problems speak with one voice', () => {
  it('words no problem in zod’s default phrasing, whatever body, query or path a route is sent', async () => {
    const answers: Answer[] = [];
    for (const op of operations()) {
      if (op.bodyFields) {
        for (const body of BAD_BODIES) answers.push(await send(op.method, urlOf(op), body));
        for (const field of op.bodyFields) {
          for (const value of BAD_VALUES) answers.push(await send(op.method, urlOf(op), { [field]: value }));
        }
      }
      for (const parameter of op.parameters) {
        for (const value of BAD_PARAMETERS) {
          if (parameter.in === 'path') answers.push(await send(op.method, urlOf(op, { name: parameter.name, value })));
          if (parameter.in === 'query') {
            const url = `${urlOf(op)}?${parameter.name}=${encodeURIComponent(value)}`;
            answers.push(await send(op.method, url, op.bodyFields ? {} : undefined));
          }
          if (parameter.in === 'header') {
            answers.push(await send(op.method, urlOf(op), op.bodyFields ? {} : undefined, { [parameter.name]: value }));
          }
        }
      }
    }
    const validation = answers.filter((a) => a.status === 400 && Array.isArray(a.body.errors));
    // The sweep reaches the validation of every part of a request, not only a few routes'.
    expect(validation.length).toBeGreaterThan(500);
    const defaults = answers.flatMap((a) =>
      [a.body.detail ?? '', ...(a.body.errors ?? []).map((e) => e.message)]
        .filter((message) => ZOD_DEFAULT.test(message))
        .map((message) => `${a.request}: ${message}`),
    );
    expect(defaults).toEqual([]);
    expect(answers.filter((a) => a.status >= 500).map((a) => a.request)).toEqual([]);
  });

  it('tells a wrong type and an unknown choice in Fjord’s words', async () => {
    const res = await api.post('/v1/tokens').set('Authorization', admin).send({ name: 3, role: 'king' }).expect(400);
    expect(res.body).toEqual({
      type: '/problems/validation_failed',
      title: 'Validation failed',
      status: 400,
      detail: 'Invalid body: name, role',
      instance: '/v1/tokens',
      code: 'validation_failed',
      request_id: expect.any(String),
      errors: [
        { in: 'body', path: 'name', message: 'must be a string' },
        { in: 'body', path: 'role', message: 'must be one of "admin", "editor" or "moderator"' },
      ],
    });
  });

  it('names missing fields as required, and a body that is not an object as such', async () => {
    const missing = await api.post('/v1/articles').set('Authorization', admin).send({}).expect(400);
    expect(missing.body.errors).toEqual([
      { in: 'body', path: 'title', message: 'is required' },
      { in: 'body', path: 'lang', message: 'is required' },
      { in: 'body', path: 'body', message: 'is required' },
    ]);
    const list = await api.post('/v1/articles').set('Authorization', admin).send([]).expect(400);
    expect(list.body).toMatchObject({
      detail: 'Invalid body: the body itself',
      errors: [{ in: 'body', path: '', message: 'must be an object' }],
    });
  });

  it('lists the allowed values of a query parameter', async () => {
    const res = await api.get('/v1/comments?status=bogus').set('Authorization', admin).expect(400);
    expect(res.body).toEqual({
      type: '/problems/bad_request',
      title: 'Bad request',
      status: 400,
      detail: 'Invalid query: status',
      instance: '/v1/comments',
      code: 'bad_request',
      request_id: expect.any(String),
      errors: [
        { in: 'query', path: 'status', message: 'must be one of "pending", "approved", "rejected", "spam" or "all"' },
      ],
    });
  });
});
