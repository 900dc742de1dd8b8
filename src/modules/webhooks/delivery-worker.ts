import { asPlatform } from '../../db/tenant-scope';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { AuditService } from '../audit/audit.service';
import type { SecretService } from '../secrets/secret.service';
import type { SendResult, WebhookSender } from './sender';
import { signatureHeader } from './signature';
import { matchesFilter, secretAad, TENANT_DELETED } from './webhook.service';

/**
 * Delays before each retry. Jitter only ever lengthens a delay, so the schedule always spans
 * more than DISABLE_AFTER_SECONDS: a delivery that fails every attempt disables its endpoint.
 * 11 attempts over about 26 hours.
 */
export const RETRY_DELAYS_SECONDS = [5, 30, 120, 600, 1800, 3600, 7200, 14400, 28800, 36000];
export const DISABLE_AFTER_SECONDS = 24 * 3600;

export interface WorkerOptions {
  retryDelaysSeconds?: number[];
  /** Each delay is stretched by a random 0..jitter fraction, so failed receivers are not hit in waves. */
  jitter?: number;
  disableAfterSeconds?: number;
  /** Sends in flight at once, at most (and deliveries claimed by one `deliverDue`). */
  batch?: number;
  /**
   * Sends in flight at once to one endpoint, at most: a slow receiver holds that many of the
   * worker's sends, never all of them.
   */
  perEndpoint?: number;
  pollIntervalMs?: number;
  /** Claims that sends ending trigger start at least this far apart. */
  claimGapMs?: number;
  /** How long a claimed delivery is reserved for its sender; longer than any send can take. */
  leaseSeconds?: number;
}

/**
 * The one event a deleted tenant's endpoints still receive: deleting disables them in the same
 * transaction, and this tells the receiver why nothing else will come.
 */
const FINAL_EVENT = 'tenant.deleted';

/** Events one dispatch fans out, at most. */
const DISPATCH_LIMIT = 500;

interface Claimed {
  /** Why this delivery cannot be sent (recorded as a failed attempt, retried like any other). */
  problem?: string;
  id: string;
  tenant_id: string;
  endpoint_id: string;
  attempts: number;
  url: string;
  secrets: string[];
  body: string;
  event_id: string;
}

/**
 * Turns outbox events into deliveries and sends them. Runs in every server process; instances
 * share the work through row locks (FOR UPDATE SKIP LOCKED), never through a leader. At least
 * once: an instance that dies mid-send leaves a lease that expires, and the delivery is sent
 * again with the same webhook-id, which receivers use to deduplicate.
 */
export class DeliveryWorker {
  private timer?: NodeJS.Timeout;
  /** The claim in progress, if any. */
  private pass?: Promise<void>;
  /** Sends under way, each until its outcome is recorded; per endpoint as well. */
  private readonly inFlight = new Set<Promise<void>>();
  private readonly perEndpointInFlight = new Map<string, number>();
  /** Every slot was busy when the last claim ended: the next send to end claims again. */
  private saturated = false;
  /** A send ended while a claim was under way. */
  private again = false;
  private timerAt = 0;
  private lastClaim = -Infinity;
  private lastDispatch = -Infinity;
  /** The last dispatch found a full batch of events: more are waiting. */
  private dispatchBacklog = false;
  private stopped = true;
  private readonly delays: number[];
  private readonly jitter: number;
  private readonly disableAfter: number;
  private readonly batch: number;
  private readonly perEndpoint: number;
  private readonly pollMs: number;
  private readonly claimGapMs: number;
  private readonly lease: number;

  constructor(
    private readonly orm: MikroORM,
    private readonly secrets: SecretService,
    private readonly audit: AuditService,
    private readonly sender: WebhookSender,
    private readonly onError: (err: unknown) => void,
    options: WorkerOptions & { timeoutSeconds: number },
  ) {
    this.delays = options.retryDelaysSeconds ?? RETRY_DELAYS_SECONDS;
    this.jitter = options.jitter ?? 0.2;
    this.disableAfter = options.disableAfterSeconds ?? DISABLE_AFTER_SECONDS;
    this.batch = options.batch ?? 32;
    this.perEndpoint = options.perEndpoint ?? 4;
    this.pollMs = options.pollIntervalMs ?? 1000;
    this.claimGapMs = options.claimGapMs ?? 50;
    this.lease = options.leaseSeconds ?? options.timeoutSeconds * 2 + 5;
  }

  /**
   * Keeps up to `batch` sends in flight: as each finishes, the next due delivery is claimed, so a
   * receiver that takes its full timeout holds one slot (at most `perEndpoint`), not the others.
   */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Waits for the claim and every send in flight: a send is finished and recorded, not cut off. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.pass;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Claims again after `ms`, or sooner if that is already planned. */
  private schedule(ms: number): void {
    if (this.stopped) return;
    // A claim is under way: it looks again as soon as it ends.
    if (this.pass) {
      this.again = true;
      return;
    }
    // The monotonic clock: a wall clock stepped back (NTP, a resumed VM) must not stall claims.
    const at = performance.now() + ms;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.fill(), ms);
  }

  /**
   * Claims again as soon as the pacing allows: a claim may scan past the due deliveries of
   * endpoints at their cap, so sends that end in quick succession share one claim.
   */
  private soon(): void {
    this.schedule(Math.min(this.claimGapMs, Math.max(0, this.lastClaim + this.claimGapMs - performance.now())));
  }

  /**
   * Dispatches new events (once per poll interval, or at once while a backlog remains), then
   * claims due deliveries for the free slots and starts them.
   */
  private fill(): void {
    this.timer = undefined;
    this.lastClaim = performance.now();
    // Every tenant's deliveries, whichever context started the worker.
    this.pass = asPlatform(async () => {
      if (this.dispatchBacklog || performance.now() - this.lastDispatch >= this.pollMs) {
        this.lastDispatch = performance.now();
        this.dispatchBacklog = (await this.dispatch().catch((err) => (this.onError(err), 0))) >= DISPATCH_LIMIT;
      }
      const free = this.batch - this.inFlight.size;
      if (free <= 0) return false;
      const claimed = await this.claim(free).catch((err) => (this.onError(err), []));
      for (const c of claimed) this.track(c);
      // All the free slots filled: more may be waiting.
      return claimed.length === free || this.dispatchBacklog;
    })
      .catch((err) => (this.onError(err), false))
      .then((more) => {
        this.pass = undefined;
        this.saturated = this.inFlight.size >= this.batch;
        const again = this.again;
        this.again = false;
        // Saturated: the next send to end claims again (see track). Otherwise go on at once
        // while more is waiting (or a send ended meanwhile), or poll.
        if (!this.saturated) {
          if (more || again) this.soon();
          else this.schedule(this.pollMs);
        }
      });
  }

  private track(c: Claimed): void {
    this.perEndpointInFlight.set(c.endpoint_id, (this.perEndpointInFlight.get(c.endpoint_id) ?? 0) + 1);
    const send: Promise<void> = this.deliver(c).finally(() => {
      this.inFlight.delete(send);
      const had = this.perEndpointInFlight.get(c.endpoint_id)!;
      if (had > 1) this.perEndpointInFlight.set(c.endpoint_id, had - 1);
      else this.perEndpointInFlight.delete(c.endpoint_id);
      // A slot is free where claims were held back: every slot was busy, or this endpoint's
      // were (claims skipped its due deliveries), or a claim under way counted this send as
      // still in flight. Claim again now rather than at the poll.
      if (this.saturated || had >= this.perEndpoint || this.pass) {
        this.saturated = false;
        this.soon();
      }
    });
    this.inFlight.add(send);
  }

  async runOnce(): Promise<{ dispatched: number; delivered: number }> {
    // Each half on its own: a failed dispatch must not hold up deliveries already queued.
    const dispatched = await this.dispatch().catch((err) => (this.onError(err), 0));
    const delivered = await this.deliverDue().catch((err) => (this.onError(err), 0));
    return { dispatched, delivered };
  }

  /** Fans undispatched events out into deliveries for the endpoints whose filter they match. */
  async dispatch(limit = DISPATCH_LIMIT): Promise<number> {
    return this.orm.em.fork().transactional(async (em) => {
      const events = await em.execute<{ id: string; tenant_id: string; type: string; occurred_at: Date | string }[]>(
        `select id, tenant_id, type, occurred_at from events where dispatched_at is null
          order by occurred_at limit ? for update skip locked`,
        [limit],
      );
      if (!events.length) return 0;
      const tenants = [...new Set(events.map((e) => e.tenant_id))];
      const endpoints = await em.execute<{ id: string; tenant_id: string; event_types: string[]; created_at: Date | string; status: string }[]>(
        `select id, tenant_id, event_types, created_at, status from webhook_endpoints
          where tenant_id = any(?::uuid[]) and (status = 'active' or disabled_reason = ?)`,
        [pgArray(tenants), TENANT_DELETED],
      );
      const rows: string[][] = [];
      for (const e of events) {
        for (const w of endpoints) {
          // An endpoint receives what happens after it exists, not the tenant's backlog.
          const open = w.status === 'active' || e.type === FINAL_EVENT;
          if (open && w.tenant_id === e.tenant_id && new Date(w.created_at) <= new Date(e.occurred_at) && matchesFilter(w.event_types, e.type)) {
            rows.push([w.tenant_id, w.id, e.id, e.type]);
          }
        }
      }
      if (rows.length) {
        await em.execute(
          `insert into webhook_deliveries (id, tenant_id, endpoint_id, event_id, event_type)
           select gen_random_uuid(), t, w, e, ty from unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::text[]) as x(t, w, e, ty)
           on conflict (endpoint_id, event_id) do nothing`,
          [0, 1, 2, 3].map((i) => pgArray(rows.map((r) => r[i]))),
        );
      }
      await em.execute('update events set dispatched_at = now() where id = any(?::uuid[])', [pgArray(events.map((e) => e.id))]);
      return events.length;
    });
  }

  /** Claims due deliveries, sends them, records each outcome. Returns how many were sent. */
  async deliverDue(): Promise<number> {
    const claimed = await this.claim(this.batch);
    // Settled, not all: every send finishes and is recorded before the round ends (stop() waits
    // for it), whatever happens to another.
    await Promise.allSettled(claimed.map((c) => this.deliver(c)));
    return claimed.length;
  }

  private async deliver(c: Claimed): Promise<void> {
    let result: SendResult;
    if (c.problem) result = { ok: false, statusCode: null, error: c.problem, latencyMs: 0, responseBody: null };
    else {
      try {
        const timestamp = Math.floor(Date.now() / 1000);
        const headers = {
          'webhook-id': c.event_id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signatureHeader(c.secrets, c.event_id, timestamp, c.body),
        };
        result = await this.sender.send(c.url, headers, c.body);
      } catch (err) {
        result = { ok: false, statusCode: null, error: `could not send: ${(err as Error).message}`.slice(0, 300), latencyMs: 0, responseBody: null };
      }
    }
    try {
      await this.record(c, result);
    } catch (err) {
      this.onError(err);
      // The outcome must be recorded, or the lease runs out and the event is sent again and
      // again: once more, without the parts that came from the receiver.
      await this.record(c, { ...result, responseBody: null, error: result.ok ? null : 'the answer could not be stored' }).catch(this.onError);
    }
  }

  /**
   * Claims up to `limit` due deliveries, at most `perEndpoint` per endpoint counting the sends
   * already in flight. Round after round: each skips the endpoints at their cap, so a backlog of
   * one endpoint at the head of the queue yields its few slots and the next round reaches the
   * others.
   */
  private async claim(limit: number): Promise<Claimed[]> {
    const counts = new Map(this.perEndpointInFlight);
    const claimed: Claimed[] = [];
    // Every round but the last caps one more endpoint: they are bounded by the endpoints seen.
    for (let round = 0; round <= limit && claimed.length < limit; round++) {
      const full = [...counts].filter(([, n]) => n >= this.perEndpoint).map(([id]) => id);
      let got: { claimed: Claimed[]; capped: boolean };
      try {
        got = await this.claimRound(limit - claimed.length, full, counts);
      } catch (err) {
        // Earlier rounds committed their leases: what they claimed is sent, not left to expire.
        this.onError(err);
        break;
      }
      claimed.push(...got.claimed);
      if (!got.capped) break;
    }
    return claimed;
  }

  /**
   * In one short transaction: lock due rows (skipping those another worker holds, and the
   * endpoints in `full`), keep those under their endpoint's cap (`counts`, updated), lease them
   * by moving `next_attempt_at` past any possible send, and read what to send. Rows locked and
   * not kept are free again at commit. The send happens after commit, so no transaction stays
   * open across the network.
   */
  private async claimRound(limit: number, full: string[], counts: Map<string, number>): Promise<{ claimed: Claimed[]; capped: boolean }> {
    return this.orm.em.fork().transactional(async (em) => {
      const due = await em.execute<{ id: string; endpoint_id: string }[]>(
        `select d.id, d.endpoint_id from webhook_deliveries d
           join webhook_endpoints w on w.id = d.endpoint_id and (w.status = 'active' or d.event_type = ?)
          where d.status = 'pending' and d.next_attempt_at <= now() and d.endpoint_id <> all(?::uuid[])
          order by d.next_attempt_at limit ? for update of d skip locked`,
        [FINAL_EVENT, pgArray(full), limit],
      );
      const kept: string[] = [];
      let capped = false;
      for (const d of due) {
        const n = counts.get(d.endpoint_id) ?? 0;
        if (n >= this.perEndpoint) {
          capped = true;
          continue;
        }
        counts.set(d.endpoint_id, n + 1);
        kept.push(d.id);
      }
      if (!kept.length) return { claimed: [], capped };
      const rows = await em.execute<{ id: string; tenant_id: string; endpoint_id: string; event_id: string; attempts: number }[]>(
        `update webhook_deliveries d set attempts = d.attempts + 1, last_attempt_at = now(),
                next_attempt_at = now() + make_interval(secs => ?), updated_at = now()
          where d.id = any(?::uuid[])
         returning d.id, d.tenant_id, d.endpoint_id, d.event_id, d.attempts`,
        [this.lease, pgArray(kept)],
      );
      if (!rows.length) return { claimed: [], capped };
      const endpoints = await em.execute<{ id: string; url: string; secret: Buffer; previous_secret: Buffer | null; previous_secret_expires_at: Date | string | null }[]>(
        'select id, url, secret, previous_secret, previous_secret_expires_at from webhook_endpoints where id = any(?::uuid[])',
        [pgArray([...new Set(rows.map((r) => r.endpoint_id))])],
      );
      const events = await em.execute<{ id: string; tenant_id: string; type: string; occurred_at: Date | string; data: Record<string, unknown> }[]>(
        'select id, tenant_id, type, occurred_at, data from events where id = any(?::uuid[])',
        [pgArray([...new Set(rows.map((r) => r.event_id))])],
      );
      const out: Claimed[] = [];
      for (const row of rows) {
        const w = endpoints.find((x) => x.id === row.endpoint_id);
        const e = events.find((x) => x.id === row.event_id);
        // Deleted since the claim's first statement: its delivery row goes with it.
        if (!w || !e) continue;
        const payload = { type: e.type, id: e.id, tenant_id: e.tenant_id, occurred_at: new Date(e.occurred_at).toISOString(), data: e.data };
        const claimed: Claimed = { ...row, url: w.url, secrets: [], body: JSON.stringify(payload) };
        out.push(claimed);
        const secrets = claimed.secrets;
        try {
          secrets.push(await this.secrets.openFor(em, row.tenant_id, w.secret, secretAad(row.tenant_id, w.id)));
          // Raw rows carry timestamps as the driver parses them: compare as dates, whatever the type.
          if (w.previous_secret && w.previous_secret_expires_at && new Date(w.previous_secret_expires_at) > new Date()) {
            secrets.push(await this.secrets.openFor(em, row.tenant_id, w.previous_secret, secretAad(row.tenant_id, w.id)));
          }
        } catch {
          // One unreadable secret (a master key missing from the keyring) must not stall the
          // others: this delivery fails its attempt, and backs off, like any failed send; the
          // delivery log says why.
          claimed.problem = 'signing secret unavailable (master key not configured?)';
        }
      }
      return { claimed: out, capped };
    });
  }

  /** The attempt goes to the log; the delivery succeeds, waits for its next try, or gives up. */
  private async record(c: Claimed, r: SendResult): Promise<void> {
    await this.orm.em.fork().transactional(async (em) => {
      // Lock order, everywhere: tenant, then endpoint, then deliveries. API changes lock the
      // tenant row first; the attempt row's foreign key would take a share lock on it later.
      await em.execute('select 1 from tenants where id = ? for key share', [c.tenant_id]);
      const [endpoint] = r.ok
        ? await em.execute<{ status: string; failing_for: number }[]>(
            'update webhook_endpoints set failing_since = null where id = ? and failing_since is not null returning status, 0::float8 as failing_for',
            [c.endpoint_id],
          )
        : await em.execute<{ status: string; failing_for: number }[]>(
            `update webhook_endpoints set failing_since = coalesce(failing_since, now()) where id = ?
             returning status, extract(epoch from now() - failing_since)::float8 as failing_for`,
            [c.endpoint_id],
          );
      await em.execute(
        `insert into webhook_attempts (id, tenant_id, delivery_id, attempt, started_at, success, status_code, latency_ms, error, response_body)
         select gen_random_uuid(), ?, ?, ?, now() - make_interval(secs => ?), ?, ?, ?, ?, ?
          where exists (select 1 from webhook_deliveries where id = ?)`,
        // The endpoint (and its deliveries) may have been deleted while the request was out.
        [c.tenant_id, c.id, c.attempts, r.latencyMs / 1000, r.ok, r.statusCode, r.latencyMs, r.error?.slice(0, 500) ?? null, r.responseBody, c.id],
      );
      const delay = r.ok ? null : this.nextDelay(c.attempts);
      const status = r.ok ? 'succeeded' : delay === null ? 'failed' : 'pending';
      // `attempts = ?`: a worker whose lease ran out (and whose delivery was re-claimed since)
      // must not overwrite the newer attempt's state.
      await em.execute(
        `update webhook_deliveries set status = ?, next_attempt_at = now() + make_interval(secs => ?),
                last_status_code = ?, last_latency_ms = ?, last_error = ?, updated_at = now()
          where id = ? and attempts = ? and status = 'pending'`,
        [status, delay ?? 0, r.statusCode, r.latencyMs, r.error?.slice(0, 500) ?? null, c.id, c.attempts],
      );
      if (!r.ok && endpoint?.status === 'active' && endpoint.failing_for >= this.disableAfter) await this.disable(em, c, endpoint.failing_for);
    });
  }

  /** Failing for a day: the endpoint stops receiving, and a `webhook.disabled` event says so. */
  private async disable(em: EntityManager, c: Claimed, failingFor: number): Promise<void> {
    const reason = `every attempt failed for ${Math.round(failingFor / 3600)} hours`;
    await em.execute(`update webhook_endpoints set status = 'disabled', disabled_reason = ?, updated_at = now() where id = ?`, [reason, c.endpoint_id]);
    await em.execute(
      `update webhook_deliveries set status = 'cancelled', last_error = 'endpoint disabled', updated_at = now()
        where endpoint_id = ? and status = 'pending'`,
      [c.endpoint_id],
    );
    this.audit.record(em, null, {
      action: 'webhook.auto_disabled',
      targetType: 'webhook',
      targetId: c.endpoint_id,
      tenantId: c.tenant_id,
      before: { status: 'active' },
      after: { status: 'disabled', disabledReason: reason },
    });
    await em.flush();
  }

  /** Seconds until the next attempt after `attempts` failed ones, or null when none is left. */
  private nextDelay(attempts: number): number | null {
    const base = this.delays[attempts - 1];
    if (base === undefined) return null;
    return base * (1 + Math.random() * this.jitter);
  }
}

/** A PostgreSQL array literal of values that are uuids or event names (no quoting needed). */
const pgArray = (values: string[]) => `{${values.join(',')}}`;
