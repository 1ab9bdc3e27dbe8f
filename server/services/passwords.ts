// Local (embedded-mode) password hashing with scrypt: per-password random
// salt, parameters stored with the hash so they can be raised later, and a
// constant-time comparison.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** Cost of new hashes (32 MiB, well above the scrypt paper's interactive-login setting). */
export const STRONG: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LEN = 32;

function derive(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  // maxmem must cover 128 * N * r bytes.
  const maxmem = 256 * (opts.N ?? STRONG.N) * (opts.r ?? STRONG.r);
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LEN, { ...opts, maxmem }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/**
 * `scrypt$N$r$p$salt$hash` (base64). The parameters travel with the hash, so
 * raising STRONG later still verifies old hashes.
 */
export async function hashPassword(password: string, params: ScryptParams = STRONG): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A random password for generated accounts (demo user, admin): ~120 bits. */
export function randomPassword(): string {
  return randomBytes(15).toString('base64url');
}
