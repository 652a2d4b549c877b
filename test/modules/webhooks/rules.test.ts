/** The rules of an attempt, without I/O: which addresses are public, backoff, verdicts, signatures. */
import type { LookupAddress } from 'node:dns';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { isPublicAddress } from '../../../src/modules/webhooks/address.js';
import { DEFAULT_BACKOFF, retryDelay } from '../../../src/modules/webhooks/backoff.js';
import { judge, streakReason } from '../../../src/modules/webhooks/outcome.js';
import { payloadOf, signedHeaders } from '../../../src/modules/webhooks/payload.js';
import { newSecret, sign } from '../../../src/modules/webhooks/signing.js';
import { assertPublicTarget, publicOnlyLookup, type Resolver } from '../../../src/modules/webhooks/target.js';

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '192.0.2.10',
    '198.18.0.1',
    '224.0.0.251',
    '255.255.255.255',
    '::',
    '::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    '::127.0.0.1',
    '64:ff9b::a00:1',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'fe80::1%eth0',
    'ff02::1',
    '2001:db8::1',
    '2002:7f00:1::1',
    '2001::1',
    'localhost',
    'example.com',
    '',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    '93.184.215.14',
    '8.8.8.8',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '2a00:1450:4007:80e::200e',
    '::ffff:8.8.8.8',
  ])('accepts %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

const resolver =
  (answers: Record<string, string[]>): Resolver =>
  async (host) =>
    (answers[host] ?? []).map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('assertPublicTarget', () => {
  const resolve = resolver({
    'hooks.example': ['93.184.215.14'],
    'mixed.example': ['93.184.215.14', '10.0.0.7'],
    'nowhere.example': [],
  });

  it('accepts a name whose every address is public', async () => {
    await expect(assertPublicTarget(new URL('https://hooks.example/x'), resolve)).resolves.toBeUndefined();
  });

  it('refuses a name with one private address among public ones, naming it', async () => {
    await expect(assertPublicTarget(new URL('https://mixed.example/x'), resolve)).rejects.toThrow(
      'mixed.example resolves to 10.0.0.7, which is not a public address',
    );
  });

  it('refuses a name that resolves to nothing', async () => {
    await expect(assertPublicTarget(new URL('https://nowhere.example/x'), resolve)).rejects.toThrow('no address');
  });
});

describe('publicOnlyLookup', () => {
  const lookup = (host: string, options: { all?: boolean; family?: number }, answers: Record<string, string[]>) =>
    new Promise<{ err: Error | null; address: unknown; family?: number }>((done) => {
      publicOnlyLookup(resolver(answers))(host, options, (err, address, family) =>
        done({ err, address, ...(family === undefined ? {} : { family }) }),
      );
    });

  it('hands the socket the address it checked', async () => {
    expect(await lookup('hooks.example', {}, { 'hooks.example': ['93.184.215.14'] })).toEqual({
      err: null,
      address: '93.184.215.14',
      family: 4,
    });
    expect(
      await lookup('hooks.example', { all: true }, { 'hooks.example': ['2606:4700:4700::1111', '93.184.215.14'] }),
    ).toEqual({
      err: null,
      address: [
        { address: '2606:4700:4700::1111', family: 6 },
        { address: '93.184.215.14', family: 4 },
      ],
    });
  });

  it('refuses when the name now resolves to a private address (DNS rebinding)', async () => {
    const { err } = await lookup('hooks.example', { all: true }, { 'hooks.example': ['127.0.0.1'] });
    expect(err?.message).toMatch(/^hooks\.example resolves to 127\.0\.0\.1, which is not a public address/);
  });
});

describe('retryDelay', () => {
  const backoff = { baseMs: 1_000, capMs: 60_000 };

  it('draws from [0, base × 2^(attempts − 1)), capped', () => {
    expect(retryDelay(1, backoff, () => 0)).toBe(0);
    expect(retryDelay(1, backoff, () => 0.999)).toBe(999);
    expect(retryDelay(2, backoff, () => 0.5)).toBe(1_000);
    expect(retryDelay(4, backoff, () => 0.5)).toBe(4_000);
    expect(retryDelay(7, backoff, () => 0.5)).toBe(30_000);
    expect(retryDelay(8, backoff, () => 0.5)).toBe(30_000);
    expect(retryDelay(1_000, backoff, () => 0.999)).toBe(59_940);
  });

  it('defaults to seconds at first and an hour at most', () => {
    expect(retryDelay(1, DEFAULT_BACKOFF, () => 0.999)).toBeLessThan(5_000);
    expect(retryDelay(50, DEFAULT_BACKOFF, () => 0.999)).toBe(3_596_400);
  });
});

describe('judge', () => {
  const rules = { retryWindowMs: 24 * 3_600_000, backoff: { baseMs: 1_000, capMs: 60_000 }, random: () => 0.5 };
  const at = { now: 10_000_000, attempts: 3, occurredAt: 9_000_000 };
  const result = (status: number | null, error: string | null = null) => ({ status, error, excerpt: null });

  it('calls any 2xx delivered', () => {
    for (const status of [200, 201, 204, 299]) {
      expect(judge(result(status), at, rules)).toEqual({ status: 'succeeded', nextAttemptAt: null, disable: null });
    }
  });

  it('retries any other answer, or none, after the backoff', () => {
    for (const r of [
      result(500),
      result(404),
      result(301, 'redirect not followed'),
      result(199),
      result(null, 'timeout'),
    ]) {
      expect(judge(r, at, rules)).toEqual({ status: 'pending', nextAttemptAt: 10_002_000, disable: null });
    }
  });

  it('disables on 410 Gone', () => {
    expect(judge(result(410), at, rules)).toEqual({
      status: 'failed',
      nextAttemptAt: null,
      disable: 'the receiver answered 410 Gone',
    });
  });

  it('fails the delivery when the next try would fall past the window after the event', () => {
    const late = { ...at, occurredAt: at.now - rules.retryWindowMs + 1_999 };
    expect(judge(result(500), late, rules)).toEqual({ status: 'failed', nextAttemptAt: null, disable: null });
    const inTime = { ...at, occurredAt: at.now - rules.retryWindowMs + 2_000 };
    expect(judge(result(500), inTime, rules).status).toBe('pending');
  });

  it('names the streak and the last failure', () => {
    expect(streakReason(50, result(500))).toBe('50 deliveries in a row given up after their retries; last: HTTP 500');
    expect(streakReason(3, result(null, 'connect ECONNREFUSED 203.0.113.9:443'))).toBe(
      '3 deliveries in a row given up after their retries; last: connect ECONNREFUSED 203.0.113.9:443',
    );
  });
});

describe('signatures', () => {
  it('are what the standardwebhooks library computes and verifies', () => {
    const secret = newSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const event = {
      id: 42,
      type: 'article.published',
      occurredAt: Date.now(),
      data: '{"id":"a1"}',
      surrogateKeys: '["articles"]',
    };
    const body = payloadOf(event);
    const headers = signedHeaders(secret, 42, body, Date.now());
    const library = new Webhook(secret);
    expect(headers['webhook-signature']).toBe(
      library.sign('evt_42', new Date(Number(headers['webhook-timestamp']) * 1000), body),
    );
    expect(library.verify(body, headers)).toEqual({
      id: 'evt_42',
      type: 'article.published',
      occurred_at: new Date(event.occurredAt).toISOString(),
      sequence: 42,
      data: { id: 'a1' },
      surrogate_keys: ['articles'],
    });
  });

  it('differ with the secret, the id, the time and the body', () => {
    const secret = newSecret();
    const base = sign(secret, 'evt_1', 1_700_000_000, '{}');
    expect(sign(newSecret(), 'evt_1', 1_700_000_000, '{}')).not.toBe(base);
    expect(sign(secret, 'evt_2', 1_700_000_000, '{}')).not.toBe(base);
    expect(sign(secret, 'evt_1', 1_700_000_001, '{}')).not.toBe(base);
    expect(sign(secret, 'evt_1', 1_700_000_000, '{ }')).not.toBe(base);
  });
});
