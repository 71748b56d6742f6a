import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { HooklineError } from '../errors.js';

/**
 * Blocks deliveries to internal addresses (loopback, private, link-local, metadata and other
 * special-purpose ranges) unless `HOOKLINE_ALLOW_PRIVATE_CIDRS` opens them. The check runs on
 * the resolved address at connect time, and the socket connects to exactly the checked
 * address, so a second DNS answer cannot redirect it.
 */
const BLOCKED_IPV4 = [
  '0.0.0.0/8', // "this network"
  '10.0.0.0/8',
  '100.64.0.0/10', // carrier-grade NAT
  '127.0.0.0/8',
  '169.254.0.0/16', // link-local, including cloud metadata at 169.254.169.254
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24', // documentation
  '192.88.99.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15', // benchmarking
  '198.51.100.0/24', // documentation
  '203.0.113.0/24', // documentation
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, including broadcast
];

const BLOCKED_IPV6 = [
  '::/128',
  '::1/128',
  '64:ff9b::/96', // NAT64, embeds an IPv4 address
  '64:ff9b:1::/48',
  '100::/64', // discard
  '2001::/23', // IETF protocol assignments, including Teredo
  '2001:db8::/32', // documentation
  '2002::/16', // 6to4, embeds an IPv4 address
  'fc00::/7', // unique local
  'fe80::/10', // link-local
  'fec0::/10', // deprecated site-local
  'ff00::/8', // multicast
];

export class DestinationBlockedError extends HooklineError {
  constructor(host: string, address: string) {
    super(
      'destination_blocked',
      422,
      `Delivery to ${host} (${address}) is blocked because the address is internal. ` +
        'Add its range to HOOKLINE_ALLOW_PRIVATE_CIDRS to allow it.',
    );
  }
}

function addCidr(list: BlockList, cidr: string): void {
  const [address, prefixText] = cidr.split('/');
  const family = isIP(address ?? '');
  const prefix = Number(prefixText ?? (family === 6 ? 128 : 32));
  if (!address || family === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32)) {
    throw new HooklineError('invalid_config', 500, `Invalid CIDR in HOOKLINE_ALLOW_PRIVATE_CIDRS: "${cidr}".`);
  }
  list.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4');
}

/** Returns the IPv4 address inside an IPv4-mapped IPv6 address, or the address unchanged. */
function unmapIpv4(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return address;
  const high = parseInt(hex[1]!, 16);
  const low = parseInt(hex[2]!, 16);
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

export class DestinationGuard {
  private readonly blocked = new BlockList();
  private readonly allowed = new BlockList();

  constructor(allowPrivateCidrs: readonly string[]) {
    for (const cidr of BLOCKED_IPV4) addCidr(this.blocked, cidr);
    for (const cidr of BLOCKED_IPV6) addCidr(this.blocked, cidr);
    for (const cidr of allowPrivateCidrs) addCidr(this.allowed, cidr);
  }

  isAllowed(address: string): boolean {
    const plain = unmapIpv4(address);
    const family = isIP(plain) === 6 ? 'ipv6' : 'ipv4';
    if (this.allowed.check(plain, family)) return true;
    return !this.blocked.check(plain, family);
  }

  /** Throws unless `address` (an IP literal) may be delivered to. */
  assertAllowed(host: string, address: string): void {
    if (!this.isAllowed(address)) throw new DestinationBlockedError(host, address);
  }

  /**
   * A `lookup` for `net.connect` that resolves every address of `hostname` and fails unless
   * all of them are allowed, so an answer mixing public and internal addresses is blocked.
   */
  readonly lookup = (
    hostname: string,
    options: { family?: number | string; all?: boolean },
    callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    dnsLookup(hostname, { all: true, family: 0 }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const denied = addresses.find((entry) => !this.isAllowed(entry.address));
      if (denied) return callback(new DestinationBlockedError(hostname, denied.address), '', 0);
      if (addresses.length === 0) {
        return callback(Object.assign(new Error(`No address found for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}
