import { z } from 'zod';
import { httpUrl, WEBHOOK_EVENT_PATTERN } from '../tenants/tenant-settings';
import { SECRET_NAME } from '../secrets/secret.service';

/**
 * The gateway's tenant configuration document (reference 002: routes, credentials, rateLimit,
 * cache, webhooks), validated field by field. Credentials name secrets; they never hold values.
 */
const int = (min: number, max: number) =>
  z.number({ error: 'must be a number' }).int('must be an integer').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

const routePath = z
  .string({ error: 'must be a string' })
  .max(512, 'must be at most 512 characters')
  .regex(/^\/[A-Za-z0-9\-._~%!$&'()*+,;=:@/{}]*$/, 'must be a path starting with /');

export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const;

const routeConfig = z.strictObject({
  path: routePath,
  method: z
    .string({ error: 'must be a string' })
    .transform((m) => m.toLowerCase())
    .pipe(z.enum(HTTP_METHODS, { error: `must be one of ${HTTP_METHODS.join(', ')}` })),
  description: z.string({ error: 'must be a string' }).max(1000, 'must be at most 1000 characters').optional(),
  target: httpUrl.optional(),
  auth: z.boolean({ error: 'must be true or false' }).optional(),
  timeoutMs: int(1, 300_000).optional(),
});

const secretRef = z.string({ error: 'must be a string' }).regex(SECRET_NAME, 'must name a secret (UPPER_SNAKE_CASE)');

const credential = z.strictObject({
  type: z.enum(['bearer', 'basic', 'header', 'query'], { error: 'must be bearer, basic, header or query' }),
  secret: secretRef,
  name: z.string({ error: 'must be a string' }).regex(/^[A-Za-z][A-Za-z0-9_-]{0,127}$/, 'must be a header or parameter name').optional(),
});

const rateWindow = z.strictObject({
  max: int(1, 10_000_000),
  windowMs: int(1000, 86_400_000).optional(),
});

export const configSchema = z
  .strictObject(
    {
      routes: z.array(routeConfig, { error: 'must be an array' }).max(500, 'at most 500 routes').optional(),
      credentials: z
        .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'credential names use letters, digits, _ and -'), credential, {
          error: 'must be an object of named credentials',
        })
        .refine((c) => Object.keys(c).length <= 100, 'at most 100 credentials')
        .optional(),
      rateLimit: z
        .strictObject({
          enabled: z.boolean({ error: 'must be true or false' }),
          default: rateWindow.optional(),
          routes: z.record(routePath, rateWindow, { error: 'must be an object keyed by route path' }).optional(),
        })
        .optional(),
      cache: z
        .strictObject({
          enabled: z.boolean({ error: 'must be true or false' }),
          ttlSeconds: int(0, 86_400).optional(),
          maxEntries: int(1, 1_000_000).optional(),
        })
        .optional(),
      webhooks: z
        .array(
          z.strictObject({
            url: httpUrl,
            events: z
              .array(z.string({ error: 'must be a string' }).regex(WEBHOOK_EVENT_PATTERN, 'must look like "resource.action"'), { error: 'must be an array' })
              .min(1, 'must name at least one event')
              .max(100, 'at most 100 events'),
            secret: secretRef.optional(),
            enabled: z.boolean({ error: 'must be true or false' }).optional(),
          }),
          { error: 'must be an array' },
        )
        .max(20, 'at most 20 webhooks')
        .optional(),
    },
    { error: 'must be a configuration object' },
  )
  .superRefine((doc, ctx) => {
    const seen = new Set<string>();
    doc.routes?.forEach((r, i) => {
      const id = `${r.method} ${r.path}`;
      if (seen.has(id)) ctx.addIssue({ code: 'custom', path: ['routes', i], message: `duplicates ${id.toUpperCase()}` });
      seen.add(id);
    });
  });

export type TenantConfigDocument = z.output<typeof configSchema>;
