import fs from 'node:fs';
import path from 'node:path';
import { getDirective } from '@graphql-tools/utils';
import { buildSchema as buildSdl, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { OPERATIONS } from '../src/auth/operations';
import { scopeProblem } from '../src/auth/scopes';
import { initOrm, pendingMigrations } from '../src/db/orm';
import { buildGraphQLSchema, printSchemaFile } from '../src/graphql/schema';
import { enforceScopeDirectives } from '../src/graphql/scope-directives';
import { REST_ROUTES } from '../src/rest/routes';
import { scopeCell } from '../src/rest/openapi';
import { useHarness } from './support/harness';

const h = useHarness();
const root = path.resolve(__dirname, '..');

describe('GraphQL schema', () => {
  it('declares @requiresScopes or @public on every root field, with known scopes', async () => {
    const schema = await buildGraphQLSchema();
    const undeclared: string[] = [];
    for (const type of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
      if (!type) continue;
      for (const field of Object.values(type.getFields())) {
        const scopes = getDirective(schema, field, 'requiresScopes')?.[0]?.scopes as string[][] | undefined;
        const open = getDirective(schema, field, 'public')?.[0];
        if (!scopes && !open) undeclared.push(`${type.name}.${field.name}`);
        for (const scope of (scopes ?? []).flat()) expect(scopeProblem(scope), scope).toBeNull();
      }
    }
    expect(undeclared).toEqual([]);
  });

  it('refuses to build when a root field declares neither directive', () => {
    const sdl = buildSdl(`
      directive @public on FIELD_DEFINITION
      directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION
      type Query { open: String @public, guarded: String @requiresScopes(scopes: [["tenant:read"]]), forgotten: String }
    `);
    expect(() => enforceScopeDirectives(sdl)).toThrow('Query.forgotten declares neither @requiresScopes nor @public');
  });

  it('matches the committed schema.graphql (run `npm run schema` after changing the API)', async () => {
    const committed = fs.readFileSync(path.join(root, 'schema.graphql'), 'utf8');
    expect(printSchemaFile(await buildGraphQLSchema())).toBe(committed);
    expect(committed).toContain('@requiresScopes(scopes: [["tenant:admin"]])');
  });

  it('uses graphql-scalars for ids, dates and emails', async () => {
    const schema = await buildGraphQLSchema();
    const tenant = schema.getType('Tenant');
    expect(isObjectType(tenant)).toBe(true);
    if (!isObjectType(tenant)) return;
    const f = tenant.getFields();
    expect([String(f.id.type), String(f.createdAt.type), String(f.email.type)]).toEqual(['UUID!', 'DateTime!', 'EmailAddress']);
  });
});

describe('REST route table', () => {
  it('names only known operations and has no duplicate method+path', () => {
    const seen = new Set<string>();
    for (const r of REST_ROUTES) {
      expect(OPERATIONS).toHaveProperty(r.operation);
      const id = `${r.method} ${r.path}`;
      expect(seen.has(id), id).toBe(false);
      seen.add(id);
    }
  });
});

describe('migrations', () => {
  it('agree with the entities: a migrated database needs no schema change', async () => {
    expect(await pendingMigrations(h.orm)).toEqual([]);
    // As the owner: the application's role is not shown other roles' check constraints.
    const owner = await initOrm({ url: h.ownerUrl, poolMax: 1, owner: true });
    try {
      const diff = await owner.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
      expect(diff.trim()).toBe('');
    } finally {
      await owner.close();
    }
  });

  it('are listed in migrations/index.ts, every file once', async () => {
    const files = fs.readdirSync(path.join(root, 'migrations')).filter((f) => /^Migration\d+.*\.ts$/.test(f));
    const { MIGRATIONS } = await import('../migrations');
    expect(MIGRATIONS.map((m) => m.name).sort()).toEqual(files.map((f) => f.replace(/\.ts$/, '')).sort());
  });
});

describe('README', () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

  it('lists every REST route with its operation, scopes and status', () => {
    for (const r of REST_ROUTES) {
      const access = OPERATIONS[r.operation];
      const scopes = scopeCell('public' in access ? undefined : access.scopes);
      expect(readme).toContain(`| ${r.method} | \`${r.path}\` | ${r.operation} | ${scopes} | ${r.status ?? 200} |`);
    }
  });

  it('lists every GraphQL root field with its scopes', async () => {
    const schema = await buildGraphQLSchema();
    for (const type of [schema.getQueryType(), schema.getMutationType()]) {
      for (const field of Object.values(type!.getFields())) {
        const scopes = getDirective(schema, field, 'requiresScopes')?.[0]?.scopes as string[][] | undefined;
        const args = field.args.length ? `(${field.args.map((a) => a.name).join(', ')})` : '';
        expect(readme).toContain(`| \`${type!.name}.${field.name}${args}\` | ${scopeCell(scopes)} |`);
      }
    }
  });
});
