import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';

/** Reads of what the crash left, the same SQL (with `?` parameters) on SQLite and on PostgreSQL. */
export interface Reader {
  one(query: string, ...params: unknown[]): Promise<Record<string, unknown> | undefined>;
  all(query: string, ...params: unknown[]): Promise<Record<string, unknown>[]>;
}

export function sqliteReader(db: BetterSqlite3.Database): Reader {
  return {
    one: async (query, ...params) => db.prepare(query).get(...params) as Record<string, unknown> | undefined,
    all: async (query, ...params) => db.prepare(query).all(...params) as Record<string, unknown>[],
  };
}

/** `?` parameters become PostgreSQL's `$1`, `$2`… (no query here has a `?` inside a string). */
export function pgReader(client: pg.ClientBase): Reader {
  const numbered = (query: string) => {
    let n = 0;
    return query.replace(/\?/g, () => `$${++n}`);
  };
  const all = async (query: string, ...params: unknown[]) =>
    (await client.query(numbered(query), params)).rows as Record<string, unknown>[];
  return { all, one: async (query, ...params) => (await all(query, ...params))[0] };
}

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
  check: (db: Reader) => Promise<string | null>;
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

const one = (db: Reader, sql: string, ...params: unknown[]) => db.one(sql, ...params);

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
        check: async (db) =>
          (await one(db, 'select snapshot from article_revisions where article_id = ? and number = 1', id))?.snapshot
            ?.toString()
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
        check: async (db) => {
          const row = await one(
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
        check: async (db) => {
          const row = await one(db, 'select published_revision, status from articles where id = ?', article.id);
          // A later acknowledged publish or unpublish may have moved it on; this one must have happened.
          const audited = await one(
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
        check: async (db) =>
          (await one(db, 'select id from comments where body = ?', body)) !== undefined
            ? null
            : `comment "${body}" lost`,
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
        check: async (db) =>
          (await one(db, 'select 1 from comment_moderation_log where comment_id = ? and note = ?', id, note))
            ? null
            : `moderation of comment ${id} (${note}) lost`,
      };
    },
  },
];

/** What must hold whatever the moment of the crash, on either engine: comment counts, revisions 1..head. */
async function invariants(db: Reader): Promise<string[]> {
  const problems: string[] = [];
  const counts = await db.all(
    `select a.id from articles a where a.comment_count != (select count(*) from comments c
       where c.article_id = a.id and c.status = 'approved' and c.erased_at is null)`,
  );
  if (counts.length > 0) problems.push(`${counts.length} articles with a wrong comment_count`);
  const revisions = await db.all(
    `select a.id from articles a where a.head_revision != (select count(*) from article_revisions r where r.article_id = a.id)
       or a.head_revision != (select coalesce(max(number), 0) from article_revisions r where r.article_id = a.id)`,
  );
  if (revisions.length > 0) problems.push(`${revisions.length} articles whose revisions are not 1..head`);
  return problems;
}

/**
 * Every acknowledged write, plus what must hold whatever the moment of the crash: integrity,
 * foreign keys, comment counts equal to approved comments, revisions numbered 1..head.
 */
export async function checkDatabase(db: BetterSqlite3.Database, acknowledged: Acknowledged[]): Promise<string[]> {
  try {
    const reader = sqliteReader(db);
    const problems: string[] = [];
    for (const a of acknowledged) {
      const problem = await a.check(reader);
      if (problem) problems.push(problem);
    }
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);
    const foreignKeys = db.pragma('foreign_key_check') as unknown[];
    if (foreignKeys.length > 0) problems.push(`foreign_key_check: ${foreignKeys.length} violations`);
    problems.push(...(await invariants(reader)));
    return problems;
  } finally {
    db.close();
  }
}

/**
 * Rows that would point at nothing or contradict their article. PostgreSQL checks its pages and
 * enforces its foreign keys itself; these stand in for SQLite's integrity_check and
 * foreign_key_check, and look at what the app keeps consistent beyond the keys.
 */
const ROW_CHECKS: [string, string][] = [
  [
    'revisions of no article',
    'select r.article_id from article_revisions r left join articles a on a.id = r.article_id where a.id is null',
  ],
  [
    'comments of no article, or replies to no comment',
    `select c.id from comments c left join articles a on a.id = c.article_id
       left join comments p on p.id = c.parent_id
       where a.id is null or (c.parent_id is not null and p.id is null)`,
  ],
  [
    'moderation entries of no comment',
    'select l.id from comment_moderation_log l left join comments c on c.id = l.comment_id where c.id is null',
  ],
  [
    'tag or credit links to nothing',
    `select t.article_id from article_tags t left join tags g on g.id = t.tag_id where g.id is null
     union all
     select c.article_id from article_credits c left join credits r on r.id = c.credit_id where r.id is null`,
  ],
  [
    'articles without their current slug in article_slugs',
    `select a.id from articles a where not exists
       (select 1 from article_slugs s where s.slug = a.slug and s.article_id = a.id)`,
  ],
  ['published revisions beyond the head', 'select id from articles where published_revision > head_revision'],
  [
    'published articles missing from the search index, or others in it',
    `select a.id from articles a where (a.status = 'published') !=
       exists (select 1 from search_documents d where d.article_id = a.id)`,
  ],
];

/** On PostgreSQL: every acknowledged write, the invariants, and the row checks instead of SQLite's pragmas. */
export async function checkPgDatabase(client: pg.ClientBase, acknowledged: Acknowledged[]): Promise<string[]> {
  const reader = pgReader(client);
  const problems: string[] = [];
  for (const a of acknowledged) {
    const problem = await a.check(reader);
    if (problem) problems.push(problem);
  }
  for (const [name, query] of ROW_CHECKS) {
    const rows = await reader.all(query);
    if (rows.length > 0) problems.push(`${rows.length} ${name}`);
  }
  problems.push(...(await invariants(reader)));
  return problems;
}
