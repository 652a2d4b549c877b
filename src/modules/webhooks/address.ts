/**
 * Which addresses a webhook may reach: public unicast only. A webhook is a request the server makes
 * on an admin's behalf, so without this rule a URL could make it read its own metadata service
 * (169.254.169.254), a database port on the private network, or itself.
 */
import { BlockList, isIP } from 'node:net';

/** IPv4 ranges that are not public unicast (RFC 6890 and its updates). */
const IPV4_RANGES: readonly [string, number][] = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata services
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

/**
 * IPv6 ranges inside global unicast (2000::/3) that are not public. Everything outside 2000::/3
 * (loopback, unspecified, unique-local, link-local, multicast, NAT64, IPv4-compatible) is refused
 * by not being global unicast at all; IPv4-mapped addresses are judged by their IPv4 address.
 */
const IPV6_RANGES: readonly [string, number][] = [
  ['2001::', 23], // IETF protocol assignments: Teredo, benchmarking, ORCHID
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: an IPv4 address inside, of any kind
  ['3fff::', 20], // documentation
];

const notPublic = new BlockList();
for (const [net, prefix] of IPV4_RANGES) notPublic.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of IPV6_RANGES) notPublic.addSubnet(net, prefix, 'ipv6');
const globalUnicast = new BlockList();
globalUnicast.addSubnet('2000::', 3, 'ipv6');
const ipv4Mapped = new BlockList();
ipv4Mapped.addSubnet('::ffff:0:0', 96, 'ipv6');

/** Whether `address` (an IP literal) is a public unicast address; anything else, a name included, is not. */
export function isPublicAddress(address: string): boolean {
  // A zone index (fe80::1%eth0) names an interface: never public.
  if (address.includes('%')) return false;
  const version = isIP(address);
  if (version === 4) return !notPublic.check(address, 'ipv4');
  if (version !== 6) return false;
  // BlockList matches an IPv4-mapped address (::ffff:127.0.0.1) against the IPv4 ranges too.
  if (notPublic.check(address, 'ipv6')) return false;
  return ipv4Mapped.check(address, 'ipv6') || globalUnicast.check(address, 'ipv6');
}
