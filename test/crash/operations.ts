import type BetterSqlite3 from 'better-sqlite3';

/** What the load has made so far, for later writes to act on. */
export interface World {
  editor: string;
  moderator: string;
  articles: { id: string; slug: string; head: number; published: boolean }[];
  comments: number[];
}

/** A write the server acknowledged, with what the database must now hold. */
export interface Acknowledged {
  kind: string;
  check: (db: BetterSqlite3.Database) => string | null;
}

interface Operation {
  name: string;
  ready: (world: World) => boolean;
  run: (url: string, world: World, unique: string, random: () => number) => Promise<Acknowledged | null>;
}

const json = (authorization?: string) => ({
  'content-type': 'application/json',
  ...(authorization ? { authorization } : {}),
});

const pick = <T>(items: T[], random: () => number): T | undefined => items[Math.floor(random() * items.length)];

async function post(url: string, body: unknown, authorization?: string, method = 'POST') {
  const res = await fetch(url, { method, headers: json(authorization), body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const one = (db: BetterSqlite3.Database, sql: string, ...params: unknown[]) =>
  db.prepare(sql).get(...params) as Record<string, unknown> | undefined;

export const operations: Operation[] = [
  {
    name: 'create article',
    ready: (w) => w.articles.length < 40,
    async run(url, world, unique) {
      const title = `Crash article ${unique}`;
      const res = await post(
        `${url}/v1/articles`,
        { title, lang: 'fr', body: `Corps ${unique}`, tags: ['Crash'] },
        world.editor,
      );
      if (res.status !== 201) return null;
      const id = res.body.id as string;
      world.articles.push({ id, slug: res.body.slug as string, head: 1, published: false });
      return {
        kind: 'article',
        check: (db) =>
          one(db, 'select snapshot from article_revisions where article_id = ? and number = 1', id)
            ?.snapshot?.toString()
            .includes(title)
            ? null
            : `article ${id} (${title}) lost`,
      };
    },
  },
  {
    name: 'revision',
    ready: (w) => w.articles.length > 0,
    async run(url, world, unique, random) {
      const article = pick(world.articles, random);
      if (!article) return null;
      const body = `Révision ${unique}`;
      const res = await post(
        `${url}/v1/articles/${article.id}/revisions`,
        { base_revision: article.head, body, message: unique },
        world.editor,
      );
      if (res.status !== 201) return null;
      const number = res.body.revision as number;
      article.head = Math.max(article.head, number);
      return {
        kind: 'revision',
        check: (db) => {
          const row = one(
            db,
            'select snapshot, message from article_revisions where article_id = ? and number = ?',
            article.id,
            number,
          );
          return row && String(row.snapshot).includes(body) && row.message === unique
            ? null
            : `revision ${number} of ${article.id} lost or wrong`;
        },
      };
    },
  },
  {
    name: 'publish',
    ready: (w) => w.articles.length > 0,
    async run(url, world, _unique, random) {
      const article = pick(world.articles, random);
      if (!article) return null;
      const res = await post(`${url}/v1/articles/${article.id}/publish`, {}, world.editor);
      if (res.status !== 200) return null;
      const revision = res.body.published_revision as number;
      article.published = true;
      article.slug = res.body.slug as string;
      return {
        kind: 'publish',
        check: (db) => {
          const row = one(db, 'select published_revision, status from articles where id = ?', article.id);
          // A later acknowledged publish or unpublish may have moved it on; this one must have happened.
          const audited = one(
            db,
            "select 1 from audit_log where article_id = ? and action = 'article.publish' and details like ?",
            article.id,
            `%"revision":${revision}%`,
          );
          return row && audited ? null : `publication of revision ${revision} of ${article.id} lost`;
        },
      };
    },
  },
  {
    name: 'comment',
    ready: (w) => w.articles.some((a) => a.published),
    async run(url, world, unique, random) {
      const article = pick(
        world.articles.filter((a) => a.published),
        random,
      );
      if (!article) return null;
      const body = `Comment ${unique}`;
      const res = await post(`${url}/v1/articles/${article.slug}/comments`, {
        author_name: 'Crash reader',
        author_email: `reader-${unique}@example.org`,
        body,
      });
      if (res.status !== 202) return null;
      // The receipt names no comment: moderators find it in the queue.
      const queue = await fetch(`${url}/v1/comments?status=all&article=${article.id}&limit=100`, {
        headers: json(world.moderator),
      });
      const listed = ((await queue.json()) as { data: { id: number; body: string }[] }).data;
      const id = listed.find((c) => c.body === body)?.id;
      if (id !== undefined) world.comments.push(id);
      return {
        kind: 'comment',
        check: (db) =>
          one(db, 'select id from comments where body = ?', body) !== undefined ? null : `comment "${body}" lost`,
      };
    },
  },
  {
    name: 'moderate',
    ready: (w) => w.comments.length > 0,
    async run(url, world, unique, random) {
      const id = pick(world.comments, random);
      const status = pick(['approved', 'rejected', 'spam', 'pending'], random);
      const note = `note ${unique}`;
      const res = await post(`${url}/v1/comments/${id}`, { status, note }, world.moderator, 'PATCH');
      if (res.status !== 200) return null;
      // Setting the status a comment already has logs nothing; only a logged change must survive.
      const log = (res.body.moderation_log ?? []) as { note: string | null }[];
      if (!log.some((entry) => entry.note === note)) return null;
      return {
        kind: 'moderation',
        check: (db) =>
          one(db, 'select 1 from comment_moderation_log where comment_id = ? and note = ?', id, note)
            ? null
            : `moderation of comment ${id} (${note}) lost`,
      };
    },
  },
];

/**
 * Every acknowledged write, plus what must hold whatever the moment of the crash: integrity,
 * foreign keys, comment counts equal to approved comments, revisions numbered 1..head.
 */
export function checkDatabase(db: BetterSqlite3.Database, acknowledged: Acknowledged[]): string[] {
  try {
    const problems = acknowledged.flatMap((a) => a.check(db) ?? []);
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);
    const foreignKeys = db.pragma('foreign_key_check') as unknown[];
    if (foreignKeys.length > 0) problems.push(`foreign_key_check: ${foreignKeys.length} violations`);
    const counts = db
      .prepare(
        `select a.id from articles a where a.comment_count != (select count(*) from comments c
           where c.article_id = a.id and c.status = 'approved' and c.erased_at is null)`,
      )
      .all();
    if (counts.length > 0) problems.push(`${counts.length} articles with a wrong comment_count`);
    const revisions = db
      .prepare(
        `select a.id from articles a where a.head_revision != (select count(*) from article_revisions r where r.article_id = a.id)
           or a.head_revision != (select coalesce(max(number), 0) from article_revisions r where r.article_id = a.id)`,
      )
      .all();
    if (revisions.length > 0) problems.push(`${revisions.length} articles whose revisions are not 1..head`);
    return problems;
  } finally {
    db.close();
  }
}
