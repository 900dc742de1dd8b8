import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * AES-256-GCM sealing. A sealed blob is `format(1) | iv(12) | ciphertext | tag(16)`. The tag
 * length is fixed at 16 bytes on both sides: GCM would otherwise accept a truncated tag, which
 * weakens the authentication to as little as 32 bits.
 */
const FORMAT = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class DecryptionError extends Error {
  constructor() {
    super('ciphertext failed authentication');
  }
}

export function seal(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([FORMAT]), iv, body, cipher.getAuthTag()]);
}

export function open(key: Buffer, blob: Buffer, aad: string): Buffer {
  if (blob.length < 1 + IV_BYTES + TAG_BYTES || blob[0] !== FORMAT) throw new DecryptionError();
  const iv = blob.subarray(1, 1 + IV_BYTES);
  const tag = blob.subarray(blob.length - TAG_BYTES);
  const body = blob.subarray(1 + IV_BYTES, blob.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new DecryptionError();
  }
}

/** A master key's public name: which key wrapped a record, without revealing anything of it. */
export const masterKeyId = (key: Buffer) => createHash('sha256').update('tenantry-master-key:').update(key).digest('hex').slice(0, 16);

/**
 * The master keys this process knows: the current one wraps new data keys; previous ones (during
 * a rotation) still unwrap the records not yet re-wrapped.
 */
export class Keyring {
  readonly currentId: string;
  private readonly keys = new Map<string, Buffer>();

  constructor(current: Buffer, previous: Buffer[] = []) {
    for (const k of [current, ...previous]) {
      if (k.length !== 32) throw new Error('master keys must be 32 bytes');
      this.keys.set(masterKeyId(k), k);
    }
    this.currentId = masterKeyId(current);
  }

  get current(): Buffer {
    return this.keys.get(this.currentId)!;
  }

  /**
   * Whether this keyring may seal new data keys while `pinnedId` is the master key in use: it is
   * this keyring's current key, or one of its previous keys (this keyring is rotating away from it).
   */
  mayFollow(pinnedId: string): boolean {
    return this.keys.has(pinnedId);
  }

  get(id: string): Buffer {
    const key = this.keys.get(id);
    if (!key) throw new Error(`master key ${id} is not configured (set it in TENANTRY_PREVIOUS_MASTER_KEYS)`);
    return key;
  }
}

export const masterKeyPath = (dataDir: string) => path.join(dataDir, 'master.key');

/**
 * Without TENANTRY_MASTER_KEY (development only: production refuses to start), a key is
 * generated once into the data directory, readable by its owner only.
 */
export function masterKeyFromFile(dataDir: string): Buffer {
  const file = masterKeyPath(dataDir);
  if (fs.existsSync(file)) {
    const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} does not hold a base64 32-byte key`);
    return key;
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  fs.writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}
