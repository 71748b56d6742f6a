import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { HooklineError } from '../errors.js';
import { addCidr, BLOCKED_IPV4, BLOCKED_IPV6, embeddedIpv4, isIpv4Mapped } from './ip-ranges.js';

/** Resolves a hostname to every address it has; the guard calls it once per new connection. */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

/** The system resolver (getaddrinfo, so /etc/hosts applies), returning IPv4 and IPv6 addresses. */
export const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, family: 0 }, (error, addresses) => (error ? reject(error) : resolve(addresses)));
  });

export class DestinationBlockedError extends HooklineError {
  constructor(host: string, address: string, reason?: string) {
    super(
      'destination_blocked',
      422,
      reason
        ? `Delivery to ${host} (${address}) is blocked: ${reason}.`
        : `Delivery to ${host} (${address}) is blocked because the address is internal. ` +
            'Add its range to HOOKLINE_ALLOW_PRIVATE_CIDRS to allow it.',
    );
  }
}

export interface DestinationGuardOptions {
  resolve?: Resolver;
}

/** Removes the brackets WHATWG URL keeps around an IPv6 literal in `hostname`. */
export function unbracket(hostname: string): string {
  return hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * Blocks deliveries to internal addresses (loopback, private, link-local, CGNAT, metadata,
 * multicast, documentation and other special-purpose ranges, in IPv4 and IPv6) unless
 * `HOOKLINE_ALLOW_PRIVATE_CIDRS` opens them. Addresses are compared as parsed addresses, never
 * as strings, and IPv6 forms that carry an IPv4 address are judged by that address too.
 * At connect time the hostname is resolved once and the socket connects to exactly the
 * checked address, so a second DNS answer cannot redirect it.
 */
export class DestinationGuard {
  private readonly blocked = new BlockList();
  private readonly allowed = new BlockList();
  private readonly resolve: Resolver;

  constructor(allowPrivateCidrs: readonly string[], options: DestinationGuardOptions = {}) {
    for (const cidr of BLOCKED_IPV4) addCidr(this.blocked, cidr);
    for (const cidr of BLOCKED_IPV6) addCidr(this.blocked, cidr);
    for (const cidr of allowPrivateCidrs) addCidr(this.allowed, cidr);
    this.resolve = options.resolve ?? systemResolver;
  }

  /** Decides whether an IP literal may be delivered to; anything else is not allowed. */
  isAllowed(address: string): boolean {
    const plain = unbracket(address);
    const family = isIP(plain);
    if (family === 4) return this.allowed.check(plain, 'ipv4') || !this.blocked.check(plain, 'ipv4');
    if (family !== 6) return false;

    // A dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d: that is plain IPv4.
    const embedded = embeddedIpv4(plain);
    if (embedded !== null && isIpv4Mapped(plain)) return this.isAllowed(embedded);

    // An internal IPv4 address stays blocked inside any transition form, even an allowed one.
    if (embedded !== null && !this.isAllowed(embedded)) return false;
    if (this.allowed.check(plain, 'ipv6')) return true;
    return !this.blocked.check(plain, 'ipv6');
  }

  /** Throws unless `address` (an IP literal) may be delivered to. */
  assertAllowed(host: string, address: string): void {
    if (!this.isAllowed(address)) throw new DestinationBlockedError(host, address);
  }

  /**
   * Checks every address of `hostname` and returns them, or throws when one is internal, so a
   * DNS response mixing public and internal addresses is blocked as a whole.
   */
  async resolveAllowed(hostname: string): Promise<LookupAddress[]> {
    const addresses = await this.resolve(hostname);
    if (addresses.length === 0) {
      throw Object.assign(new Error(`No address found for ${hostname}`), { code: 'ENOTFOUND' });
    }
    const denied = addresses.find((entry) => !this.isAllowed(entry.address));
    if (denied) throw new DestinationBlockedError(hostname, denied.address);
    return addresses;
  }

  /**
   * A `lookup` for `net.connect` built on resolveAllowed. With happy eyeballs
   * (`autoSelectFamily`), Node calls it once with `all: true` and dials only the returned,
   * already checked addresses; undici itself never resolves names.
   */
  readonly lookup = (
    hostname: string,
    options: { family?: number | string; all?: boolean },
    callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    this.resolveAllowed(hostname).then(
      (addresses) => {
        if (options.all) return callback(null, addresses);
        const first = addresses[0]!;
        callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}
