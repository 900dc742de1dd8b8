import type { Tenant } from './tenant.entity';

/**
 * What each plan allows per month. `-1` means unlimited. Storage comes from the tenant's own
 * `storage_quota` (operators set it per tenant). A plan name the catalog does not know (operators
 * may name any plan) gets the free plan's limits until it is added here.
 */
export const PLANS: Record<string, { apiCalls: number; llmTokens: number }> = {
  free: { apiCalls: 10_000, llmTokens: 100_000 },
  pro: { apiCalls: 100_000, llmTokens: 1_000_000 },
  enterprise: { apiCalls: -1, llmTokens: -1 },
};

export interface TenantLimits {
  apiCalls: number;
  llmTokens: number;
  storage: number;
}

export function limitsOf(tenant: Tenant): TenantLimits {
  const plan = PLANS[tenant.plan] ?? PLANS.free;
  return { ...plan, storage: Number(tenant.storageQuota) };
}
