import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { digestKey, digestsEqual, generateKey, KEY_BODY_LENGTH, parseKey } from '../src/auth/key-format';

describe('API key format', () => {
  it('generates rk_<env>_ + 40 base62 + 6-character checksum, and parses it back', () => {
    const { key, parsed } = generateKey('rk', 'live');
    expect(key).toMatch(new RegExp(`^rk_live_[0-9A-Za-z]{${KEY_BODY_LENGTH + 6}}$`));
    expect(parsed).toEqual({ word: 'rk', environment: 'live', displayPrefix: key.slice(0, 12) });
    expect(parseKey(key)).toEqual(parsed);
    expect(generateKey('acme', 'test').key).toMatch(/^acme_test_/);
  });

  it('refuses every single-character typo through the checksum', () => {
    const { key } = generateKey('rk', 'live');
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
    let tried = 0;
    for (let i = 'rk_live_'.length; i < key.length; i++) {
      const replacement = alphabet[(alphabet.indexOf(key[i]) + 1 + (i % 61)) % 62];
      const typo = key.slice(0, i) + replacement + key.slice(i + 1);
      expect(parseKey(typo), `typo at ${i}`).toBeNull();
      tried++;
    }
    expect(tried).toBe(46);
  });

  it('refuses malformed keys', () => {
    const { key } = generateKey('rk', 'live');
    for (const bad of ['', 'rk_live_', 'rk_prod_' + key.slice(8), key.slice(0, -1), key + 'A', key.replace('rk_', 'RK_'), 'x'.repeat(500)]) {
      expect(parseKey(bad)).toBeNull();
    }
  });

  it('keys are unique and digests compare in constant time', () => {
    const keys = new Set(Array.from({ length: 2000 }, () => generateKey('rk', 'live').key));
    expect(keys.size).toBe(2000);
    const { key } = generateKey('rk', 'live');
    expect(digestKey(key)).toMatch(/^[0-9a-f]{64}$/);
    // The one-shot digest is the SHA-256 the database has always stored.
    expect(digestKey(key)).toBe(createHash('sha256').update(key, 'utf8').digest('hex'));
    expect(digestsEqual(digestKey(key), digestKey(key))).toBe(true);
    expect(digestsEqual(digestKey(key), digestKey(key + 'x'))).toBe(false);
  });

  it('spreads body characters over the whole alphabet (no modulo bias toward low characters)', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 500; i++) {
      for (const c of generateKey('rk', 'live').key.slice(8, 48)) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    expect(counts.size).toBe(62);
    const values = [...counts.values()];
    // 20,000 draws over 62 symbols: ~322 each; a biased generator skews by far more than this.
    expect(Math.min(...values)).toBeGreaterThan(230);
    expect(Math.max(...values)).toBeLessThan(420);
  });
});
