import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/build-app.js';

const { api } = await buildTestApp({ config: { MAX_EVENT_LOOP_DELAY_MS: 1 } });

/** Holds the event loop the way a runaway request would. */
function block(ms: number) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy on purpose
  }
}

describe('load shedding', () => {
  it('answers 503 with Retry-After while the event loop is saturated, instead of queueing', async () => {
    block(1_500);
    // The event-loop monitor samples about once a second; give it a turn to see the stall.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const res = await api.get('/v1/articles');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('10');
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.body).toMatchObject({
      status: 503,
      code: 'unavailable',
      detail: 'The server is overloaded; retry shortly',
    });
  });
});
