import * as R from '../../rest/responses';
import { setPasswordSchema } from './session.service';
import { iso, type RestRoute } from '../../rest/route-table';
import { consoleLoginView } from './session.resolver';
import type { ConsoleLogin } from './session.entity';

export function consoleLoginJson(l: ConsoleLogin) {
  const v = consoleLoginView(l);
  return { id: v.id, email: v.email, role: v.role, tenant_id: v.tenantId, password_changed_at: iso(v.passwordChangedAt), created_at: iso(v.createdAt) };
}

export const sessionRoutes: RestRoute[] = [
  {
    method: 'POST',
    path: '/api/v1/console-logins',
    operation: 'setOwnerPassword',
    source: 'added (admin console)',
    input: setPasswordSchema,
    response: R.consoleLogin,
    body: { email: 'email', password: 'password' },
    handle: async (s, ctx, req) => consoleLoginJson(await s.sessions.setOwnerPassword(ctx, req.input)),
  },
  {
    method: 'POST',
    path: '/api/v1/operator-logins',
    operation: 'setOperatorPassword',
    source: 'added (admin console, operators)',
    input: setPasswordSchema,
    response: R.consoleLogin,
    body: { email: 'email', password: 'password' },
    handle: async (s, ctx, req) => consoleLoginJson(await s.sessions.setOperatorPassword(ctx, req.input)),
  },
];
