/**
 * The seam between the app and its database. An Engine owns the connections, the repositories
 * (one per module, implemented once per engine behind the same interface), where searches and
 * diffs run, and how this process hears of other processes' writes. Everything above it (services,
 * routes, the HTTP layer) is the same on SQLite and on PostgreSQL.
 */

import type { RateLimitCounter } from '../db/pg/rate-limits.js';
import type { IdempotencyRepository } from '../http/idempotency-repository.js';
import type { PublishingRepository } from '../modules/articles/publishing/publishing-repository.js';
import type { ArticlesRepository } from '../modules/articles/repository.js';
import type { Differ } from '../modules/articles/revisions/diff-runner.js';
import type { RevisionsRepository } from '../modules/articles/revisions/revisions-repository.js';
import type { AuditRepository } from '../modules/audit/repository.js';
import type { ChangesRepository } from '../modules/changes/repository.js';
import type { CommentsRepository } from '../modules/comments/repository.js';
import type { CreditsRepository } from '../modules/credits/repository.js';
import type { PreviewsRepository } from '../modules/previews/repository.js';
import type { SearchRunner } from '../modules/search/runner.js';
import type { TagsRepository } from '../modules/tags/repository.js';
import type { TokensRepository } from '../modules/tokens/repository.js';
import type { DeliveryQueue } from '../modules/webhooks/queue.js';
import type { WebhooksRepository } from '../modules/webhooks/repository.js';
import type { ForeignChanges } from '../shared/changes.js';

export type { ForeignChange, ForeignChanges } from '../shared/changes.js';

export type EngineKind = 'sqlite' | 'postgres';

/** The part of a pino logger an engine writes to. */
export interface EngineLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Every repository of the app, each behind its module's interface. */
export interface Store {
  articles: ArticlesRepository;
  revisions: RevisionsRepository;
  publishing: PublishingRepository;
  tags: TagsRepository;
  credits: CreditsRepository;
  tokens: TokensRepository;
  audit: AuditRepository;
  changes: ChangesRepository;
  comments: CommentsRepository;
  idempotency: IdempotencyRepository;
  previews: PreviewsRepository;
  webhooks: WebhooksRepository;
  /** The webhook deliveries the worker claims and settles. */
  deliveries: DeliveryQueue;
}

export interface Engine {
  readonly kind: EngineKind;
  readonly store: Store;
  /** Where searches and diffs run, under WORK_BUDGET_MS where the engine can bound them. */
  readonly work: { search: SearchRunner; differ: Differ };
  readonly foreign: ForeignChanges;
  /** Write counts every node shares (PostgreSQL); absent, each process counts its own (SQLite). */
  readonly rateLimits?: RateLimitCounter;
  /** Where the engine reports what happens off any request (a lost connection, a notice it could not send). */
  useLog(log: EngineLog): void;
  /**
   * Whether schedules made by other processes must be looked for in the database: the due time a
   * process remembers only covers its own schedules when several nodes write.
   */
  readonly sharedSchedules: boolean;
  /** Answers when the database answers; throws otherwise. */
  ping(): Promise<void>;
  /** Applies the migrations the database lacks, so that of N processes starting at once one does. Returns how many. */
  migrate(): Promise<number>;
  /** Refuses a database newer than this code (before migrating) ... */
  assertSchemaNotNewer(): Promise<void>;
  /** ... or, after migrating, one it cannot serve. */
  assertSchemaCurrent(): Promise<void>;
  /** Runs `run` (a seed) so that of N processes starting at once, exactly one runs it while the others wait. */
  exclusively<T>(run: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
