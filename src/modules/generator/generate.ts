import { existsSync, linkSync, rmSync } from 'node:fs';
import { isPostgresUrl } from '../../db/url.js';
import type { Engine } from '../../engine/engine.js';
import { openSqliteEngine } from '../../engine/sqlite.js';
import { slugify } from '../../shared/slug.js';
import { recordEvent } from '../events/outbox.js';
import { indexDocument } from '../search/repository.js';
import { generateComments, shareComments } from './comments.js';
import { type Catalogue, GENERATED_UNTIL, generateArticle, statusOf } from './content.js';
import { mulberry32 } from './random.js';
import { createGeneratorRepository, type GeneratedEntry, type GeneratorRepository } from './repository.js';
import { BlockPool } from './text.js';
import { EDITORS, FR, PHOTO_AGENCIES, PHOTOGRAPHERS, SOURCES, TAG_NAMES } from './vocabulary.js';

export interface GenerateOptions {
  articles: number;
  comments: number;
  seed: number;
  /** A SQLite file, or a postgres:// URL. */
  database: string;
  /** Called after each batch with the articles written so far. */
  onProgress?: (done: number, total: number) => void;
}

export interface GenerateResult {
  articles: number;
  comments: number;
  published: number;
  ms: number;
}

export class DatabaseNotEmptyError extends Error {}

/**
 * Puts the demo content into the new database through the app's services, and returns the slugs
 * it created. The caller builds it, so the generator depends on no more than an engine.
 */
export type DemoSeed = (engine: Engine) => Promise<string[]>;

/** The database without its password, for messages. */
export function describeDatabase(database: string): string {
  if (!isPostgresUrl(database)) return database;
  const url = new URL(database);
  if (url.password) url.password = '***';
  return url.toString();
}

/** The engine `database` names, and the bulk writer for it (built after migrating). */
async function openTarget(database: string): Promise<{ engine: Engine; repository: () => GeneratorRepository }> {
  if (isPostgresUrl(database)) {
    const [{ openPgEngine }, { createPgGeneratorRepository }, { indexDocument }, { recordEvent }] = await Promise.all([
      import('../../engine/postgres.js'),
      import('./repository.pg.js'),
      import('../search/repository.pg.js'),
      import('../events/outbox.pg.js'),
    ]);
    const engine = openPgEngine(database, { poolMax: 2, workBudgetMs: 60_000 });
    return { engine, repository: () => createPgGeneratorRepository(engine.handle.db, { indexDocument, recordEvent }) };
  }
  const engine = openSqliteEngine(database, { workBudgetMs: 60_000 });
  return { engine, repository: () => createGeneratorRepository(engine.handle, { indexDocument, recordEvent }) };
}

const BATCH = 500;
const BLOCK_POOL_SIZE = 2_000;

/** Appends -2, -3... to a slug already given, in constant time per article. */
function slugAllocator(taken: Iterable<string>) {
  const next = new Map<string, number>();
  for (const slug of taken) next.set(slug, 2);
  return (base: string) => {
    const wanted = base || 'article';
    const n = next.get(wanted);
    next.set(wanted, (n ?? 1) + 1);
    if (n === undefined) return wanted;
    let candidate = `${wanted}-${n}`;
    while (next.has(candidate)) candidate = `${wanted}-${next.get(wanted)}`;
    next.set(candidate, 2);
    return candidate;
  };
}

/**
 * Fills a new (or freshly seeded) database, SQLite or PostgreSQL, with generated articles and
 * comments; one seed gives the same content on both. The demo seed goes in first, so the
 * benchmark's reference article is in every generated database.
 */
export async function generate(options: GenerateOptions, seedDemo: DemoSeed): Promise<GenerateResult> {
  const { database } = options;
  // A new SQLite file is built under another name and given its own only when complete: a run that
  // fails or is stopped half-way leaves nothing a server start would take for a database.
  // (isPostgresUrl narrows to string, which would leave `never` below: its answer is kept as a boolean.)
  const postgres: boolean = isPostgresUrl(database);
  if (postgres || existsSync(database)) return fill(options, seedDemo);
  const building = `${database}.${process.pid}.generating`;
  const removeBuilding = () => {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(building + suffix, { force: true });
  };
  removeBuilding();
  try {
    const result = await fill({ ...options, database: building }, seedDemo);
    // A link fails where a file appeared meanwhile (a server started on it): never written over.
    linkSync(building, database);
    return result;
  } finally {
    removeBuilding();
  }
}

async function fill(options: GenerateOptions, seedDemo: DemoSeed): Promise<GenerateResult> {
  const started = performance.now();
  const { engine, repository } = await openTarget(options.database);
  try {
    await engine.migrate();
    const seeded = await engine.exclusively(() => seedDemo(engine));
    const repo = repository();
    const existing = await repo.countArticles();
    // The demo article alone is allowed: it is what a server start leaves in a new database.
    if (existing > 1) {
      throw new DatabaseNotEmptyError(
        `${describeDatabase(options.database)} already holds ${existing} articles; generate into a new database`,
      );
    }
    await repo.startBulkLoad();
    const at = GENERATED_UNTIL;
    const saved = await repo.saveCatalogue(
      TAG_NAMES.map((name) => ({ slug: slugify(name), name })),
      [
        ...PHOTOGRAPHERS.map((name, i) => ({
          name,
          organization: PHOTO_AGENCIES[i % PHOTO_AGENCIES.length] ?? null,
          url: null,
          license: null,
        })),
        ...SOURCES.map((name) => ({ name, organization: null, url: null, license: null })),
        ...EDITORS.map((name) => ({ name, organization: 'Fjord Actu', url: null, license: 'CC BY 4.0' })),
      ],
      at,
    );
    const credit = (names: string[]) =>
      saved.credits
        .filter((c) => names.includes(c.name))
        .map((c) => ({
          credit_id: c.id,
          role: '',
          name: c.name,
          organization: c.organization,
          url: c.url,
          license: c.license,
        }));
    const catalogue: Catalogue = {
      tags: saved.tags,
      images: credit(PHOTOGRAPHERS),
      sources: credit(SOURCES),
      authors: credit(EDITORS),
    };
    const pool = new BlockPool(mulberry32(options.seed), FR, BLOCK_POOL_SIZE);
    const published = Array.from({ length: options.articles }, (_, i) => statusOf(options.seed, i) === 'published');
    const counts = shareComments(options.seed, published, options.comments);
    const uniqueSlug = slugAllocator(seeded);

    let batch: GeneratedEntry[] = [];
    for (let i = 0; i < options.articles; i++) {
      const article = generateArticle(options.seed, i, options.articles, pool, catalogue, uniqueSlug);
      const comments =
        article.publishedAt === null ? [] : generateComments(options.seed, i, counts[i] ?? 0, article.publishedAt, at);
      batch.push({ article, comments });
      if (batch.length === BATCH || i === options.articles - 1) {
        await repo.insertBatch(batch);
        batch = [];
        options.onProgress?.(i + 1, options.articles);
      }
    }
    await repo.finishBulkLoad();
    return {
      articles: options.articles,
      comments: options.comments,
      published: published.filter(Boolean).length,
      ms: performance.now() - started,
    };
  } finally {
    await engine.close();
  }
}
