import { createHmac, randomBytes } from 'node:crypto';

/** An IPv4 client seen through a dual-stack socket arrives as ::ffff:a.b.c.d; rules and hashes use a.b.c.d. */
export function normalizeIp(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return mapped?.[1] ?? ip.toLowerCase();
}

export type IpHasher = (ip: string) => string;

/**
 * IP addresses are stored only as a keyed hash (HMAC-SHA256): equal addresses still match (flood
 * limits, idempotency scopes) but cannot be read back. Without a configured key, each process
 * draws a random one, so nothing stored links to an address once the process is gone.
 */
export function createIpHasher(key: string | undefined): IpHasher {
  const secret = key ?? randomBytes(32).toString('hex');
  return (ip) => createHmac('sha256', secret).update(normalizeIp(ip)).digest('hex');
}
