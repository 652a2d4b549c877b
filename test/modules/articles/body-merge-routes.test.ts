import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { stargateNorway } from '../../../seeds/stargate-norway.js';
import { buildTestApp } from '../../helpers/build-app.js';
import { createDraftArticle, createToken } from '../../helpers/factories.js';

const { app, api, services } = await buildTestApp();
const ada = await createToken(services, 'editor', 'Ada');
const bob = await createToken(services, 'editor', 'Bob');

/** The seeded article's body: seven French paragraphs between blank lines. */
const paragraphs = stargateNorway.body.split('\n\n');
const para = (i: number) => paragraphs[i] as string;
const body = (change: (parts: string[]) => void) => {
  const parts = [...paragraphs];
  change(parts);
  return parts.join('\n\n');
};

async function seeded() {
  const title = `Stargate Norway ${randomUUID().slice(0, 8)}`;
  const created = await createDraftArticle(services, { ...stargateNorway, title });
  return { id: created.id, title };
}

function revise(id: string, fields: Record<string, unknown>, token = ada) {
  return api.post(`/v1/articles/${id}/revisions`).set('authorization', token.header).send(fields);
}

const head = async (id: string) => (await api.get(`/v1/articles/${id}`).set('authorization', ada.header)).body;

function conflict(id: string, detail: string, conflicts: unknown[]) {
  return {
    type: '/problems/conflict',
    title: 'Conflict',
    status: 409,
    code: 'conflict',
    detail,
    instance: `/v1/articles/${id}/revisions`,
    request_id: expect.any(String),
    current_revision: 2,
    conflicts,
  };
}

describe('POST /v1/articles/{id}/revisions merging the body by paragraph', () => {
  it('merges an edit to paragraph 1 with one to paragraph 5 made on the same base', async () => {
    const article = await seeded();
    const first = para(0).replace('faite jeudi', 'faite mercredi');
    const fifth = para(4).replace('sept mois', 'six mois');
    expect((await revise(article.id, { base_revision: 1, body: body((p) => (p[0] = first)) }, bob)).status).toBe(201);
    const res = await revise(article.id, { base_revision: 1, body: body((p) => (p[4] = fifth)) });
    const merged = body((p) => {
      p[0] = first;
      p[4] = fifth;
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ revision: 3, merged_onto: 2, body: merged });
    const three = await api.get(`/v1/articles/${article.id}/revisions/3`).set('authorization', ada.header);
    expect(three.body).toMatchObject({ changed_fields: ['body'], merged_onto: 2, content: { body: merged } });
  });

  it('answers 409 naming only paragraph 3 when both changed it, and writes nothing', async () => {
    const article = await seeded();
    const theirs = para(2).replace('OpenAI choisit', 'OpenAI préfère');
    const yours = para(2).replace('du continent', 'de l’Europe');
    const bobs = body((p) => {
      p[0] = 'Chapeau réécrit.';
      p[2] = theirs;
    });
    await revise(article.id, { base_revision: 1, body: bobs }, bob).expect(201);
    const res = await revise(article.id, {
      base_revision: 1,
      body: body((p) => {
        p[2] = yours;
        p[6] = 'Conclusion réécrite.';
      }),
    });
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual(
      conflict(
        article.id,
        'Revision 2 changed body (paragraph 3) since revision 1; merge by hand and post against revision 2',
        [
          {
            field: 'body',
            passage: { paragraphs: { start: 2, end: 3 }, lines: { start: 4, end: 5 } },
            base: para(2),
            theirs,
            yours,
          },
        ],
      ),
    );
    expect(await head(article.id)).toMatchObject({ revision: 2, body: bobs });
  });

  it('answers 409 for two different paragraphs inserted at the same place, and names where', async () => {
    const article = await seeded();
    await revise(article.id, { base_revision: 1, body: body((p) => p.splice(3, 0, 'Leur ajout.')) }, bob).expect(201);
    const res = await revise(article.id, { base_revision: 1, body: body((p) => p.splice(3, 0, 'Mon ajout.')) });
    expect(res.status).toBe(409);
    expect(res.body).toEqual(
      conflict(
        article.id,
        'Revision 2 changed body (before paragraph 4) since revision 1; merge by hand and post against revision 2',
        [
          {
            field: 'body',
            passage: { paragraphs: { start: 3, end: 3 }, lines: { start: 6, end: 6 } },
            base: '',
            theirs: 'Leur ajout.',
            yours: 'Mon ajout.',
          },
        ],
      ),
    );
  });

  it('answers 409 for a paragraph deleted on one side and edited on the other', async () => {
    const article = await seeded();
    await revise(article.id, { base_revision: 1, body: body((p) => p.splice(1, 1)) }, bob).expect(201);
    const res = await revise(article.id, { base_revision: 1, body: body((p) => (p[1] = 'Deuxième, corrigé.')) });
    expect(res.status).toBe(409);
    expect(res.body.conflicts).toEqual([
      {
        field: 'body',
        passage: { paragraphs: { start: 1, end: 2 }, lines: { start: 2, end: 3 } },
        base: para(1),
        theirs: '',
        yours: 'Deuxième, corrigé.',
      },
    ]);
  });

  it('takes the same paragraph added at the end by both once, and writes nothing more', async () => {
    const article = await seeded();
    const added = body((p) => p.push('Une conclusion.'));
    await revise(article.id, { base_revision: 1, body: added }, bob).expect(201);
    const res = await revise(article.id, { base_revision: 1, body: added });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ revision: 2, body: added });
  });

  it('answers 409 at the end for different paragraphs added at the end by both', async () => {
    const article = await seeded();
    await revise(article.id, { base_revision: 1, body: body((p) => p.push('La leur.')) }, bob).expect(201);
    const res = await revise(article.id, { base_revision: 1, body: body((p) => p.push('La mienne.')) });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      detail: 'Revision 2 changed body (the end) since revision 1; merge by hand and post against revision 2',
      conflicts: [
        {
          field: 'body',
          passage: { paragraphs: { start: 7, end: 7 }, lines: { start: 13, end: 13 } },
          base: '',
          theirs: 'La leur.',
          yours: 'La mienne.',
        },
      ],
    });
  });

  it('names a conflicting field whole beside the body’s passages', async () => {
    const article = await seeded();
    await revise(article.id, { base_revision: 1, title: 'Leur titre', body: body((p) => (p[5] = 'Leur.')) }, bob);
    const res = await revise(article.id, {
      base_revision: 1,
      title: 'Mon titre',
      body: body((p) => (p[5] = 'Le mien.')),
    });
    expect(res.status).toBe(409);
    expect(res.body.detail).toBe(
      'Revision 2 changed title, body (paragraph 6) since revision 1; merge by hand and post against revision 2',
    );
    expect(res.body.conflicts).toEqual([
      { field: 'title', base: article.title, theirs: 'Leur titre', yours: 'Mon titre' },
      {
        field: 'body',
        passage: { paragraphs: { start: 5, end: 6 }, lines: { start: 10, end: 11 } },
        base: para(5),
        theirs: 'Leur.',
        yours: 'Le mien.',
      },
    ]);
  });

  it('merges the body and answers a conflict-free edit on top of a merge', async () => {
    const article = await seeded();
    await revise(article.id, { base_revision: 1, body: body((p) => (p[6] = 'Fin.')) }, bob).expect(201);
    await revise(article.id, { base_revision: 1, body: body((p) => (p[0] = 'Début.')) }).expect(201);
    const res = await revise(article.id, { base_revision: 2, body: body((p) => (p[6] = 'Fin, relue.')) }, bob);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      revision: 4,
      merged_onto: 3,
      body: body((p) => {
        p[0] = 'Début.';
        p[6] = 'Fin, relue.';
      }),
    });
  });
});

describe('the 409 revision conflict in the OpenAPI document', () => {
  type Operation = {
    operationId?: string;
    responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
  };
  const document = app.swagger() as unknown as {
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, { properties: Record<string, unknown>; required: string[] }> };
  };
  const operation = (id: string) =>
    Object.values(document.paths)
      .flatMap((methods) => Object.values(methods))
      .find((op) => op.operationId === id);

  it.each(['createRevision', 'restoreRevision'])('is its own schema on %s', (id) => {
    expect(operation(id)?.responses['409']?.content).toEqual({
      'application/problem+json': { schema: { $ref: '#/components/schemas/RevisionConflictProblem' } },
    });
  });

  it('carries the problem members, current_revision, and conflicts with their passage', () => {
    const problem = document.components.schemas.RevisionConflictProblem as unknown as {
      allOf: [{ $ref: string }, { properties: Record<string, unknown> }];
    };
    // Every member of a 409 problem (a slug conflict's `slug` among them), then what a revision adds.
    expect(problem.allOf[0]).toEqual({ $ref: '#/components/schemas/ConflictProblem' });
    expect(Object.keys(problem.allOf[1].properties)).toEqual(['current_revision', 'conflicts']);
    expect(Object.keys(document.components.schemas.RevisionConflict?.properties ?? {})).toEqual([
      'field',
      'passage',
      'base',
      'theirs',
      'yours',
    ]);
    expect(document.components.schemas.TextPassage?.required).toEqual(['paragraphs', 'lines']);
  });
});
