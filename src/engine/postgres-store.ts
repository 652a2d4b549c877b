import { withinBudget } from '../db/pg/budget.js';
import type { PgDatabase } from '../db/pg/client.js';
import { createPgIdempotencyRepository } from '../http/idempotency-repository.pg.js';
import { createPgPublishingRepository } from '../modules/articles/publishing/publishing-repository.pg.js';
import { createPgArticlesRepository } from '../modules/articles/repository.pg.js';
import { createPgRevisionsRepository } from '../modules/articles/revisions/revisions-repository.pg.js';
import { appendAudit, createPgAuditRepository } from '../modules/audit/repository.pg.js';
import { createPgChangesRepository } from '../modules/changes/repository.pg.js';
import { createPgCommentsRepository } from '../modules/comments/repository.pg.js';
import { createPgCreditsRepository } from '../modules/credits/repository.pg.js';
import { lockOutbox, recordEvent } from '../modules/events/outbox.pg.js';
import { createPgPreviewsRepository } from '../modules/previews/repository.pg.js';
import type { SearchRepository } from '../modules/search/repository.js';
import {
  createPgSearchRepository,
  indexDocument,
  reindexTag,
  removeDocument,
} from '../modules/search/repository.pg.js';
import { createPgTagsRepository } from '../modules/tags/repository.pg.js';
import { createPgTokensRepository } from '../modules/tokens/repository.pg.js';
import { createPgDeliveryQueue } from '../modules/webhooks/queue.pg.js';
import { createPgWebhooksRepository } from '../modules/webhooks/repository.pg.js';
import { tooCostly } from '../work.js';
import type { Store } from './engine.js';

/** Every repository, on PostgreSQL. */
export function createPgStore(db: PgDatabase): Store {
  return {
    articles: createPgArticlesRepository(db, { appendAudit, recordEvent }),
    revisions: createPgRevisionsRepository(db, { appendAudit, recordEvent }),
    publishing: createPgPublishingRepository(db, {
      appendAudit,
      indexDocument,
      removeDocument,
      recordEvent,
      lockOutbox,
    }),
    tags: createPgTagsRepository(db, { appendAudit, reindexTag, recordEvent, lockOutbox }),
    credits: createPgCreditsRepository(db, { appendAudit, recordEvent, lockOutbox }),
    tokens: createPgTokensRepository(db, { appendAudit }),
    audit: createPgAuditRepository(db),
    changes: createPgChangesRepository(db),
    comments: createPgCommentsRepository(db, { recordEvent }),
    idempotency: createPgIdempotencyRepository(db),
    previews: createPgPreviewsRepository(db, { appendAudit }),
    webhooks: createPgWebhooksRepository(db, { appendAudit }),
    deliveries: createPgDeliveryQueue(db),
  };
}

/**
 * Searches run on the pool: PostgreSQL works on its own processes, so the event loop never waits on
 * one. Each is bounded by WORK_BUDGET_MS with statement_timeout and answered as the work thread answers.
 */
export function createPgSearch(db: PgDatabase, budgetMs: number): SearchRepository {
  return createPgSearchRepository(db, {
    within: (work) => withinBudget(db, budgetMs, () => tooCostly({ kind: 'search' }, budgetMs), work),
  });
}
