import { isDatabaseUnreachable } from '../../../db/errors.js';
import { AppError, UnavailableError } from '../../../errors.js';

/** Long enough for any message of ours; a renderer's message is cut, not stored whole. */
const MAX_REASON = 300;

/** A revision that could not be published: refused when asked for (422), recorded when it comes due. */
export class NotPublishableError extends AppError {
  constructor(
    revision: number,
    readonly reason: string,
    /** The renderer's own error, kept for the log (its stack), never sent. */
    cause?: unknown,
  ) {
    super('not_publishable', `Revision ${revision} cannot be published: ${reason}`, { revision, reason });
    if (cause !== undefined) this.cause = cause;
  }
}

/** The first line of an error's message, with its name, bounded: what an editor can act on, no stack. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err).slice(0, MAX_REASON);
  const firstLine = err.message.split('\n', 1)[0]?.trim() ?? '';
  return `${err.name}: ${firstLine}`.slice(0, MAX_REASON);
}

/** Rendering is the step that depends on the body alone; its failure is the body's, and it is final. */
export function renderFailure(revision: number, err: unknown): NotPublishableError {
  return new NotPublishableError(revision, `its body could not be rendered to HTML (${describe(err)})`, err);
}

/**
 * The database being busy with another writer, or out of reach for a moment (a restart, a
 * failover, a pool with no free connection), says nothing about the schedule: it is tried again
 * later rather than marked failed for good. The data layer says busy with an UnavailableError; a
 * lost connection can surface from any statement as the driver's own error.
 */
export function isTransient(err: unknown): boolean {
  return err instanceof UnavailableError || isDatabaseUnreachable(err);
}

/**
 * What editors read as the reason a schedule failed. A domain error's detail was written for them
 * (a slug taken meanwhile); anything else may carry internals (SQL, paths), so it stays in the log.
 */
export function failureReason(err: unknown): string {
  if (err instanceof NotPublishableError) return err.reason.slice(0, MAX_REASON);
  if (err instanceof AppError) return err.message.slice(0, MAX_REASON);
  return 'an unexpected error stopped the publication; the server log has the details';
}
