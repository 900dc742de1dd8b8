import * as crypto from 'node:crypto';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * API key format: `<word>_<env>_<body><check>`
 *   word   deployment's prefix word (TENANTRY_KEY_PREFIX, default `rk`)
 *   env    `live` or `test`
 *   body   40 random base62 characters (~238 bits)
 *   check  6 base62 characters: CRC32 of everything before it
 *
 * The checksum lets a mistyped or made-up key be refused without a database query, and the
 * fixed shape lets secret scanners recognise a leaked key. Keys are high-entropy, so a single
 * SHA-256 is the right digest; bcrypt would cost ~200 ms of CPU per request and add nothing.
 */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const KEY_BODY_LENGTH = 40;
const CHECK_LENGTH = 6;
const DISPLAY_BODY_CHARS = 4;
const KEY_PATTERN = /^([a-z][a-z0-9]{0,15})_(live|test)_([0-9A-Za-z]{38,128})$/;

export type KeyEnvironment = 'live' | 'test';

export interface ParsedKey {
  word: string;
  environment: KeyEnvironment;
  displayPrefix: string;
}

function randomBase62(length: number): string {
  let out = '';
  // Rejection sampling: 248 = 62 * 4, so bytes >= 248 are dropped to keep every character uniform.
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248) out += ALPHABET[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

function base62Fixed(value: number, width: number): string {
  let n = value;
  let out = '';
  for (let i = 0; i < width; i++) {
    out = ALPHABET[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

function checksum(text: string): string {
  return base62Fixed(crc32(text) >>> 0, CHECK_LENGTH);
}

export function generateKey(word: string, environment: KeyEnvironment): { key: string; parsed: ParsedKey } {
  const head = `${word}_${environment}_${randomBase62(KEY_BODY_LENGTH)}`;
  const key = head + checksum(head);
  return { key, parsed: parseKey(key)! };
}

/** No key is longer: anything longer is refused before it is hashed or parsed. */
export const MAX_KEY_LENGTH = 200;

/** Returns null for anything that is not a well-formed key with a valid checksum. */
export function parseKey(key: string): ParsedKey | null {
  if (key.length > MAX_KEY_LENGTH) return null;
  const m = KEY_PATTERN.exec(key);
  if (!m) return null;
  const head = key.slice(0, -CHECK_LENGTH);
  const check = key.slice(-CHECK_LENGTH);
  const expected = checksum(head);
  if (!timingSafeEqual(Buffer.from(check), Buffer.from(expected))) return null;
  const [, word, environment, body] = m;
  return {
    word,
    environment: environment as KeyEnvironment,
    displayPrefix: `${word}_${environment}_${body.slice(0, DISPLAY_BODY_CHARS)}`,
  };
}

/**
 * One-shot hashing skips a Hash object per call (every request digests its key): Node.js 20.12
 * and later; `engines` allows any 20, so older ones take the stream API.
 */
const oneShot = crypto.hash as typeof crypto.hash | undefined;

export function digestKey(key: string): string {
  return oneShot ? oneShot('sha256', key, 'hex') : createHash('sha256').update(key, 'utf8').digest('hex');
}

export function digestsEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'hex');
  const bb = Buffer.from(b, 'hex');
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}
