import { describe, expect, it } from 'vitest';
import { buildTestApp } from './helpers/build-app.js';
import { createToken } from './helpers/factories.js';

const { app, api, services } = await buildTestApp();

type Access = 'public' | 'editor' | 'moderator' | 'admin';
type Caller = 'anonymous' | 'moderator' | 'editor' | 'admin';

const headers: Record<Caller, string | null> = {
  anonymous: null,
  moderator: (await createToken(services, 'moderator')).header,
  editor: (await createToken(services, 'editor')).header,
  admin: (await createToken(services, 'admin')).header,
};

/** Who may call an operation at each access level; everyone else gets 401 (no token) or 403. */
const ALLOWED: Record<Access, Caller[]> = {
  public: ['anonymous', 'moderator', 'editor', 'admin'],
  editor: ['editor', 'admin'],
  moderator: ['moderator', 'admin'],
  admin: ['admin'],
};

interface Operation {
  method: string;
  path: string;
  operationId: string;
  access: Access;
}

const document = app.swagger() as unknown as {
  paths: Record<string, Record<string, { operationId: string; 'x-access'?: Access }>>;
};
const operations: Operation[] = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({
    method,
    path,
    operationId: op.operationId,
    access: op['x-access'] as Access,
  })),
);

/** Path parameters that name nothing, so allowed callers reach the handler without changing anything. */
function urlOf(path: string): string {
  return path.replace(/\{(\w+)\}/g, (_match, name: string) =>
    name === 'id' && path.startsWith('/v1/articles')
      ? '0190a1b2-0000-7000-8000-000000000000'
      : name === 'slug'
        ? 'no-such-slug'
        : '999999',
  );
}

function expectedStatus(access: Access, caller: Caller): 'allowed' | 401 | 403 {
  if (ALLOWED[access].includes(caller)) return 'allowed';
  return caller === 'anonymous' ? 401 : 403;
}

describe('the authorization matrix', () => {
  it('documents an access level on every operation, and the editorial ones have the expected level', () => {
    expect(operations.length).toBeGreaterThan(20);
    for (const op of operations) expect(['public', 'editor', 'moderator', 'admin']).toContain(op.access);
    const byId = Object.fromEntries(operations.map((op) => [op.operationId, op.access]));
    expect(byId).toMatchObject({
      listArticles: 'public',
      getArticle: 'public',
      createArticle: 'editor',
      createRevision: 'editor',
      publishArticle: 'editor',
      archiveArticle: 'admin',
      createToken: 'admin',
      listAudit: 'admin',
      createTag: 'editor',
    });
  });

  describe.each(operations)('$method $path ($access)', (op) => {
    it.each(Object.keys(headers) as Caller[])('answers %s as the access level says', async (caller) => {
      const request = api[op.method as 'get'](urlOf(op.path));
      const header = headers[caller];
      if (header) request.set('authorization', header);
      const res = ['post', 'patch', 'put'].includes(op.method) ? await request.send({}) : await request;
      const expected = expectedStatus(op.access, caller);
      if (expected === 'allowed') {
        expect([401, 403]).not.toContain(res.status);
        expect(res.status).toBeLessThan(500);
      } else {
        expect(res.status).toBe(expected);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
    });
  });
});
