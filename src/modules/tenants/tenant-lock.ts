import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { notFound } from '../../errors';
import { Tenant } from './tenant.entity';

/**
 * Locks the (not deleted) tenant's row for the rest of the transaction. Every change that must
 * be exact per tenant (caps, versions, upserts of one name) serialises on this one lock.
 */
export async function lockTenant(em: EntityManager, tenantId: string): Promise<Tenant> {
  const tenant = await em.findOne(Tenant, { id: tenantId, deletedAt: null }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!tenant) throw notFound('Tenant');
  return tenant;
}
