/**
 * The events Tenantry emits, and where they come from. Data-plane services publish their own
 * (`memory.ingested`, `conversation.created`...) with `publishEvent`; the control plane's types
 * below are reserved.
 */
export const EVENT_CATALOG = {
  'tenant.updated': 'A tenant changed (name, settings, plan, quota...)',
  'tenant.suspended': 'A tenant was suspended: its keys answer 403',
  'tenant.reactivated': 'A suspended tenant was reactivated',
  'tenant.deleted': 'A tenant was deleted (soft); its keys were revoked',
  'api_key.created': 'An API key was created',
  'api_key.revoked': 'An API key was revoked (also when reported leaked)',
  'api_key.rotated': 'An API key was rotated; the old one works until its grace period ends',
  'config.updated': 'The gateway configuration was saved or rolled back',
  'secret.updated': 'A secret was stored or replaced (never its value)',
  'secret.deleted': 'A secret was deleted',
  'role.created': 'An end-user role was created',
  'role.updated': 'An end-user role changed',
  'role.deleted': 'An end-user role was deleted',
  'role.assigned': "An end-user's roles changed",
  'rbac.updated': 'RBAC was enabled or disabled, or its default role changed',
  'limit.threshold_reached': 'Usage reached 80% of a limit (once per window)',
  'limit.exceeded': 'Usage reached 100% of a limit (once per window)',
  'webhook.disabled': 'A webhook endpoint was disabled after failing for a day',
} as const;

export type ControlPlaneEvent = keyof typeof EVENT_CATALOG;

/** Audit actions that are also events, and the event each one is. */
export const EVENT_FOR_ACTION: Record<string, ControlPlaneEvent> = {
  'tenant.updated': 'tenant.updated',
  'tenant.suspended': 'tenant.suspended',
  'tenant.reactivated': 'tenant.reactivated',
  'tenant.deleted': 'tenant.deleted',
  'api_key.created': 'api_key.created',
  'api_key.revoked': 'api_key.revoked',
  'api_key.leak_revoked': 'api_key.revoked',
  'api_key.rotated': 'api_key.rotated',
  'config.saved': 'config.updated',
  'config.rolled_back': 'config.updated',
  'secret.stored': 'secret.updated',
  'secret.updated': 'secret.updated',
  'secret.deleted': 'secret.deleted',
  'role.created': 'role.created',
  'role.updated': 'role.updated',
  'role.deleted': 'role.deleted',
  'role_assignment.set': 'role.assigned',
  'rbac.updated': 'rbac.updated',
  'webhook.auto_disabled': 'webhook.disabled',
};

/** Data-plane event names: `resource.action`, lowercase. */
export const PUBLISHED_EVENT = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
