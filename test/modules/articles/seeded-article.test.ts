import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../../../seeds/index.js';
import { buildTestApp } from '../../helpers/build-app.js';

const SLUG = 'openai-choisit-elle-la-norvege-pour-renforcer-ou-contourner-la-souverainete-numerique-europeenne';
const source = readFileSync(new URL('../../../seeds/stargate-norway.source.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '');
const at = (start: string) => {
  const line = source.find((l) => l.startsWith(start));
  if (!line) throw new Error(`the source page has no line starting with ${start}`);
  return line;
};

const { api, services } = await buildTestApp();

describe('the seeded Stargate Norway article', () => {
  beforeAll(async () => {
    expect(await seed(services)).toEqual([SLUG]);
  });

  it('is served whole by GET /v1/articles/{slug}', async () => {
    const res = await api.get(`/v1/articles/${SLUG}`).expect(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.body).toEqual({
      view: 'public',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      slug: SLUG,
      lang: 'fr',
      title: at('OpenAI choisit-elle'),
      standfirst: at('OpenAI va-t-elle'),
      tags: [
        { slug: 'blockchain', name: 'Blockchain' },
        { slug: 'intelligence-artificielle', name: 'Intelligence Artificielle' },
        { slug: 'technologie', name: 'Technologie' },
      ],
      hero_image: {
        url: null,
        alt: 'chart, treemap chart',
        caption: null,
        credit: { name: 'Ben Wicks', organization: 'Unsplash', url: null },
      },
      ai_generated: true,
      comment_count: 0,
      published_at: '2025-08-01T08:00:00.000Z',
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      body: expect.any(String),
      body_html: expect.any(String),
      credits: [
        {
          id: expect.any(Number),
          role: 'image',
          name: 'Ben Wicks',
          organization: 'Unsplash',
          url: null,
          license: null,
        },
        { id: expect.any(Number), role: 'source', name: 'Techcrunch', organization: null, url: null, license: null },
      ],
      source: { name: 'Techcrunch', url: null },
      comments_open: true,
      revision: 1,
    });
  });

  it('holds every paragraph of the page in order, and nothing of the page around it', async () => {
    const { body } = await api.get(`/v1/articles/${SLUG}`).expect(200);
    const paragraphs = [
      'L’annonce, faite jeudi',
      'Pourquoi une telle indépendance',
      'OpenAI choisit la Norvège pour son premier',
      'Sur le plan technique',
      'Faut-il y voir',
      'En toile de fond',
      'Entre diplomatie industrielle',
    ].map(at);
    expect(body.body).toBe(paragraphs.join('\n\n'));
    expect(body.body_html).toBe(paragraphs.map((p) => `<p>${p}</p>`).join('\n'));
    for (const outside of [
      'Laisser un commentaire',
      'Akismet',
      'écrits par des intelligences artificielles',
      'Source :',
    ]) {
      expect(body.body).not.toContain(outside);
    }
  });

  it('is listed with its teaser fields and no body', async () => {
    const res = await api.get('/v1/articles').expect(200);
    expect(res.body.meta).toEqual({ next_cursor: null });
    expect(res.body.data).toHaveLength(1);
    expect(Object.keys(res.body.data[0]).sort()).toEqual(
      [
        'ai_generated',
        'comment_count',
        'hero_image',
        'id',
        'lang',
        'published_at',
        'slug',
        'standfirst',
        'tags',
        'title',
        'updated_at',
      ].sort(),
    );
    expect(res.body.data[0].slug).toBe(SLUG);
  });

  it('counts in its tags and credits', async () => {
    const tags = await api.get('/v1/tags').expect(200);
    expect(tags.body).toEqual({
      data: [
        { slug: 'blockchain', name: 'Blockchain', description: null, article_count: 1 },
        { slug: 'intelligence-artificielle', name: 'Intelligence Artificielle', description: null, article_count: 1 },
        { slug: 'technologie', name: 'Technologie', description: null, article_count: 1 },
      ],
      meta: { next_cursor: null },
    });
    const credits = await api.get('/v1/credits').expect(200);
    expect(credits.body.data).toEqual([
      {
        id: expect.any(Number),
        name: 'Ben Wicks',
        organization: 'Unsplash',
        url: null,
        license: null,
        article_count: 1,
      },
      { id: expect.any(Number), name: 'Techcrunch', organization: null, url: null, license: null, article_count: 1 },
    ]);
  });

  it('is seeded once: a second run leaves the database as it is', async () => {
    expect(await seed(services)).toEqual([]);
    const res = await api.get('/v1/articles').expect(200);
    expect(res.body.data).toHaveLength(1);
  });
});
