import type { Services } from '../../src/app.js';
import type { Role } from '../../src/modules/tokens/schemas.js';
import { createToken, TEST_ACTOR } from '../helpers/factories.js';

export interface Seeded {
  /** Bearer headers of live tokens, one per role; renewed when a fuzzed request revokes one. */
  tokens: Record<Role, string>;
  revokedToken: string;
  slugs: string[];
}

const comment = (body: string, n: number) => ({
  author_name: `Reader ${n}`,
  author_email: `reader${n}@example.org`,
  body,
});

/** A published article with tags, credits, a hero image and comments in every status, one of them a reply. */
export async function publishArticle(services: Services, i: number, lang = 'fr') {
  const draft = await services.articles.create(
    {
      title: `Stargate Norway ${i}: souveraineté numérique`,
      lang,
      standfirst: 'OpenAI choisit la Norvège.',
      body: `# Narvik\n\nUn **data center** de 230 MW.\n\n[source](https://techcrunch.com/${i})`,
      tags: ['Intelligence Artificielle', 'Technologie', i === 0 ? 'Blockchain' : 'Cloud'],
      credits: [
        { role: 'image', name: 'Ben Wicks', organization: 'Unsplash', url: null, license: null },
        { role: 'source', name: 'Techcrunch', organization: null, url: 'https://techcrunch.com', license: null },
      ],
      hero_image: {
        url: 'https://images.example/norway.jpg',
        alt: 'chart, treemap chart',
        caption: null,
        credit: { name: 'Ben Wicks', organization: 'Unsplash', url: null },
      },
      source: { name: 'Techcrunch', url: null },
      ai_generated: true,
    },
    TEST_ACTOR,
  );
  const article = await services.publishing.publish(draft.id, {}, TEST_ACTOR);
  const bodies = ['Très bon article.', 'Merci https://example.org', 'Je ne suis pas d’accord.', 'Buy now!!!'];
  for (const [n, body] of bodies.entries()) {
    await services.comments.create(article.slug, comment(body, i * 10 + n), `198.18.${i}.${n + 1}`);
  }
  // The receipt names no comment; the queue lists them oldest first, in the order posted.
  const queued = await services.moderation.queue({ status: 'all', article: article.id, limit: 100 });
  const ids = queued.data.map((c) => c.id);
  const [approved, rejected, spam] = ids;
  if (approved === undefined || rejected === undefined || spam === undefined) throw new Error('no comments seeded');
  await services.moderation.moderate(approved, { status: 'approved' }, 'seed');
  await services.moderation.moderate(rejected, { status: 'rejected', note: 'off topic' }, 'seed');
  await services.moderation.moderate(spam, { status: 'spam' }, 'seed');
  await services.comments.create(
    article.slug,
    { ...comment('Une réponse.', i * 10 + 9), parent_id: approved },
    `198.18.${i}.9`,
  );
  return article;
}

/**
 * Realistic content for requests to hit: published articles (see publishArticle), one whose slug
 * changed after publication, a draft, a scheduled one, a lone tag and credit, tokens of every role
 * and a revoked one.
 */
export async function seedContent(services: Services): Promise<Seeded> {
  const published = [];
  for (const [i, lang] of ['fr', 'en', 'pt-BR'].entries()) published.push(await publishArticle(services, i, lang));
  const [first, second] = published;
  if (!first || !second) throw new Error('seeding published no article');

  // An old slug that redirects: the second article is renamed and published again.
  await services.revisions.post(second.id, { slug: `${second.slug}-renamed` }, { revision: 1 }, TEST_ACTOR);
  await services.publishing.publish(second.id, {}, TEST_ACTOR);
  const draft = await services.articles.create(
    { title: 'Brouillon en cours', lang: 'fr', body: 'Pas encore publié.', tags: ['Technologie'] },
    TEST_ACTOR,
  );
  const scheduled = await services.articles.create(
    { title: 'Programmé pour demain', lang: 'fr', body: 'Bientôt.', tags: [] },
    TEST_ACTOR,
  );
  await services.publishing.publish(scheduled.id, { at: '2030-01-01T00:00:00.000Z' }, TEST_ACTOR);

  await services.tags.create({ slug: 'lone-tag', name: 'Lone tag' }, TEST_ACTOR);
  await services.credits.create({ name: 'Nobody credited', organization: null }, TEST_ACTOR);

  const revoked = await createToken(services, 'editor', 'revoked');
  const { data } = await services.tokens.list({ limit: 100 });
  const revokedId = data.find((t) => t.name === 'revoked')?.id;
  if (revokedId !== undefined) await services.tokens.revoke(revokedId);

  return {
    tokens: {
      admin: (await createToken(services, 'admin')).header,
      editor: (await createToken(services, 'editor')).header,
      moderator: (await createToken(services, 'moderator')).header,
    },
    revokedToken: revoked.header,
    slugs: [first.slug, second.slug, `${second.slug}-renamed`, draft.slug, scheduled.slug, 'lone-tag', 'technologie'],
  };
}

/** A fuzzed DELETE /v1/tokens/{id} may revoke a token the fuzzer itself uses: replace it, as an admin would. */
export async function renewRevokedTokens(services: Services, seeded: Seeded): Promise<void> {
  for (const role of Object.keys(seeded.tokens) as Role[]) {
    try {
      await services.tokens.authenticate(seeded.tokens[role]);
    } catch {
      seeded.tokens[role] = (await createToken(services, role)).header;
    }
  }
}
