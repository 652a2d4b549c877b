/** What one attempt's answer means for its delivery and its webhook: the rules, apart from any I/O. */
import { type Backoff, retryDelay } from './backoff.js';

/** What a receiver did with one attempt: an HTTP status, or an error before any (refused, timeout). */
export interface AttemptResult {
  status: number | null;
  error: string | null;
  /** The first bytes of the response body, as text. */
  excerpt: string | null;
}

export interface Verdict {
  status: 'succeeded' | 'pending' | 'failed';
  nextAttemptAt: number | null;
  /** Why the webhook must be disabled at once, whatever its failure streak (a 410). */
  disable: string | null;
}

export function succeeded(result: AttemptResult): boolean {
  return result.status !== null && result.status >= 200 && result.status < 300;
}

/** The attempt's failure in a few words, as the delivery log and a disabled webhook's reason say it. */
export function describeFailure(result: AttemptResult): string {
  if (result.status !== null) return result.error ? `HTTP ${result.status}: ${result.error}` : `HTTP ${result.status}`;
  return result.error ?? 'no answer';
}

/**
 * 2xx: delivered. 410 Gone: the receiver asks for nothing more, so the webhook is disabled. Any
 * other answer, or none: tried again after a backoff, unless that falls past the retry window
 * that opened when the event occurred.
 */
export function judge(
  result: AttemptResult,
  at: { now: number; attempts: number; occurredAt: number },
  rules: { retryWindowMs: number; backoff: Backoff; random?: () => number },
): Verdict {
  if (succeeded(result)) return { status: 'succeeded', nextAttemptAt: null, disable: null };
  if (result.status === 410) {
    return { status: 'failed', nextAttemptAt: null, disable: 'the receiver answered 410 Gone' };
  }
  const next = at.now + retryDelay(at.attempts, rules.backoff, rules.random);
  if (next > at.occurredAt + rules.retryWindowMs) return { status: 'failed', nextAttemptAt: null, disable: null };
  return { status: 'pending', nextAttemptAt: next, disable: null };
}

/** Why a webhook whose deliveries were given up `streak` times in a row is disabled. */
export function streakReason(streak: number, last: AttemptResult): string {
  return `${streak} deliveries in a row given up after their retries; last: ${describeFailure(last)}`;
}
