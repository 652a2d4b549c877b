/**
 * A load balancer's health probe must learn at once whether the database answers. The due-schedule
 * pass that runs before every other request is not run before it: on a database that hangs, that
 * pass would hold the probe for as long as the pool waits for a connection.
 */
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/build-app.js';

let passes = 0;
/** A due-schedule pass that never ends, as one on a database that hangs does not. */
const { api, engine } = await buildTestApp({
  adapt: (services) => ({
    ...services,
    publishing: {
      ...services.publishing,
      applyDue: () => {
        passes++;
        return new Promise<never>(() => {});
      },
    },
  }),
});

describe('/healthz', () => {
  it('answers without waiting on the due-schedule pass that other requests wait on', async () => {
    const res = await api.get('/healthz').expect(200);
    expect(res.body).toEqual({ status: 'ok', engine: engine.kind, database: 'up' });
    expect(passes).toBe(0);
    // Any other route waits on the pass: the request is still pending when the client gives up.
    await expect(api.get('/v1/tags').timeout(300)).rejects.toThrow(/Timeout/);
    expect(passes).toBe(1);
  });
});
