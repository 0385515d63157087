import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

// The SSRF guard of Call an API: every address a request would connect to must be public, unless
// allow-listed. Hostnames are resolved here and the request connects to the vetted address, so a DNS
// answer cannot change between the check and the connection; each redirect target is vetted again.

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a hostname to every address (injectable for tests). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

// Separate lists: node's BlockList matches IPv4 addresses against IPv4-mapped IPv6 rules.
const blocked4 = new BlockList();
const blocked6 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // TEST-NET-1
  ['192.88.99.0', 24], // 6to4 relay
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  blocked4.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['::ffff:0:0', 96], // IPv4-mapped
  ['::', 96], // IPv4-compatible (deprecated)
  ['64:ff9b::', 96], // NAT64
  ['64:ff9b:1::', 48], // local NAT64
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4 (embeds an IPv4 address)
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const)
  blocked6.addSubnet(net, prefix, 'ipv6');

/** Whether an IP literal is private, loopback, link-local, CGNAT, multicast, reserved, ULA or IPv4-mapped. */
export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked4.check(address, 'ipv4');
  if (family === 6) return blocked6.check(address, 'ipv6');
  return true;
}

/** Hosts or CIDRs exempt from the guard, e.g. `127.0.0.1/32`, `10.1.0.0/16`, `api.internal.example`, `*.corp.example`. */
export class EgressAllowList {
  readonly #nets4 = new BlockList();
  readonly #nets6 = new BlockList();
  readonly #hosts = new Set<string>();
  readonly #suffixes: string[] = [];
  constructor(entries: readonly string[] = []) {
    for (const raw of entries) {
      const e = raw.trim().toLowerCase();
      const cidr = /^(.+)\/(\d{1,3})$/.exec(e);
      const ip = cidr ? cidr[1]! : e.replace(/^\[|\]$/g, '');
      const family = isIP(ip);
      if (family === 4) this.#nets4.addSubnet(ip, cidr ? Number(cidr[2]) : 32, 'ipv4');
      else if (family === 6) this.#nets6.addSubnet(ip, cidr ? Number(cidr[2]) : 128, 'ipv6');
      else if (e.startsWith('*.')) this.#suffixes.push(e.slice(1));
      else this.#hosts.add(e);
    }
  }
  allowsHost(hostname: string): boolean {
    const h = hostname.toLowerCase();
    return this.#hosts.has(h) || this.#suffixes.some((s) => h.endsWith(s));
  }
  allowsAddress(address: string): boolean {
    const family = isIP(address);
    if (family === 4) return this.#nets4.check(address, 'ipv4');
    return family === 6 && this.#nets6.check(address, 'ipv6');
  }
}

export class EgressBlockedError extends Error {
  override readonly name = 'EgressBlockedError';
}

/**
 * The address to connect to for a URL's host, or an EgressBlockedError. Every resolved address must pass
 * (a name that resolves to one public and one private address is refused).
 */
export async function vetHost(hostname: string, resolver: Resolver, allow: EgressAllowList): Promise<ResolvedAddress> {
  const host = hostname.replace(/^\[|\]$/g, '');
  const literal = isIP(host);
  const addresses: ResolvedAddress[] = literal ? [{ address: host, family: literal === 6 ? 6 : 4 }] : await resolver(host);
  if (addresses.length === 0) throw new EgressBlockedError(`${host} did not resolve`);
  const hostAllowed = !literal && allow.allowsHost(host);
  for (const a of addresses) {
    if (hostAllowed || allow.allowsAddress(a.address)) continue;
    if (isBlockedAddress(a.address)) {
      throw new EgressBlockedError(literal ? `${host} is a private or reserved address` : `${host} resolves to a private or reserved address (${a.address})`);
    }
  }
  return addresses[0]!;
}
