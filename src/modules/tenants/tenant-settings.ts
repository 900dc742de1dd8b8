import { z } from 'zod';

/** The memory API's typed tenant settings, with its defaults and Tenantry's ranges. */
export const SETTINGS_DEFAULTS = {
  retention_days: 30,
  batch_size: 10,
  max_conversations_per_user: 100,
  max_users: 1000,
  encryption_mode: 'platform',
} as const;

export const SETTINGS_RANGES = {
  retention_days: [1, 3650],
  batch_size: [1, 1000],
  max_conversations_per_user: [1, 100000],
  max_users: [1, 10000000],
} as const;

const ranged = (key: keyof typeof SETTINGS_RANGES) => {
  const [min, max] = SETTINGS_RANGES[key];
  return z
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(min, `must be between ${min} and ${max}`)
    .max(max, `must be between ${min} and ${max}`);
};

export const WEBHOOK_EVENT_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/**
 * An absolute http(s) URL, stored in its normalised form (`new URL(v).href`) so both doors, and
 * the GraphQL URL scalar, show the same string.
 */
export const httpUrl = z
  .string({ error: 'must be a string' })
  .max(2048, 'must be at most 2048 characters')
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'https:' || u.protocol === 'http:';
    } catch {
      return false;
    }
  }, 'must be an absolute http(s) URL')
  // Credentials belong in secrets, not in URLs that are stored, shown and audited in clear.
  .refine((v) => {
    try {
      const u = new URL(v);
      return !u.username && !u.password;
    } catch {
      return true;
    }
  }, 'must not contain a user name or password (store credentials as secrets)')
  .transform((v) => new URL(v).href)
  // Normalising percent-encodes: a URL of 2048 characters can grow, and the columns hold 2048.
  .pipe(z.string().max(2048, 'must be at most 2048 characters once percent-encoded'));

/**
 * A settings patch: every key optional, unknown keys refused, `null` clears the optional ones.
 * Used for registration (on top of the defaults) and for updates (merged into what is stored).
 */
export const settingsPatchSchema = z.strictObject(
  {
    retention_days: ranged('retention_days').optional(),
    batch_size: ranged('batch_size').optional(),
    max_conversations_per_user: ranged('max_conversations_per_user').optional(),
    max_users: ranged('max_users').optional(),
    encryption_mode: z.enum(['platform', 'byok'], { error: 'must be "platform" or "byok"' }).optional(),
    webhook_url: httpUrl.nullable().optional(),
    webhook_events: z
      .array(
        z.string({ error: 'must be a string' }).max(100).regex(WEBHOOK_EVENT_PATTERN, 'must look like "resource.action"'),
        { error: 'must be an array of event names' },
      )
      .max(100, 'at most 100 events')
      .refine((a) => new Set(a).size === a.length, 'must not repeat an event')
      .nullable()
      .optional(),
  },
  { error: 'must be an object' },
);

export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

export interface TenantSettings {
  retention_days: number;
  batch_size: number;
  max_conversations_per_user: number;
  max_users: number;
  encryption_mode: 'platform' | 'byok';
  webhook_url?: string;
  webhook_events?: string[];
}

export function mergeSettings(current: TenantSettings, patch: SettingsPatch | undefined): TenantSettings {
  const next: TenantSettings = { ...current };
  for (const [key, value] of Object.entries(patch ?? {})) {
    if (value === undefined) continue;
    if (value === null) delete (next as unknown as Record<string, unknown>)[key];
    else (next as unknown as Record<string, unknown>)[key] = value;
  }
  return next;
}

export const defaultSettings = (): TenantSettings => ({ ...SETTINGS_DEFAULTS });

const SETTINGS_ORDER = [...Object.keys(SETTINGS_DEFAULTS), 'webhook_url', 'webhook_events'] as const;

/** Settings in the reference's key order (jsonb does not keep the order they were written in). */
export function orderedSettings(settings: TenantSettings): TenantSettings {
  const out: Record<string, unknown> = {};
  for (const key of SETTINGS_ORDER) {
    const value = (settings as unknown as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = value;
  }
  return out as unknown as TenantSettings;
}
