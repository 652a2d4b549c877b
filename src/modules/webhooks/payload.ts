/** What a receiver gets: the event as JSON, and the Standard Webhooks headers that sign it. */
import { API_VERSION } from '../../http/openapi.js';
import type { ClaimedDelivery } from './queue.js';
import { sign } from './signing.js';

export const USER_AGENT = `Fjord-Webhooks/${API_VERSION} (+https://www.standardwebhooks.com)`;

/**
 * One id names the event in the body and in `webhook-id`: it is the same on every attempt and for
 * every webhook, so a receiver drops what it already processed.
 */
export const eventIdOf = (sequence: number) => `evt_${sequence}`;

export function payloadOf(event: ClaimedDelivery['event']): string {
  return JSON.stringify({
    id: eventIdOf(event.id),
    type: event.type,
    occurred_at: new Date(event.occurredAt).toISOString(),
    sequence: event.id,
    data: JSON.parse(event.data) as unknown,
    surrogate_keys: JSON.parse(event.surrogateKeys) as unknown,
  });
}

export function signedHeaders(secret: string, sequence: number, body: string, nowMs: number): Record<string, string> {
  const id = eventIdOf(sequence);
  const timestamp = Math.floor(nowMs / 1000);
  return {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': sign(secret, id, timestamp, body),
  };
}
