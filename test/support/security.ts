import type { InjectOptions } from 'fastify';
import type { DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Harness, Registered } from './harness';

/**
 * One protected operation as seen through one door. `call` makes the request with `key` (or
 * none) against `target`, the tenant whose data it addresses.
 */
export interface ProtectedOperation {
  name: string;
  /** The scope the operation needs; a key with only an unrelated scope must be refused. */
  scope: string;
  rest?: (target: Registered, h: Harness) => Promise<InjectOptions> | InjectOptions;
  graphql?: (target: Registered, h: Harness) => Promise<{ doc: DocumentNode; variables?: any }> | { doc: DocumentNode; variables?: any };
  /** REST status on success. */
  okStatus?: number;
  /** Asserts that a key of `attacker` used against `victim` neither reads nor changes victim's data. */
  crossTenant: (h: Harness, attacker: Registered, victim: Registered) => Promise<void>;
  /** Optional extra check after a successful REST call with the right scope. */
  verify?: (h: Harness, target: Registered, response: any) => Promise<void> | void;
  verifyGraphql?: (h: Harness, target: Registered, data: any) => Promise<void> | void;
}

const UNRELATED_SCOPE = 'memory:read';
const OPERATOR_SCOPE = 'platform:admin';

/** A key with exactly the operation's scope (an operator key for operator operations). */
const rightKey = (h: Harness, op: ProtectedOperation, target: Registered) =>
  op.scope === OPERATOR_SCOPE ? h.operatorKey() : h.keyWith(target, [op.scope]);

/**
 * A key without it. For operator operations, the strongest tenant key there is (`tenant:admin`),
 * of a tenant of its own: the target may be suspended or deleted by the operation's setup.
 */
const wrongKey = async (h: Harness, op: ProtectedOperation, target: Registered) =>
  op.scope === OPERATOR_SCOPE ? (await h.register()).key : h.keyWith(target, [UNRELATED_SCOPE]);

async function restCall(h: Harness, op: ProtectedOperation, target: Registered, key?: string) {
  const req = await op.rest!(target, h);
  return h.app.inject({ ...req, headers: { ...(req.headers ?? {}), ...(key ? { authorization: `Bearer ${key}` } : {}) } });
}

async function gqlCall(h: Harness, op: ProtectedOperation, target: Registered, key?: string) {
  const { doc, variables } = await op.graphql!(target, h);
  return h.gql(doc, variables, key);
}

/** The four security tests every protected operation gets: no key, wrong scope, other tenant, right scope. */
export function securityTests(h: Harness, op: ProtectedOperation) {
  describe(`${op.name} security`, () => {
    if (op.rest) {
      it('REST: no key answers 401', async () => {
        const target = await h.register();
        const res = await restCall(h, op, target);
        expect(res.statusCode).toBe(401);
        expect(res.json()).toEqual({ error: 'Unauthorized', message: 'Missing or invalid API key' });
      });

      it('REST: a key without the scope answers 403 naming it', async () => {
        const target = await h.register();
        const key = await wrongKey(h, op, target);
        const res = await restCall(h, op, target, key);
        expect(res.statusCode).toBe(403);
        expect(res.json()).toMatchObject({ error: 'Forbidden', message: `API key lacks required scope: ${op.scope}` });
      });

      it('REST: a key with exactly the scope succeeds', async () => {
        const target = await h.register();
        const key = await rightKey(h, op, target);
        const res = await restCall(h, op, target, key);
        expect(res.statusCode, res.body).toBe(op.okStatus ?? 200);
        await op.verify?.(h, target, res.json());
      });
    }
    if (op.graphql) {
      it('GraphQL: no key is UNAUTHENTICATED', async () => {
        const target = await h.register();
        const res = await gqlCall(h, op, target);
        expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
        // No data: null, or (for a nullable field) the field itself null.
        expect(Object.values(res.data ?? {}).every((v) => v === null)).toBe(true);
      });

      it('GraphQL: a key without the scope is FORBIDDEN', async () => {
        const target = await h.register();
        const key = await wrongKey(h, op, target);
        const res = await gqlCall(h, op, target, key);
        expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect(res.errors?.[0]?.message).toBe(`API key lacks required scope: ${op.scope}`);
      });

      it('GraphQL: a key with exactly the scope succeeds', async () => {
        const target = await h.register();
        const key = await rightKey(h, op, target);
        const res = await gqlCall(h, op, target, key);
        expect(res.errors).toBeUndefined();
        expect(res.data).toBeTruthy();
        await op.verifyGraphql?.(h, target, res.data);
      });
    }
    it("another tenant's key can neither read nor change this tenant's data", async () => {
      const victim = await h.register();
      const attacker = await h.register();
      await op.crossTenant(h, attacker, victim);
    });
  });
}
