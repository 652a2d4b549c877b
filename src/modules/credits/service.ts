import { NotFoundError } from '../../errors.js';
import type { Actor } from '../../shared/actor.js';
import type { Audience } from '../../shared/audience.js';
import { type ChangeFeed, SurrogateKeys } from '../../shared/changes.js';
import type { Clock } from '../../shared/clock.js';
import { decodeCursor, toPage } from '../../shared/cursor.js';
import type { CreditRow, CreditsRepository } from './repository.js';
import type { CreateCreditBody, Credit, CreditPage, ListCreditsQuery, UpdateCreditBody } from './schemas.js';

export function toCredit(row: CreditRow): Credit {
  return {
    id: row.id,
    name: row.name,
    organization: row.organization,
    url: row.url,
    license: row.license,
    article_count: row.articleCount,
  };
}

export function createCreditsService({
  repo,
  clock,
  changes,
}: {
  repo: CreditsRepository;
  clock: Clock;
  changes: ChangeFeed;
}) {
  const changedCredit = (id: number) => [SurrogateKeys.credits, SurrogateKeys.credit(id)];

  /** The public sees only credits a published article shows; any other answers as if it did not exist. */
  async function get(id: number, audience: Audience = 'editor'): Promise<Credit> {
    const row = await repo.findById(id, { publicOnly: audience === 'public' });
    if (!row) throw new NotFoundError(`No credit with id ${id}`);
    return toCredit(row);
  }

  return {
    get,

    async create(body: CreateCreditBody, actor: Actor): Promise<Credit> {
      const values = {
        name: body.name,
        organization: body.organization ?? null,
        url: body.url ?? null,
        license: body.license ?? null,
      };
      const id = await repo.insert(values, clock.now(), { actor: actor.name, action: 'credit.create' });
      changes.emit([SurrogateKeys.credits]);
      return get(id);
    },

    async update(id: number, body: UpdateCreditBody, actor: Actor): Promise<Credit> {
      const current = await get(id);
      const pick = <T>(value: T | undefined, fallback: T) => (value === undefined ? fallback : value);
      const values = {
        name: body.name ?? current.name,
        organization: pick(body.organization, current.organization),
        url: pick(body.url, current.url),
        license: pick(body.license, current.license),
      };
      await repo.update(id, values, clock.now(), { actor: actor.name, action: 'credit.update' });
      changes.emit(changedCredit(id));
      return get(id);
    },

    /** Published articles lose the credit; revisions keep it, since they hold credits by value. */
    async remove(id: number, actor: Actor): Promise<void> {
      await get(id);
      await repo.delete(id, clock.now(), { actor: actor.name, action: 'credit.delete' });
      changes.emit(changedCredit(id));
    },

    async list(query: ListCreditsQuery, audience: Audience): Promise<CreditPage> {
      const afterId = query.cursor ? decodeCursor(query.cursor, ['id'] as const)[0] : null;
      const rows = await repo.findMany({ limit: query.limit, afterId, publicOnly: audience === 'public' });
      return toPage(rows, query.limit, toCredit, (last) => [last.id]);
    },
  };
}

export type CreditsService = ReturnType<typeof createCreditsService>;
