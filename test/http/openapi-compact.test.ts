import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { withClosedComposition } from '../../src/http/openapi-compact.js';
import { toYaml } from '../../src/openapi-document.js';

const members = {
  id: { type: 'integer' },
  name: {
    type: 'string',
    minLength: 1,
    maxLength: 100,
    description: 'What people call it, as `fjord token list` shows it',
  },
  role: { type: 'string', enum: ['admin', 'editor'] },
  created_at: { type: 'string', format: 'date-time', description: 'When it was made, in UTC' },
  last_used_at: { type: ['string', 'null'], format: 'date-time', description: 'When it last authenticated a request' },
};
const closed = (properties: object, required: string[]) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});
const documentOf = () => ({
  components: {
    schemas: {
      Token: closed(members, ['id', 'name', 'role', 'created_at']),
      CreatedToken: {
        ...closed({ ...members, secret: { type: 'string' } }, ['id', 'name', 'role', 'created_at', 'secret']),
        description: 'Shown once',
      },
      TokenInput: closed(members, ['name', 'role']),
      BigTokenInput: closed({ ...members, note: { type: 'string' } }, ['name', 'role']),
    },
  },
});

/** A validator for one component of the document, as the contract check reads it. */
function validatorFor(document: object, name: string) {
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  ajv.addSchema({ ...document, $id: 'https://fjord.test/doc.json' });
  return ajv.compile({ $ref: `https://fjord.test/doc.json#/components/schemas/${name}` });
}

describe('withClosedComposition', () => {
  const before = documentOf();
  const after = withClosedComposition(documentOf());
  const token = { id: 1, name: 'ci', role: 'editor', created_at: '2026-01-01T00:00:00Z' };
  const instances = [
    token,
    { ...token, secret: 's' },
    { ...token, secret: 's', extra: true },
    { ...token, extra: true },
    { id: 1, name: 'ci', role: 'editor' },
    { ...token, role: 'owner' },
    { ...token, secret: 1 },
  ];

  it('says the shared members once and keeps both schemas closed', () => {
    expect(after.components.schemas).toMatchObject({
      TokenFields: { type: 'object', properties: members, required: ['id', 'name', 'role', 'created_at'] },
      Token: { allOf: [{ $ref: '#/components/schemas/TokenFields' }], unevaluatedProperties: false },
      CreatedToken: {
        allOf: [{ $ref: '#/components/schemas/TokenFields' }],
        description: 'Shown once',
        properties: { secret: { type: 'string' } },
        required: ['secret'],
        unevaluatedProperties: false,
      },
    });
    expect(Object.keys(after.components.schemas)).toEqual([
      'TokenFields',
      'Token',
      'CreatedToken',
      'TokenInput',
      'BigTokenInput',
    ]);
  });

  it('accepts and refuses exactly what the whole schemas did', () => {
    for (const name of ['Token', 'CreatedToken']) {
      const [whole, composed] = [validatorFor(before, name), validatorFor(after, name)];
      expect(
        instances.map((instance) => composed(instance)),
        name,
      ).toEqual(instances.map((instance) => whole(instance)));
    }
    expect(validatorFor(after, 'CreatedToken')({ ...token, secret: 's' })).toBe(true);
    expect(validatorFor(after, 'CreatedToken')({ ...token, secret: 's', extra: true })).toBe(false);
  });

  it('leaves request bodies whole', () => {
    expect(after.components.schemas.TokenInput).toEqual(before.components.schemas.TokenInput);
    expect(after.components.schemas.BigTokenInput).toEqual(before.components.schemas.BigTokenInput);
  });
});

describe('toYaml', () => {
  const headers = {
    'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' },
    'RateLimit-Limit': { $ref: '#/components/headers/RateLimit-Limit' },
    'RateLimit-Remaining': { $ref: '#/components/headers/RateLimit-Remaining' },
  };
  const document = {
    paths: {
      '/v1/tags': {
        post: { operationId: 'createTag', responses: { '201': { description: 'Created', headers } } },
      },
      '/v1/credits': {
        post: { operationId: 'createCredit', responses: { '201': { description: 'Made', headers } } },
      },
      '/v1/tokens': {
        post: { operationId: 'createToken', responses: { '201': { description: 'Issued', headers } } },
      },
    },
  };

  it('writes a list of headers that responses share once, and reads back as the same document', () => {
    const yaml = toYaml(document);
    expect(parse(yaml)).toEqual(document);
    expect(yaml.match(/RateLimit-Limit:/g)).toHaveLength(1);
    expect(yaml).toContain('headers: &createTag-201-headers');
    expect(yaml).toContain('headers: *createTag-201-headers');
  });

  it("writes out a list that only two responses share, since each alias counts against parsers' limits", () => {
    const two = { '/v1/tags': document.paths['/v1/tags'], '/v1/credits': document.paths['/v1/credits'] };
    const yaml = toYaml({ paths: two });
    expect(yaml.match(/RateLimit-Limit:/g)).toHaveLength(2);
    expect(yaml).not.toContain('&');
  });
});
