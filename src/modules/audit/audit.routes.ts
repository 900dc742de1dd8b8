import { listSchema } from './audit.service';
import * as R from '../../rest/responses';
import { iso, type RestRoute } from '../../rest/route-table';
import type { AuditEvent } from './audit-event.entity';

export function auditEventJson(e: AuditEvent) {
  return {
    id: e.id,
    tenant_id: e.tenantId ?? null,
    actor: { type: e.actorType, key_id: e.actorKeyId ?? null, key_prefix: e.actorPrefix ?? null },
    action: e.action,
    target: { type: e.targetType, id: e.targetId ?? null },
    changes: e.changes ?? null,
    ip: e.ip ?? null,
    request_id: e.requestId ?? null,
    created_at: iso(e.createdAt),
  };
}

export const auditRoutes: RestRoute[] = [
  {
    method: 'GET',
    path: '/api/v1/tenant/audit',
    input: listSchema,
    response: R.auditPage,
    operation: 'listAuditEvents',
    source: 'added',
    query: {
      limit: 'first',
      cursor: 'after',
      action: 'action',
      actor_key_id: 'actorKeyId',
      target_type: 'targetType',
      target_id: 'targetId',
      tenant_id: 'tenantId',
      from: 'from',
      to: 'to',
    },
    async handle(s, ctx, req) {
      const page = await s.audit.list(ctx, req.input);
      const last = page.events.at(-1);
      return { events: page.events.map(auditEventJson), next_cursor: page.hasNextPage && last ? page.cursorOf(last) : null };
    },
  },
];
