/**
 * Where a webhook may send: checked when it is registered, and again on the address each attempt
 * actually connects to, so a name that resolved to a public address at registration and to a
 * private one later (DNS rebinding) is still refused.
 */
import { promises as dns, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { isPublicAddress } from './address.js';

/** Every address a name resolves to. */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/** A target that resolves to an address no webhook may reach. */
export class RefusedTarget extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedTarget';
  }
}

/** The host of a URL as an address or a name: an IPv6 literal without its brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

function refusal(host: string, address: string): RefusedTarget {
  const resolved = host === address ? host : `${host} resolves to ${address}, which`;
  return new RefusedTarget(
    `${resolved} is not a public address (loopback, private, link-local or reserved); WEBHOOKS_ALLOW_PRIVATE=true allows it`,
  );
}

/** Throws RefusedTarget unless every address of the URL's host is public. */
export async function assertPublicTarget(url: URL, resolve: Resolver = systemResolver): Promise<void> {
  const host = hostOf(url);
  const addresses = isIP(host) ? [host] : (await resolve(host)).map((a) => a.address);
  if (addresses.length === 0) throw new RefusedTarget(`${host} resolves to no address`);
  const bad = addresses.find((address) => !isPublicAddress(address));
  if (bad !== undefined) throw refusal(host, bad);
}

/**
 * A `lookup` for http.request that hands the socket only public addresses: the check and the
 * connection use the same answer, so nothing can change between them. Node calls no lookup for an
 * IP literal, which the sender checks itself (a literal cannot rebind).
 */
export function publicOnlyLookup(resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (all) => {
        const bad = all.find((a) => !isPublicAddress(a.address));
        const wanted = all.filter((a) => !options.family || a.family === options.family);
        const first = wanted[0];
        if (bad !== undefined) callback(refusal(hostname, bad.address), '', 0);
        else if (!first) callback(new RefusedTarget(`${hostname} resolves to no address`), '', 0);
        else if (options.all) callback(null, wanted);
        else callback(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}
