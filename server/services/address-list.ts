// A configured list of client addresses: single IPs and CIDR ranges, IPv4
// and IPv6 (e.g. `127.0.0.1`, `10.0.0.0/8`, `::1`, `fd00::/8`).
import { BlockList, isIP } from 'node:net';

type Family = 'ipv4' | 'ipv6';

interface Entry {
  address: string;
  prefix: number | null;
  family: Family;
}

function parse(entry: string): Entry | null {
  const [address = '', prefixText, extra] = entry.trim().split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return null;
  const family: Family = version === 4 ? 'ipv4' : 'ipv6';
  if (prefixText === undefined) return { address, prefix: null, family };
  const prefix = Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText) || prefix > (version === 4 ? 32 : 128)) return null;
  return { address, prefix, family };
}

/** The entries that are neither an IP nor a CIDR range (for the config check). */
export function invalidAddressEntries(entries: readonly string[]): string[] {
  return entries.filter((e) => parse(e) === null);
}

/** An IPv4 client seen through a dual-stack socket (`::ffff:10.1.2.3`) is the IPv4 address. */
function unmapped(ip: string): { address: string; family: Family } | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return { address: mapped[1]!, family: 'ipv4' };
  const version = isIP(ip);
  return version === 0 ? null : { address: ip, family: version === 4 ? 'ipv4' : 'ipv6' };
}

export class AddressList {
  private readonly list = new BlockList();

  /** Throws on an entry invalidAddressEntries would name (the config loader reports those first). */
  constructor(entries: readonly string[]) {
    for (const text of entries) {
      const e = parse(text);
      if (!e) throw new RangeError(`not an IP address or CIDR range: ${JSON.stringify(text)}`);
      if (e.prefix === null) this.list.addAddress(e.address, e.family);
      else this.list.addSubnet(e.address, e.prefix, e.family);
    }
  }

  includes(ip: string): boolean {
    const a = unmapped(ip);
    return a !== null && this.list.check(a.address, a.family);
  }
}
