/** PostgreSQL only: cache purges between nodes over LISTEN/NOTIFY, through a lost connection. */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type ChangeBus,
  type ChangeNotice,
  createPgChangeBus,
  foreignChangesOver,
  MAX_PAYLOAD_BYTES,
  noticePayload,
} from '../../../src/db/pg/change-bus.js';
import { createTcpProxy } from '../../helpers/tcp-proxy.js';

const url = process.env.TEST_DATABASE_URL;
const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const heard = (bus: ChangeBus) => {
  const notices: ChangeNotice[] = [];
  bus.subscribe((keys) => notices.push(keys));
  return notices;
};

describe('noticePayload', () => {
  it('names the keys and the node that sent them', () => {
    expect(JSON.parse(noticePayload('node-a', ['article:1', 'articles']))).toEqual({
      origin: 'node-a',
      keys: ['article:1', 'articles'],
    });
  });

  it('says "all" when the keys would not fit in a notice', () => {
    const keys = Array.from({ length: 1_000 }, (_, i) => `article:${randomUUID()}-${i}`);
    const payload = noticePayload('node-a', keys);
    expect(JSON.parse(payload)).toEqual({ origin: 'node-a', keys: 'all' });
    expect(Buffer.byteLength(payload)).toBeLessThan(MAX_PAYLOAD_BYTES);
  });
});

describe('the PostgreSQL change bus', () => {
  // A channel of its own, so that tests running at once on the same database do not hear each other.
  const channel = `fjord_test_${randomUUID().replaceAll('-', '')}`;
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const buses: ChangeBus[] = [];
  const open = (origin: string, withPool = true) => {
    const bus = createPgChangeBus({
      url: url ?? '',
      channel,
      origin,
      log: quiet,
      retryMinMs: 20,
      retryMaxMs: 200,
      ...(withPool ? { pool } : {}),
    });
    buses.push(bus);
    return bus;
  };

  let a: ChangeBus;
  let b: ChangeBus;
  let heardByA: ChangeNotice[];
  let heardByB: ChangeNotice[];
  beforeAll(async () => {
    a = open('node-a');
    b = open('node-b', false);
    heardByA = heard(a);
    heardByB = heard(b);
    await Promise.all([a.listening(), b.listening()]);
  });
  afterAll(async () => {
    await Promise.all(buses.map((bus) => bus.close()));
    await pool.end();
  });

  it('carries a publish on one node to the other node’s listeners, and not back to its own', async () => {
    await a.publish(['article:1', 'articles']);
    await vi.waitFor(() => expect(heardByB).toEqual([['article:1', 'articles']]));
    // B's own notice, sent after A's, arriving at A proves A has had time to hear its own: it did not.
    await b.publish(['tags']);
    await vi.waitFor(() => expect(heardByA).toEqual([['tags']]));
    expect(heardByB).toEqual([['article:1', 'articles']]);
  });

  it('ignores notices from another process that says it is this node', async () => {
    const twin = open('node-b');
    await twin.publish(['credits']);
    await a.publish(['credit:1']);
    await vi.waitFor(() => expect(heardByB.at(-1)).toEqual(['credit:1']));
    expect(heardByB).not.toContainEqual(['credits']);
  });

  it('sends "all" for a change with more keys than a notice holds', async () => {
    const keys = Array.from({ length: 1_000 }, (_, i) => `article:${i}-${randomUUID()}`);
    await a.publish(keys);
    await vi.waitFor(() => expect(heardByB.at(-1)).toBe('all'));
  });

  it('ignores a notice on its channel that is not one of its own kind', async () => {
    const before = heardByB.length;
    await pool.query('select pg_notify($1, $2)', [channel, 'not json']);
    await pool.query('select pg_notify($1, $2)', [channel, JSON.stringify({ origin: 'x', keys: [1] })]);
    await a.publish(['marker']);
    await vi.waitFor(() => expect(heardByB.at(-1)).toEqual(['marker']));
    expect(heardByB.length).toBe(before + 1);
  });

  it('says "all" when its backend is terminated and again once it listens anew, and hears notices again', async () => {
    const before = heardByB.length;
    expect(b.isListening()).toBe(true);
    // B's own connection; its twin only published, so it never opened one.
    const { rowCount } = await pool.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1',
      ['fjord-changes node-b'],
    );
    expect(rowCount).toBe(1);
    // One at the loss (anything cached may miss a purge from then on), one once listening again
    // (notices sent meanwhile were missed).
    await vi.waitFor(() => expect(heardByB.slice(before)).toEqual(['all', 'all']), { timeout: 10_000 });
    await b.listening();
    expect(b.isListening()).toBe(true);
    await a.publish(['article:after']);
    await vi.waitFor(() => expect(heardByB.at(-1)).toEqual(['article:after']));
  });

  it('opens no connection of its own for a process that only publishes', async () => {
    const publisher = open('node-publisher');
    await publisher.publish(['from-publisher']);
    await vi.waitFor(() => expect(heardByB.at(-1)).toEqual(['from-publisher']));
    const { rows } = await pool.query('select count(*)::int as n from pg_stat_activity where application_name = $1', [
      'fjord-changes node-publisher',
    ]);
    expect(rows[0].n).toBe(0);
  });

  it('publishes through its own connection when given no pool', async () => {
    await b.publish(['from-b']);
    await vi.waitFor(() => expect(heardByA.at(-1)).toEqual(['from-b']));
  });

  it('serves as the engine’s foreign changes: a publish is heard by the other node', async () => {
    const foreignA = foreignChangesOver(a, quiet);
    const foreignB = foreignChangesOver(b, quiet);
    const viaB: ChangeNotice[] = [];
    const stop = foreignB.subscribe((change) => viaB.push(change));
    foreignA.publish(['article:foreign']);
    await vi.waitFor(() => expect(viaB).toEqual([['article:foreign']]));
    stop();
  });

  it('stops hearing once closed, and closes twice without harm', async () => {
    const c = open('node-c');
    const heardByC = heard(c);
    await c.listening();
    await c.close();
    await c.close();
    await a.publish(['after-close']);
    await vi.waitFor(() => expect(heardByB.at(-1)).toEqual(['after-close']));
    expect(heardByC).toEqual([]);
  });
});

describe('a change bus whose database cannot be reached', () => {
  it('keeps trying without crashing the process, and closes', async () => {
    const warnings: unknown[] = [];
    const bus = createPgChangeBus({
      url: 'postgres://postgres@127.0.0.1:1/none',
      origin: 'node-x',
      log: { ...quiet, warn: (obj) => warnings.push(obj) },
      retryMinMs: 10,
      retryMaxMs: 20,
    });
    bus.subscribe(() => {});
    await vi.waitFor(() => expect(warnings.length).toBeGreaterThanOrEqual(2));
    await expect(bus.publish(['k'])).rejects.toThrow('The change notices connection is down');
    const errors: unknown[] = [];
    foreignChangesOver(bus, { ...quiet, error: (obj) => errors.push(obj) }).publish(['k']);
    await vi.waitFor(() => expect(errors).toEqual([expect.objectContaining({ keys: ['k'] })]));
    await bus.close();
    await bus.listening();
  });
});

describe('a change bus whose network goes silent', () => {
  const proxy = createTcpProxy(new URL(url ?? 'postgres://localhost'));
  const channel = `fjord_test_${randomUUID().replaceAll('-', '')}`;
  let listener: ChangeBus;
  let sender: ChangeBus;
  afterAll(async () => {
    proxy.thaw();
    await Promise.all([listener?.close(), sender?.close()]);
    await proxy.cut();
  });

  it('counts an unanswered heartbeat as a lost connection, reconnects, and says "all"', async () => {
    await proxy.start();
    const lost: unknown[] = [];
    const log = { ...quiet, warn: (obj: object, msg: string) => lost.push(msg) };
    listener = createPgChangeBus({ url: proxy.url(), channel, origin: 'silent', log, heartbeatMs: 100 });
    sender = createPgChangeBus({ url: url ?? '', channel, origin: 'sender', log: quiet });
    const notices = heard(listener);
    await Promise.all([listener.listening(), sender.listening()]);
    proxy.freeze();
    await vi.waitFor(() => expect(lost).toContain('lost the change notices connection; reconnecting'));
    proxy.thaw();
    await vi.waitFor(() => expect(notices).toEqual(['all']), { timeout: 10_000 });
    await listener.listening();
    await sender.publish(['after-silence']);
    await vi.waitFor(() => expect(notices.at(-1)).toEqual(['after-silence']));
  });
});
