import { setSchema } from './tenant-setting.service';
import { z } from 'zod';
import * as R from '../../rest/responses';
import { iso, type RestRoute } from '../../rest/route-table';
import type { TenantSetting } from './tenant-setting.entity';

/** The business platform's ITenantSetting. */
export function settingJson(s: TenantSetting) {
  return { id: s.id, name: s.name, value: s.value, tenantId: s.tenant.id, createdAt: iso(s.createdAt), updatedAt: iso(s.updatedAt) };
}

export const tenantSettingRoutes: RestRoute[] = [
  {
    method: 'GET',
    path: '/api/tenant-setting',
    response: z.array(R.setting),
    operation: 'listTenantSettings',
    source: 'business platform 004',
    handle: async (s, ctx) => (await s.tenantSettings.list(ctx)).map(settingJson),
  },
  {
    method: 'POST',
    path: '/api/tenant-setting',
    input: setSchema,
    response: R.setting,
    operation: 'setTenantSetting',
    status: 201,
    source: 'business platform 004',
    body: { name: 'name', value: 'value' },
    handle: async (s, ctx, req) => settingJson(await s.tenantSettings.set(ctx, req.input)),
  },
  {
    method: 'DELETE',
    path: '/api/tenant-setting/:name',
    response: R.setting,
    operation: 'deleteTenantSetting',
    source: 'added',
    handle: async (s, ctx, req) => settingJson(await s.tenantSettings.delete(ctx, req.params.name)),
  },
];
