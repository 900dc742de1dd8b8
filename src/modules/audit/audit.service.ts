import type { EntityManager } from '@mikro-orm/postgresql';
import { isIP } from 'node:net';
import { z } from 'zod';
import type { ServiceContext } from '../../context';
import { sweep } from '../../db/sweep';
import { badInput } from '../../errors';
import { afterCursor, decodeCursor, encodeCursor } from '../../pagination';
import { parseInput } from '../../validation';
import { EVENT_FOR_ACTION } from '../events/event-catalog';
import type { EventService } from '../events/event.service';
import { AuditEvent, type ActorType } from './audit-event.entity';

/** Field names whose values never enter an audit entry, whatever the caller passes. */
const REDACTED_FIELDS = new Set(['digest', 'apiKey', 'api_key', 'key', 'value', 'ciphertext', 'wrappedKey', 'password', 'token', 'secret']);
export const REDACTED = '[redacted]';

export type Snapshot = Record<string, unknown> | null;

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId?: string | null;
  /** The tenant the event belongs to (defaults to the acting tenant); null for operator-level events. */
  tenantId?: string | null;
  before?: Snapshot;
  after?: Snapshot;
  /** Record even when before and after are equal (an operation that is a change in itself). */
  always?: boolean;
}

const normalise = (v: unknown): unknown => (v instanceof Date ? v.toISOString() : v === undefined ? null : v);

/**
 * `text` with every web URL in it cut at its query or fragment, where tokens travel (`?api_key=`,
 * `#access_token=`). A URL runs from its scheme to the next whitespace. One pass, each URL read
 * once: a regular expression that looks for the tail from every `http://` went quadratic on a
 * text of repeated schemes (minutes for a megabyte).
 */
function cutUrlTails(text: string): string {
  const scheme = /\b(?:https?|wss?):\/\//gi;
  const rest = /\S*/y;
  let out = '';
  let copied = 0;
  for (let m = scheme.exec(text); m; m = scheme.exec(text)) {
    rest.lastIndex = m.index;
    rest.exec(text);
    const end = rest.lastIndex;
    const tail = text.slice(m.index, end).search(/[?#]/);
    if (tail >= 0) {
      out += text.slice(copied, m.index + tail) + `?${REDACTED}`;
      copied = end;
    }
    scheme.lastIndex = end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * Every URL in a value, at any depth and anywhere in a text, without its query and fragment. A
 * webhook or gateway URL may carry a token in its query string: the configuration must keep it
 * to use it, but the audit trail (readable with `audit:read` alone) and the event sent for the
 * change need not. Only arrays and plain objects are walked; a Date is written as JSON writes it.
 */
function withoutUrlTails(v: unknown): unknown {
  if (typeof v === 'string') return cutUrlTails(v);
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(withoutUrlTails);
  if (v !== null && typeof v === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(v))) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withoutUrlTails(x)]));
  }
  return v;
}

/**
 * `{field: {from, to}}` for the fields that differ, with secret-bearing fields redacted and
 * URLs shown without their query strings. Compared before redaction, so a change of a URL's
 * token alone is still recorded, as a change.
 */
export function diff(before: Snapshot, after: Snapshot): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const k of keys) {
    const from = normalise(before?.[k]);
    const to = normalise(after?.[k]);
    if (JSON.stringify(from) === JSON.stringify(to)) continue;
    out[k] = REDACTED_FIELDS.has(k)
      ? { from: from === null ? null : REDACTED, to: to === null ? null : REDACTED }
      : { from: withoutUrlTails(from), to: withoutUrlTails(to) };
  }
  return out;
}

export const listSchema = z.strictObject({
  first: z.coerce.number({ error: 'must be a number' }).int('must be an integer').min(1, 'must be at least 1').max(200, 'must be at most 200').default(50),
  after: z.string().max(200).nullish(),
  action: z.string().max(100).nullish(),
  actorKeyId: z.uuid({ error: 'must be a UUID' }).nullish(),
  targetType: z.string().max(50).nullish(),
  targetId: z.string().max(200).nullish(),
  tenantId: z.uuid({ error: 'must be a UUID' }).nullish(),
  from: z.union([z.date(), z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time' })]).transform((v) => new Date(v)).nullish(),
  to: z.union([z.date(), z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time' })]).transform((v) => new Date(v)).nullish(),
});

export interface AuditPage {
  events: AuditEvent[];
  hasNextPage: boolean;
  cursorOf(e: AuditEvent): string;
}


export class AuditService {
  constructor(private readonly events?: EventService) {}

  /** Deletes entries older than `before`, in every tenant (TENANTRY_AUDIT_RETENTION_DAYS). */
  sweepOlderThan(em: EntityManager, before: Date, signal?: AbortSignal): Promise<number> {
    return sweep(em, { table: 'audit_events', alias: 'a', from: 'audit_events a', where: 'a.created_at < ?::timestamptz', params: [before] }, signal);
  }

  /**
   * Adds an event to the caller's unit of work: it is written by the same flush, in the same
   * transaction, as the change it describes. Nothing is written when nothing changed.
   */
  record(em: EntityManager, ctx: ServiceContext | null, entry: AuditEntry): AuditEvent | null {
    const changes = entry.before === undefined && entry.after === undefined ? null : diff(entry.before ?? null, entry.after ?? null);
    if (changes && Object.keys(changes).length === 0 && !entry.always) return null;
    const principal = ctx?.principal ?? null;
    const actorType: ActorType = !ctx ? 'system' : !principal ? 'anonymous' : principal.operator ? 'operator' : principal.login ? 'owner' : 'key';
    const tenantId = entry.tenantId === undefined ? (ctx?.tenantId ?? null) : entry.tenantId;
    // A change that is also an event goes to the outbox in the same unit of work, with the same
    // redacted diff: one hook for both, so no change can have one without the other.
    const eventType = EVENT_FOR_ACTION[entry.action];
    if (eventType && tenantId && this.events) {
      this.events.emit(em, tenantId, eventType, {
        target: { type: entry.targetType, id: entry.targetId ?? null },
        changes,
        actor: { type: actorType, key_prefix: principal?.prefix ?? null },
      });
    }
    return em.create(AuditEvent, {
      tenantId,
      actorType,
      // The CLI acts as an operator holding no key (see src/cli/actor.ts): its keyId is empty.
      actorKeyId: principal?.keyId || null,
      actorPrefix: principal?.prefix ?? null,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      changes,
      // Only an address: with a trusted proxy it comes from a header a client can write.
      ip: ctx?.ip && isIP(ctx.ip) ? ctx.ip : null,
      requestId: ctx?.requestId ?? null,
    });
  }

  /** Newest first. Tenant keys see their own tenant's events; operators see all, or one tenant's. */
  async list(ctx: ServiceContext, input: unknown): Promise<AuditPage> {
    const args = parseInput(listSchema, input);
    const where: Record<string, unknown>[] = [];
    if (!ctx.principal?.operator) {
      if (!ctx.tenantId) throw badInput([{ field: 'X-Tenant-ID', message: 'is required' }]);
      where.push({ tenantId: ctx.tenantId });
    } else if (args.tenantId ?? ctx.tenantId) {
      where.push({ tenantId: args.tenantId ?? ctx.tenantId });
    }
    if (args.action) where.push({ action: args.action });
    if (args.actorKeyId) where.push({ actorKeyId: args.actorKeyId });
    if (args.targetType) where.push({ targetType: args.targetType });
    if (args.targetId) where.push({ targetId: args.targetId });
    if (args.from) where.push({ createdAt: { $gte: args.from } });
    if (args.to) where.push({ createdAt: { $lt: args.to } });
    if (args.after) where.push(afterCursor(decodeCursor(args.after)));
    const rows = await ctx.em.find(AuditEvent, where.length ? { $and: where } : {}, {
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      limit: args.first + 1,
    });
    return { events: rows.slice(0, args.first), hasNextPage: rows.length > args.first, cursorOf: encodeCursor };
  }
}
