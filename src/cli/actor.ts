import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { PLATFORM_ADMIN } from '../auth/scopes';
import type { ServiceContext } from '../context';

/** Who ran the command, as far as the machine knows: the audit trail's actor prefix is `cli:<user>`. */
function localUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    // A container's user may have no passwd entry.
    return process.env.USER ?? String(process.getuid?.() ?? 'unknown');
  }
}

/**
 * The CLI acts as an operator: whoever can run it holds the database's credentials, which is
 * more than `platform:admin`. It holds no key, so audit entries show actor `operator`, no key
 * id, and the prefix `cli:<user>`; the request id ties one command's entries together.
 */
export function cliContext(em: EntityManager): ServiceContext {
  return {
    em,
    requestId: `cli-${randomUUID()}`,
    ip: '',
    principal: {
      keyId: '',
      prefix: `cli:${localUser()}`.slice(0, 32),
      keyTenantId: null,
      scopes: [PLATFORM_ADMIN],
      environment: 'live',
      expiresAt: null,
      operator: true,
    },
    tenantId: null,
  };
}
