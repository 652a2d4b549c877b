import { createPgPublishingRepository } from '../../modules/articles/publishing-repository.pg.js';
import { createPgRevisionsRepository } from '../../modules/articles/revisions-repository.pg.js';
import { createPgAuditRepository } from '../../modules/audit/repository.pg.js';
import type { SearchRepository } from '../../modules/search/repository.js';
import type { Store } from '../engine.js';
import type { PgDatabase } from './client.js';

/** A repository not yet built for PostgreSQL: any use fails loudly. */
function missing<T>(name: string): T {
  return new Proxy<object>(
    {},
    {
      get: (_target, method) => () => {
        throw new Error(`${name}.${String(method)} is not implemented on PostgreSQL`);
      },
    },
  ) as T;
}

/** Every repository, on PostgreSQL. */
export function createPgStore(db: PgDatabase): Store {
  return {
    articles: missing('articles'),
    revisions: createPgRevisionsRepository(db),
    publishing: createPgPublishingRepository(db),
    tags: missing('tags'),
    credits: missing('credits'),
    tokens: missing('tokens'),
    audit: createPgAuditRepository(db),
    comments: missing('comments'),
    idempotency: missing('idempotency'),
  };
}

/** Searches run on the pool: PostgreSQL works on its own processes, so the event loop never waits on one. */
export function createPgSearch(_db: PgDatabase): SearchRepository {
  return missing('search');
}
