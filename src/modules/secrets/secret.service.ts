import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { requireTenant, type ServiceContext } from '../../context';
import { ConfigError } from '../../config';
import { AppError, conflict, notFound, RETRY_AFTER_SECONDS } from '../../errors';
import { parseInput } from '../../validation';
import type { AuditService } from '../audit/audit.service';
import { Tenant } from '../tenants/tenant.entity';
import { open, seal, type Keyring } from './envelope';
import { Secret, TenantDataKey } from './secret.entity';
import { lockTenant } from '../tenants/tenant-lock';

export const SECRET_NAME = /^[A-Z][A-Z0-9_]{0,127}$/;
export const MAX_SECRET_BYTES = 64 * 1024;
export const MAX_SECRETS_PER_TENANT = 1000;

const secretName = z.string({ error: 'must be a string' }).regex(SECRET_NAME, 'must be UPPER_SNAKE_CASE: A-Z, 0-9 and _, starting with a letter, at most 128');

export const storeSchema = z.strictObject({
  name: secretName,
  value: z
    .string({ error: 'must be a string' })
    .min(1, 'must not be empty')
    .refine((v) => Buffer.byteLength(v, 'utf8') <= MAX_SECRET_BYTES, `must be at most ${MAX_SECRET_BYTES} bytes`),
});

const dataKeyAad = (tenantId: string) => `tenantry:data-key:v1:${tenantId}`;
const secretAad = (tenantId: string, name: string) => `tenantry:secret:v1:${tenantId}:${name}`;

export interface RotationProgress {
  rewrapped: number;
  remaining: number;
  /** Tenants whose data key could not be opened (unknown master key, damaged record): skipped. */
  failed: string[];
}

/**
 * Tenant secrets: envelope encryption. Each tenant has a random data key, sealed by the master
 * key; each secret is sealed by its tenant's data key with the tenant id and name bound as
 * associated data, so a ciphertext copied to another tenant or name does not open.
 */
export class SecretService {
  constructor(
    private readonly keyring: Keyring,
    private readonly audit: AuditService,
    /** Told when this instance refuses to seal because its master key is not the pinned one. */
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  async list(ctx: ServiceContext): Promise<Secret[]> {
    const tenantId = requireTenant(ctx);
    return ctx.em.find(Secret, { tenant: { id: tenantId, deletedAt: null } }, { orderBy: { name: 'asc' } });
  }

  async store(ctx: ServiceContext, input: unknown): Promise<Secret> {
    const { name, value } = parseInput(storeSchema, input);
    const tenantId = requireTenant(ctx);
    return ctx.em.transactional(async (em) => {
      const tenant = await lockTenant(em, tenantId);
      const dataKey = await this.dataKey(em, tenantId);
      const ciphertext = seal(dataKey, Buffer.from(value, 'utf8'), secretAad(tenantId, name));
      let secret = await em.findOne(Secret, { tenant: tenantId, name });
      const existed = !!secret;
      if (secret) secret.ciphertext = ciphertext;
      else {
        if ((await em.count(Secret, { tenant: tenantId })) >= MAX_SECRETS_PER_TENANT) {
          throw conflict(`A tenant may hold at most ${MAX_SECRETS_PER_TENANT} secrets`);
        }
        secret = em.create(Secret, { tenant, name, ciphertext });
      }
      // The entry records that the value changed, never the value (the diff redacts `value`).
      this.audit.record(em, ctx, {
        action: existed ? 'secret.updated' : 'secret.stored',
        targetType: 'secret',
        targetId: name,
        before: existed ? { value: true } : null,
        after: { value: 'new' },
      });
      await em.flush();
      return secret;
    });
  }

  /** The value, for data-plane services holding `secrets:read`; every read is audited. */
  async read(ctx: ServiceContext, name: string): Promise<string> {
    const tenantId = requireTenant(ctx);
    if (!SECRET_NAME.test(name)) throw notFound('Secret');
    return ctx.em.transactional(async (em) => {
      const secret = await em.findOne(Secret, { tenant: { id: tenantId, deletedAt: null }, name });
      if (!secret) throw notFound('Secret');
      const value = await this.openFor(em, tenantId, secret.ciphertext, secretAad(tenantId, name));
      this.audit.record(em, ctx, { action: 'secret.read', targetType: 'secret', targetId: name });
      await em.flush();
      return value;
    });
  }

  async delete(ctx: ServiceContext, name: string): Promise<Secret> {
    const tenantId = requireTenant(ctx);
    if (!SECRET_NAME.test(name)) throw notFound('Secret');
    return ctx.em.transactional(async (em) => {
      // The tenant row lock orders this against a concurrent store of the same name.
      await lockTenant(em, tenantId);
      const secret = await em.findOne(Secret, { tenant: tenantId, name });
      if (!secret) throw notFound('Secret');
      em.remove(secret);
      this.audit.record(em, ctx, { action: 'secret.deleted', targetType: 'secret', targetId: name, before: { value: true }, after: null });
      await em.flush();
      return secret;
    });
  }

  /**
   * Seals another module's secret material (webhook signing secrets) under the tenant's data
   * key, so a master-key rotation covers it too. `aad` binds it to its owner and purpose.
   */
  async sealFor(em: EntityManager, tenantId: string, plaintext: string, aad: string): Promise<Buffer> {
    return seal(await this.dataKey(em, tenantId), Buffer.from(plaintext, 'utf8'), aad);
  }

  async openFor(em: EntityManager, tenantId: string, blob: Buffer, aad: string): Promise<string> {
    const record = await em.findOneOrFail(TenantDataKey, { tenant: tenantId });
    const dataKey = open(this.keyring.get(record.masterKeyId), record.wrappedKey, dataKeyAad(tenantId));
    return open(dataKey, blob, aad).toString('utf8');
  }

  /** The tenant's data key, created (and sealed by the current master key) on first use. */
  private async dataKey(em: EntityManager, tenantId: string): Promise<Buffer> {
    const record = await em.findOne(TenantDataKey, { tenant: tenantId });
    if (record) return open(this.keyring.get(record.masterKeyId), record.wrappedKey, dataKeyAad(tenantId));
    await this.requirePinned(em);
    const key = randomBytes(32);
    em.create(TenantDataKey, {
      tenant: em.getReference(Tenant, tenantId),
      wrappedKey: seal(this.keyring.current, key, dataKeyAad(tenantId)),
      masterKeyId: this.keyring.currentId,
    });
    return key;
  }

  /**
   * This instance may seal a new data key only with the pinned master key, or while it is
   * configured to rotate away from it (the pinned key among its previous ones: its own is the
   * next). With none pinned yet, its key becomes the pinned one. Runs in the caller's
   * transaction, which holds the pin (FOR SHARE) until it commits: a rotation pinning its new
   * key waits for it, and its scan then finds this data key. Once a rotation has pinned the new
   * key, an instance still configured with the old one refuses here, rather than seal a data key
   * that the rotation did not cover and that would not open once the old key is removed.
   */
  private async requirePinned(em: EntityManager): Promise<void> {
    await em.execute(`insert into master_key_pin (id, master_key_id) values ('current', ?) on conflict (id) do nothing`, [this.keyring.currentId]);
    const [pin] = await em.execute<{ master_key_id: string }[]>(`select master_key_id from master_key_pin where id = 'current' for share`);
    if (this.keyring.mayFollow(pin.master_key_id)) return;
    this.onError(
      new Error(
        `master key ${this.keyring.currentId} (TENANTRY_MASTER_KEY) is not the one in use, ${pin.master_key_id}: ` +
          'this instance refuses to seal new data keys. Configure it as the other instances are (see README: Master key).',
      ),
    );
    throw new AppError('SERVICE_UNAVAILABLE', 'Secrets cannot be sealed by this instance right now; try again shortly', { retryAfter: RETRY_AFTER_SECONDS });
  }

  /**
   * Makes this instance's master key the one that seals new data keys, if it is rotating from the
   * pinned one. A keyring that does not know the pinned key (a mistyped previous key, say) is
   * refused before anything moves: it could re-seal nothing, and instances still on the pinned
   * key would be made to refuse new data keys all the same.
   */
  private async pinCurrentKey(orm: MikroORM): Promise<void> {
    await orm.em.fork().transactional(async (em) => {
      // Waits for transactions sealing under the old pin to commit (they hold it FOR SHARE).
      const [pin] = await em.execute<{ master_key_id: string }[]>(`select master_key_id from master_key_pin where id = 'current' for update`);
      if (pin && !this.keyring.mayFollow(pin.master_key_id)) {
        throw new ConfigError(
          `master key ${pin.master_key_id} seals new data keys, and it is neither TENANTRY_MASTER_KEY nor in TENANTRY_PREVIOUS_MASTER_KEYS: ` +
            'set the key being replaced in TENANTRY_PREVIOUS_MASTER_KEYS (nothing was changed)',
        );
      }
      await em.execute(
        `insert into master_key_pin (id, master_key_id, pinned_at) values ('current', ?, now())
         on conflict (id) do update set master_key_id = excluded.master_key_id, pinned_at = excluded.pinned_at
         where master_key_pin.master_key_id <> excluded.master_key_id`,
        [this.keyring.currentId],
      );
    });
  }

  /**
   * Pins the current master key (see requirePinned), then re-seals data keys still sealed by an
   * older master key with the current one, `batch` at a time, each batch in its own transaction
   * (rows claimed with SKIP LOCKED). Interrupted, it leaves every key sealed by either the old
   * or the new master key, both of which the keyring opens; run again, it carries on where it
   * stopped.
   */
  async rotateMasterKey(orm: MikroORM, options: { batch?: number; maxBatches?: number } = {}): Promise<RotationProgress> {
    // First, so that no data key is sealed by the old key after the scan below has passed it.
    await this.pinCurrentKey(orm);
    const batch = options.batch ?? 500;
    let rewrapped = 0;
    const failed: string[] = [];
    for (let n = 0; options.maxBatches === undefined || n < options.maxBatches; n++) {
      const claimed = await orm.em.fork().transactional(async (em) => {
        const rows = await em.execute<{ tenant_id: string; wrapped_key: Buffer; master_key_id: string }[]>(
          `select tenant_id, wrapped_key, master_key_id from tenant_data_keys
            where master_key_id <> ? and not (tenant_id = any(?::uuid[]))
            order by tenant_id limit ? for update skip locked`,
          [this.keyring.currentId, `{${failed.join(',')}}`, batch],
        );
        for (const row of rows) {
          let key: Buffer;
          try {
            key = open(this.keyring.get(row.master_key_id), row.wrapped_key, dataKeyAad(row.tenant_id));
          } catch {
            // One unreadable record must not stall the rotation of all the others behind it.
            failed.push(row.tenant_id);
            continue;
          }
          await em.execute(
            'update tenant_data_keys set wrapped_key = ?, master_key_id = ?, updated_at = now() where tenant_id = ?',
            [seal(this.keyring.current, key, dataKeyAad(row.tenant_id)), this.keyring.currentId, row.tenant_id],
          );
          this.audit.record(em, null, {
            action: 'secret.data_key_resealed',
            targetType: 'tenant_data_key',
            targetId: row.tenant_id,
            tenantId: row.tenant_id,
            before: { masterKeyId: row.master_key_id },
            after: { masterKeyId: this.keyring.currentId },
          });
          rewrapped++;
        }
        return rows.length;
      });
      if (claimed < batch) break;
    }
    const [{ n }] = await orm.em
      .fork()
      .execute<{ n: number }[]>('select count(*)::int as n from tenant_data_keys where master_key_id <> ?', [this.keyring.currentId]);
    return { rewrapped, remaining: n, failed };
  }
}
