import { BlockList, isIP } from 'node:net';
import { HooklineError } from '../errors.js';

/** Special-purpose IPv4 ranges that deliveries never reach unless the operator opens them. */
export const BLOCKED_IPV4 = [
  '0.0.0.0/8', // "this network", including the unspecified 0.0.0.0
  '10.0.0.0/8',
  '100.64.0.0/10', // carrier-grade NAT
  '127.0.0.0/8',
  '169.254.0.0/16', // link-local, including cloud metadata at 169.254.169.254 and 169.254.170.2
  '172.16.0.0/12',
  '192.0.0.0/24', // IETF protocol assignments, including 192.0.0.192 (Oracle Cloud metadata)
  '192.0.2.0/24', // documentation
  '192.88.99.0/24', // 6to4 relay anycast
  '192.168.0.0/16',
  '198.18.0.0/15', // benchmarking
  '198.51.100.0/24', // documentation
  '203.0.113.0/24', // documentation
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, including broadcast
];

/** Special-purpose IPv6 ranges; the transition ranges also embed an IPv4 address. */
export const BLOCKED_IPV6 = [
  '::/96', // unspecified, loopback and the deprecated IPv4-compatible form ::a.b.c.d
  '::ffff:0:0:0/96', // SIIT IPv4-translated
  '64:ff9b::/96', // NAT64
  '64:ff9b:1::/48', // local-use NAT64
  '100::/64', // discard
  '2001::/23', // IETF protocol assignments, including Teredo 2001::/32
  '2001:db8::/32', // documentation
  '2002::/16', // 6to4
  '3fff::/20', // documentation
  '5f00::/16', // segment routing SIDs
  'fc00::/7', // unique local
  'fe80::/10', // link-local
  'fec0::/10', // deprecated site-local
  'ff00::/8', // multicast
];

export function addCidr(list: BlockList, cidr: string): void {
  const [address, prefixText] = cidr.split('/');
  const family = isIP(address ?? '');
  const maxPrefix = family === 6 ? 128 : 32;
  const prefix = Number(prefixText ?? maxPrefix);
  if (!address || family === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > maxPrefix) {
    throw new HooklineError(
      'invalid_config',
      500,
      `Invalid CIDR in HOOKLINE_ALLOW_PRIVATE_CIDRS: "${cidr}". Expected an address/prefix, such as 10.0.0.0/8.`,
    );
  }
  list.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4');
}

/** Expands an IPv6 literal (brackets already removed) into its eight 16-bit groups. */
export function ipv6Groups(address: string): number[] | null {
  if (isIP(address) !== 6) return null;
  let text = address.toLowerCase().replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = text.slice(0, dotted.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  const zeros = tail === undefined ? 0 : 8 - front.length - back.length;
  return [...front, ...new Array<number>(zeros).fill(0), ...back];
}

function ipv4From(high: number, low: number): string {
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/**
 * Returns the IPv4 address an IPv6 address carries: IPv4-mapped (::ffff:a.b.c.d),
 * IPv4-compatible (::a.b.c.d from 1.0.0.0 up), SIIT (::ffff:0:a.b.c.d), NAT64 (64:ff9b::/96), 6to4
 * (2002:aabb:ccdd::/48) and Teredo (2001:0::/32, client address inverted in the last 32 bits).
 * Returns null when it carries none.
 */
export function embeddedIpv4(address: string): string | null {
  const g = ipv6Groups(address);
  if (!g) return null;
  const zeroUpTo = (count: number) => g.slice(0, count).every((group) => group === 0);

  if (zeroUpTo(5) && g[5] === 0xffff) return ipv4From(g[6]!, g[7]!);
  // IPv4-compatible; :: and ::1 are the IPv6 unspecified and loopback addresses instead.
  if (zeroUpTo(6) && g[6] !== 0) return ipv4From(g[6]!, g[7]!);
  if (zeroUpTo(4) && g[4] === 0xffff && g[5] === 0) return ipv4From(g[6]!, g[7]!);
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((group) => group === 0)) return ipv4From(g[6]!, g[7]!);
  if (g[0] === 0x2002) return ipv4From(g[1]!, g[2]!);
  if (g[0] === 0x2001 && g[1] === 0) return ipv4From(g[6]! ^ 0xffff, g[7]! ^ 0xffff);
  return null;
}

/** True for an IPv4-mapped IPv6 address, the form dual-stack sockets use for IPv4 peers. */
export function isIpv4Mapped(address: string): boolean {
  const g = ipv6Groups(address);
  return g !== null && g.slice(0, 5).every((group) => group === 0) && g[5] === 0xffff;
}
