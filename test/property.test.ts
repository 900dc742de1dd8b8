import { getDirective } from '@graphql-tools/utils';
import fc from 'fast-check';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS, type Access } from '../src/auth/operations';
import { PLATFORM_ADMIN, SCOPE_CATALOG } from '../src/auth/scopes';
import { EVENT_CATALOG } from '../src/modules/events/event-catalog';
import { SETTINGS_DEFAULTS } from '../src/modules/tenants/tenant-settings';
import type { FieldProblem } from '../src/errors';
import type { RestRoute } from '../src/rest/route-table';
import { REST_ROUTES } from '../src/rest/routes';
import { useHarness, type Registered } from './support/harness';

/**
 * Property tests over every REST body and every GraphQL mutation's arguments, generated from the
 * route table and the schema so a new route or mutation is covered without a line here. Random,
 * hostile and almost-valid inputs must never earn a 5xx, a refusal must say what was wrong, and a
 * refusal must leave the database exactly as it was (no partial write).
 *
 * Each route and mutation gets a fresh tenant and a key with every tenant-level scope (operator
 * operations the operator key, public ones no key), so authorization is not what refuses.
 *
 * A failure prints its seed: `PROPERTY_SEED=<seed> npx vitest run test/property.test.ts -t '<test>'`
 * replays it. PROPERTY_RUNS changes the number of runs per route and mutation (default 30).
 */
const h = useHarness();
const RUNS = Number(process.env.PROPERTY_RUNS ?? 30);
const SEED = process.env.PROPERTY_SEED === undefined ? undefined : Number(process.env.PROPERTY_SEED);
fc.configureGlobal({ numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) });

const TENANT_SCOPES = Object.keys(SCOPE_CATALOG).filter((s) => s !== PLATFORM_ADMIN);
const operatorOnly = (access: Access) => !('public' in access) && access.scopes.every((all) => all.includes(PLATFORM_ADMIN));
// Operations that end their target: the caller's own tenant is kept out of their id pool so a
// lucky draw cannot delete the tenant every later run of the property authenticates as.
const DESTRUCTIVE = /^(delete|purge|suspend)/;

// ---------------------------------------------------------------------------------------------
// The database, seen from outside the app: a count and a digest of every row of every table.

let pg: Client;
let snapshotSql = '';

beforeAll(async () => {
  pg = new Client({ connectionString: h.orm.config.getClientUrl() });
  await pg.connect();
  const { rows } = await pg.query<{ name: string }>(
    `select table_name as name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'mikro_orm_migrations'
      order by 1`,
  );
  // The harness starts none of the background writers (last-used, API-call meter, webhook
  // worker), so between two requests only a request can change a row.
  snapshotSql = rows
    // A sum of row hashes: independent of row order, so no sort and no table-sized string.
    .map(({ name }) => `select '${name}' as t, count(*)::int as n, coalesce(sum(hashtextextended(x::text, 0)::numeric), 0)::text as d from "${name}" x`)
    .join(' union all ');
});

afterAll(async () => {
  await pg?.end();
});

type Snapshot = Map<string, string>;

async function snapshot(): Promise<Snapshot> {
  const { rows } = await pg.query<{ t: string; n: number; d: string }>(snapshotSql);
  return new Map(rows.map((r) => [r.t, `${r.n} rows, ${r.d}`]));
}

function changedTables(before: Snapshot, after: Snapshot): string[] {
  return [...after].filter(([t, v]) => before.get(t) !== v).map(([t, v]) => `${t}: ${before.get(t)} -> ${v}`);
}

// ---------------------------------------------------------------------------------------------
// JSON that JSON.stringify cannot write: numbers out of double range, -0, nesting deeper than a
// generated object should be.

class Raw {
  constructor(readonly text: string) {}
  toString() {
    return `Raw(${this.text.length > 60 ? `${this.text.slice(0, 60)}... (${this.text.length} chars)` : this.text})`;
  }
}

function serialize(v: unknown): string {
  if (v instanceof Raw) return v.text;
  if (Array.isArray(v)) return `[${v.map(serialize).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const parts = Object.entries(v)
      .filter(([, x]) => x !== undefined)
      .map(([k, x]) => `${JSON.stringify(k)}:${serialize(x)}`);
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

// ---------------------------------------------------------------------------------------------
// Hostile values: of any type, at any place.

const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '', ' ', '\u0000', 'a\u0000b', '\ud800', 'x\udfffy', '\u202e', '\ufeff', '\u{1F600}', 'NaN', 'Infinity', '-0', '1e308',
      'null', 'true', '[]', '{}', '__proto__', 'constructor', "'; drop table tenants; --", '../../etc/passwd', '%00', '<script>',
      '2030-02-30T25:61:00Z', '0000-00-00', 'javascript:alert(1)', 'http://169.254.169.254/', 'a@b', '00000000-0000-0000-0000-000000000000',
    ),
  },
  // Past every column's length, and past what a bounded cache or log line should hold; the
  // largest is still inside the 1 MiB body limit, so it reaches validation.
  { weight: 1, arbitrary: fc.constantFrom(201, 2_049, 65_536, 300_000).map((n) => 'x'.repeat(n)) },
);

const hostileNumber = fc.oneof(
  fc.constantFrom(0, -1, 1, 0.5, -0.5, 2 ** 31, -(2 ** 31), 2 ** 53, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e308, -1e308, 5e-324),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom('1e400', '-1e400', '-0', '1E2', '123456789012345678901234567890', '1e-400').map((t) => new Raw(t)),
);

const deepNesting = fc
  .tuple(fc.integer({ min: 64, max: 5_000 }), fc.boolean())
  .map(([n, array]) => new Raw(array ? '['.repeat(n) + ']'.repeat(n) : '{"d":'.repeat(n) + '1' + '}'.repeat(n)));

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', ''];

const hostileLeaf: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);

const hostile: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: hostileLeaf },
  { weight: 2, arbitrary: fc.array(hostileLeaf, { maxLength: 5 }) },
  { weight: 2, arbitrary: fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...PROTO_KEYS)), hostileLeaf, { maxKeys: 4 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: deepNesting },
  { weight: 1, arbitrary: fc.constantFrom(10_000, 100_000).map((n) => Array.from({ length: n }, (_, i) => `a${i}`)) },
);

// ---------------------------------------------------------------------------------------------
// Almost-valid values: what a field of that name usually holds, so generated inputs get past the
// first check and reach the later ones (and any write made before them).

interface Fixture {
  tenant: Registered;
  /** A key of `tenant` holding every tenant-level scope. */
  key: string;
  /** Ids of rows that exist: another key of the tenant, a webhook, another tenant, (maybe) itself. */
  ids: string[];
  /** Names that exist: a role, a secret, a setting, an end-user with roles. */
  names: string[];
}

const FUTURE = () => new Date(Date.now() + 86_400_000).toISOString();
const DATA_PLANE_EVENTS = ['memory.ingested', 'conversation.created', 'document.indexed'];
const EVENT_TYPES = [...Object.keys(EVENT_CATALOG), ...DATA_PLANE_EVENTS];
const slug = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/);

function plausible(name: string, fx: Fixture): fc.Arbitrary<unknown> {
  const n = name.toLowerCase();
  const smallInt = fc.oneof(fc.constantFrom(0, 1, 10, 60, 100, 1000, 86_400), fc.integer({ min: -5, max: 100_000 }));
  if (/email/.test(n)) return fc.oneof(fc.emailAddress(), fc.constant(`p${Date.now()}@example.com`));
  if (/url|logo|target/.test(n)) return fc.oneof(fc.constantFrom('https://example.com/hook', 'http://localhost:9/x'), fc.webUrl());
  if (/scopes|permissions/.test(n)) return fc.array(fc.constantFrom(...TENANT_SCOPES, 'docs:read', 'read', 'reports:*', '*'), { maxLength: 4 });
  if (/roles$/.test(n)) return fc.array(fc.constantFrom(...fx.names, 'viewer', 'admin'), { maxLength: 3 });
  if (/inherits|role$/.test(n)) return fc.constantFrom(...fx.names, 'viewer');
  if (/events/.test(n)) return fc.array(fc.constantFrom(...EVENT_TYPES, '*'), { minLength: 1, maxLength: 3 });
  if (/^type$|eventtype/.test(n)) return fc.constantFrom(...DATA_PLANE_EVENTS, ...DATA_PLANE_EVENTS, ...EVENT_TYPES);
  if (/(at|_at|from|to)$/.test(n)) return fc.oneof(fc.constant(FUTURE()), fc.date({ noInvalidDate: true }).map((d) => d.toISOString()));
  if (/enabled|include|^auth$/.test(n)) return fc.boolean();
  if (/environment/.test(n)) return fc.constantFrom('live', 'test');
  if (/period/.test(n)) return fc.constantFrom('minute', 'hour', 'day', 'month', 'total', '2030-01');
  if (/plan/.test(n)) return fc.constantFrom('free', 'pro', 'enterprise', 'starter');
  if (/status/.test(n)) return fc.constantFrom('active', 'suspended', 'deleted', 'failing');
  if (/gateaction/.test(n)) return fc.constantFrom('block', 'warn');
  if (/^scope$/.test(n)) return fc.constantFrom('tenant', 'user');
  if (/method/.test(n)) return fc.constantFrom('get', 'post', 'GET');
  if (/path/.test(n)) return fc.constantFrom('/v1/x', '/v1/{id}', 'x');
  if (/^settings$/.test(n)) return settingsObject(fx);
  if (/retriever/.test(n)) return fc.record({ engines: fc.array(fc.record({ retriever_type: slug, retriever_engine_type: fc.constantFrom('pg', 'es') }), { maxLength: 2 }) });
  if (/^document$/.test(n)) return configDocument(fx);
  if (/^credentials$/.test(n)) return fc.dictionary(slug, fc.record({ type: fc.constantFrom('bearer', 'header'), secret: fc.constantFrom(...fx.names) }), { maxKeys: 2 });
  if (/^tiers$/.test(n)) return fc.dictionary(fc.constantFrom('free', 'pro', 'enterprise'), fc.integer({ min: 0, max: 1e9 }), { maxKeys: 2 });
  if (/^data$/.test(n)) return fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
  if (/id$/.test(n)) return fc.oneof(fc.constantFrom(...fx.ids), fc.uuid(), fc.constantFrom(...fx.names));
  // A lower rate limit than the runs of a property would make every later run a 429.
  if (/^max$/.test(n)) return fc.integer({ min: 1_000, max: 10_000_000 });
  if (/seconds|amount|limit|max|quota|bytes|count|days|size|version|ttl|ms$|first|entries/.test(n)) return smallInt;
  if (/^(name|key|permission|resource|metric|value|description|business|idempotencykey|secret)$/.test(n)) {
    return fc.oneof(fc.constantFrom(...fx.names, 'ok', 'llm', 'tokens', 'read'), slug, fc.stringMatching(/^[A-Z][A-Z0-9_]{0,12}$/));
  }
  return fc.oneof(fc.string({ maxLength: 12 }), smallInt, fc.boolean());
}

function settingsObject(fx: Fixture): fc.Arbitrary<unknown> {
  const keys = [...Object.keys(SETTINGS_DEFAULTS), 'webhook_url', 'webhook_events'];
  return fc.record(Object.fromEntries(keys.map((k) => [k, plausibleSetting(k, fx)])), { requiredKeys: [] });
}

function plausibleSetting(key: string, fx: Fixture): fc.Arbitrary<unknown> {
  if (key === 'encryption_mode') return fc.constantFrom('platform', 'byok');
  if (key === 'webhook_url' || key === 'webhook_events') return plausible(key.replace('webhook_', ''), fx);
  return fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 20_000_000 }));
}

/**
 * A gateway configuration document, shaped like the type GraphQL shows it as (so a new section
 * is generated too), without that type's version metadata.
 */
function configDocument(fx: Fixture): fc.Arbitrary<unknown> {
  const type = schema.getType('TenantConfigVersion');
  if (!isObjectType(type)) return fc.object();
  const metadata = new Set(['version', 'createdAt', 'createdByKeyId', 'restoredFrom', 'document']);
  return shapeOf(type, fx, (f) => !metadata.has(f));
}

function shapeOf(type: GraphQLOutputType, fx: Fixture, keep: (field: string) => boolean = () => true, name = '', depth = 0): fc.Arbitrary<unknown> {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return fc.array(shapeOf(inner.ofType, fx, undefined, name, depth + 1), { maxLength: 3 });
  if (isObjectType(inner) && depth < 4) {
    const fields = Object.values(inner.getFields()).filter((f) => !f.args.length && keep(f.name));
    const model = Object.fromEntries(fields.map((f) => [f.name, shapeOf(f.type, fx, undefined, f.name, depth + 1)]));
    return fc.record(model, { requiredKeys: fields.filter((f) => isNonNullType(f.type)).map((f) => f.name) });
  }
  if (isEnumType(inner)) return fc.constantFrom(...inner.getValues().map((v) => v.name.toLowerCase()));
  return plausible(name, fx);
}

/**
 * An object with its required fields and a few (0 to 3) of its optional ones: with every field
 * at even odds, a field some callers may not set (plan, for a tenant key) would refuse most runs.
 */
function sparse(model: Record<string, fc.Arbitrary<unknown>>, required: string[] = []): fc.Arbitrary<Record<string, unknown>> {
  const optional = Object.keys(model).filter((k) => !required.includes(k));
  return fc
    .subarray(optional, { maxLength: Math.min(3, optional.length) })
    .chain((chosen) => fc.record(Object.fromEntries([...required, ...chosen].map((k) => [k, model[k]]))));
}

/** An object with (often) one or two of its fields set, or swapped, to hostile values. */
function corrupted(base: fc.Arbitrary<Record<string, unknown>>, names: string[]): fc.Arbitrary<Record<string, unknown>> {
  const bad = names.length ? fc.oneof({ weight: 2, arbitrary: fc.constant<string[]>([]) }, { weight: 3, arbitrary: fc.subarray(names, { minLength: 1, maxLength: Math.min(2, names.length) }) }) : fc.constant<string[]>([]);
  return fc.tuple(base, bad, hostile, hostile).map(([record, keys, a, b]) => {
    const out: Record<string, unknown> = { ...record };
    keys.forEach((k, i) => (out[k] = i ? b : a));
    return out;
  });
}

/** Objects built from every field name the API knows, nested, for documents validated whole. */
function vocabularyObject(fx: Fixture): fc.Arbitrary<unknown> {
  const key = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...vocabulary) }, { weight: 1, arbitrary: fc.constantFrom(...PROTO_KEYS) });
  const { node } = fc.letrec<{ node: unknown }>((tie) => ({
    // The leaf comes first: at the depth limit fast-check picks the first branch.
    node: fc.oneof(
      { maxDepth: 4, depthSize: 'small', withCrossShrink: true },
      hostileLeaf,
      fc.dictionary(key, tie('node'), { maxKeys: 4 }).chain((o) => {
        // Values under known names become plausible for that name half the time.
        const named = Object.keys(o).map((k) => fc.option(plausible(k, fx), { nil: undefined, freq: 2 }).map((p) => [k, p === undefined ? o[k] : p] as const));
        return fc.tuple(...named).map((entries) => Object.fromEntries(entries));
      }),
      fc.array(tie('node'), { maxLength: 3 }),
    ),
  }));
  return node;
}

const extraFields = () => fc.dictionary(fc.oneof(fc.constantFrom(...vocabulary), fc.constantFrom(...PROTO_KEYS)), hostileLeaf, { minKeys: 1, maxKeys: 2 });

// ---------------------------------------------------------------------------------------------
// GraphQL: arbitraries built from the argument's input type. `right` values coerce (they may
// still break a service rule); `mixed` ones are right with, here and there, a hostile value.

type Mode = 'right' | 'mixed';

function scalarValue(scalar: string, name: string, fx: Fixture): fc.Arbitrary<unknown> {
  // The hint for a list's name (`events`) is a list: its items hint at the item. Hints of another
  // type are mapped rather than filtered, since a filter that never passes never ends.
  const hint = plausible(name, fx).map((v) => (Array.isArray(v) ? v[0] : v));
  switch (scalar) {
    case 'Int':
    case 'SafeInt':
    case 'NonNegativeInt':
      return fc.oneof(hint.map((v) => (Number.isSafeInteger(v) && (scalar !== 'Int' || Math.abs(v as number) < 2 ** 31) ? v : 1)), fc.integer({ min: 0, max: 1000 }));
    case 'Float':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'Boolean':
      return fc.boolean();
    case 'UUID':
      return fc.oneof(fc.constantFrom(...fx.ids), fc.uuid());
    case 'EmailAddress':
      return fc.emailAddress();
    case 'URL':
      return plausible('url', fx);
    case 'DateTime':
      return plausible('expiresAt', fx);
    case 'JSONObject':
      return fc.oneof({ weight: 3, arbitrary: plausible(name, fx).map((v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {})) }, { weight: 1, arbitrary: vocabularyObject(fx) });
    default:
      return hint.map((v) => (typeof v === 'string' ? v : v === undefined ? 'x' : String(v)));
  }
}

function inputValue(type: GraphQLInputType, name: string, fx: Fixture, mode: Mode, depth = 0): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) {
    const inner = valueOf(type.ofType, name, fx, mode, depth);
    return mode === 'right' ? inner : fc.oneof({ weight: 20, arbitrary: inner }, { weight: 1, arbitrary: fc.constant(null) });
  }
  const inner = valueOf(type, name, fx, mode, depth);
  return fc.oneof({ weight: 12, arbitrary: inner }, { weight: 1, arbitrary: fc.constant(null) });
}

function valueOf(type: GraphQLInputType, name: string, fx: Fixture, mode: Mode, depth: number): fc.Arbitrary<unknown> {
  const right = rightValue(type, name, fx, mode, depth);
  return mode === 'right' ? right : fc.oneof({ weight: 10, arbitrary: right }, { weight: 1, arbitrary: hostile });
}

function rightValue(type: GraphQLInputType, name: string, fx: Fixture, mode: Mode, depth: number): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return inputValue(type, name, fx, mode, depth);
  if (isListType(type)) {
    const item = inputValue(type.ofType, name, fx, mode, depth + 1);
    // A single value where a list is expected is legal GraphQL (coerced to a list of one).
    return fc.oneof({ weight: 6, arbitrary: fc.array(item, { maxLength: 4 }) }, { weight: 1, arbitrary: item });
  }
  if (isInputObjectType(type)) {
    if (depth > 4) return fc.constant({});
    const fields = Object.values(type.getFields());
    const model = Object.fromEntries(fields.map((f) => [f.name, inputValue(f.type, f.name, fx, mode, depth + 1)]));
    const required = fields.filter((f) => isNonNullType(f.type) && f.defaultValue === undefined).map((f) => f.name);
    const record = fc.oneof(fc.record(model, { requiredKeys: required }), sparse(model, required));
    if (mode === 'right') return record;
    // Mostly the type's own fields; sometimes a required one missing, sometimes one it lacks.
    return fc.oneof(
      { weight: 8, arbitrary: record },
      { weight: 1, arbitrary: fc.record(model, { requiredKeys: [] }) },
      { weight: 1, arbitrary: fc.tuple(record, extraFields()).map(([r, e]) => ({ ...e, ...(r as object) })) },
    );
  }
  if (isEnumType(type)) {
    const values = fc.constantFrom(...type.getValues().map((v) => v.name));
    return mode === 'right' ? values : fc.oneof({ weight: 6, arbitrary: values }, { weight: 1, arbitrary: hostileString });
  }
  if (isScalarType(type)) return scalarValue(type.name, name, fx);
  return hostile;
}

function mutationDocument(field: GraphQLField<unknown, unknown>): string {
  const vars = field.args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const selection = isObjectType(getNamedType(field.type)) ? ' { __typename }' : '';
  return `mutation Property${vars ? `(${vars})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection} }`;
}

function variablesFor(field: GraphQLField<unknown, unknown>, fx: Fixture): fc.Arbitrary<unknown> {
  const required = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined).map((a) => a.name);
  const model = (mode: Mode) => Object.fromEntries(field.args.map((a) => [a.name, inputValue(a.type, a.name, fx, mode)]));
  return fc.oneof(
    { weight: 6, arbitrary: fc.record(model('right'), { requiredKeys: required }) },
    { weight: 4, arbitrary: corrupted(sparse(model('mixed'), required), field.args.map((a) => a.name)) },
    { weight: 1, arbitrary: fc.record(model('mixed'), { requiredKeys: [] }) },
    // Variables that are not an object at all.
    { weight: 1, arbitrary: fc.oneof(hostileLeaf, fc.array(hostileLeaf, { maxLength: 2 })) },
  );
}

// ---------------------------------------------------------------------------------------------
// REST bodies: the documented fields, plausible or hostile; or anything at all.

const garbageText = fc.constantFrom('', 'null', '{', '[1,2', 'not json', '\u0000', '{"a":1,}', "{'a':1}", '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', '{"a":1}{"b":2}', 'NaN', '\ufeff{}');

function restBody(route: RestRoute, fx: Fixture, typed?: (mode: Mode) => fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  const fields = Object.keys(route.body ?? {});
  // Fields spelled two ways (expires_at, expiresAt) get one spelling per body: both at once is
  // refused before anything else is looked at.
  const targets = [...new Set(Object.values(route.body ?? {}))];
  const spellings = targets.map((target) => fc.constantFrom(...fields.filter((f) => route.body![f] === target)));
  // The route table does not say which fields are required: every field, or some.
  const shaped = fc.tuple(...spellings).chain((wires) => {
    const model = Object.fromEntries(wires.map((f) => [f, plausible(f, fx)]));
    return fc.oneof(fc.record(model), fc.record(model, { requiredKeys: [] }), sparse(model));
  });
  const options: fc.WeightedArbitrary<unknown>[] = [
    { weight: typed ? 1 : 2, arbitrary: vocabularyObject(fx) },
    { weight: typed ? 1 : 2, arbitrary: hostile },
  ];
  if (fields.length) {
    options.push(
      { weight: 6, arbitrary: shaped },
      { weight: 6, arbitrary: corrupted(shaped, fields) },
      { weight: 1, arbitrary: fc.tuple(shaped, extraFields()).map(([r, e]) => ({ ...e, ...r })) },
    );
  }
  if (typed) options.push({ weight: 6, arbitrary: typed('right') }, { weight: 4, arbitrary: typed('mixed') });
  return fc.oneof({ weight: 15, arbitrary: fc.oneof(...options).map(serialize) }, { weight: 1, arbitrary: garbageText });
}

function pathFor(route: RestRoute, fx: Fixture): fc.Arbitrary<string> {
  const params = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]);
  const encode = (s: string) => {
    try {
      return encodeURIComponent(s) || 'X';
    } catch {
      return 'X';
    }
  };
  const value = (name: string) =>
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...(/id$/i.test(name) ? fx.ids : fx.names)) },
      { weight: 2, arbitrary: fc.uuid() },
      { weight: 2, arbitrary: hostileString.map(encode) },
    );
  return fc.tuple(...params.map(value)).map((values) => {
    let i = 0;
    return route.path.replace(/:([A-Za-z]+)/g, () => values[i++]);
  });
}

function queryFor(route: RestRoute, fx: Fixture): fc.Arbitrary<string> {
  const names = Object.keys(route.query ?? {});
  if (!names.length) return fc.constant('');
  const value = (name: string) =>
    fc.oneof(
      { weight: 3, arbitrary: plausible(name, fx).map((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '')) },
      { weight: 2, arbitrary: hostileString },
      // A repeated parameter arrives as an array.
      { weight: 1, arbitrary: fc.array(hostileString, { minLength: 2, maxLength: 3 }) },
    );
  return sparse(Object.fromEntries(names.map((n) => [n, value(n)]))).map((params) => {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) for (const one of [v].flat()) search.append(k, one as string);
    const text = search.toString();
    return text ? `?${text}` : '';
  });
}

// ---------------------------------------------------------------------------------------------
// Fixtures and the shared check.

// The committed schema (a test keeps it equal to the built one), read at load: the tests are one
// per mutation, so the mutations must be known before any test runs.
const schema = buildSchema(readFileSync(path.join(__dirname, '..', 'schema.graphql'), 'utf8'));
let vocabulary: string[] = [];
let operatorKey: string;
let victim: Registered;

beforeAll(async () => {
  const names = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isInputObjectType(type) || isObjectType(type)) for (const f of Object.values(type.getFields())) names.add(f.name);
  }
  for (const route of REST_ROUTES) for (const wire of Object.keys(route.body ?? {})) names.add(wire);
  vocabulary = [...names].sort();
  operatorKey = await h.operatorKey();
  victim = await h.register();
});

async function fixture(destructive: boolean): Promise<Fixture> {
  const tenant = await h.register();
  const all = await h.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: { authorization: `Bearer ${tenant.key}` }, payload: { name: 'every scope', scopes: TENANT_SCOPES } });
  const key: string = all.json().api_key;
  const as = { authorization: `Bearer ${key}` };
  const spare = await h.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: as, payload: { name: 'spare', scopes: ['memory:read'] } });
  const hook = await h.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: as, payload: { url: 'https://example.com/hook', events: ['tenant.updated'] } });
  const setup = [
    all,
    spare,
    hook,
    await h.app.inject({ method: 'POST', url: '/tenant/rbac/roles', headers: as, payload: { name: 'editor', permissions: ['docs:write'] } }),
    await h.app.inject({ method: 'PUT', url: '/tenant/rbac/users/user-1/roles', headers: as, payload: { roles: ['editor'] } }),
    await h.app.inject({ method: 'POST', url: '/tenant/secrets', headers: as, payload: { key: 'DB_PASSWORD', value: 's3cret' } }),
    await h.app.inject({ method: 'POST', url: '/api/tenant-setting', headers: as, payload: { name: 'theme', value: 'dark' } }),
  ];
  for (const res of setup) if (res.statusCode >= 300) throw new Error(`fixture: ${res.statusCode} ${res.body}`);
  const ids = [spare.json().key_id, hook.json().id ?? hook.json().webhook?.id, victim.tenantId].filter(Boolean);
  if (!destructive) ids.push(tenant.tenantId);
  return { tenant, key, ids, names: ['editor', 'user-1', 'DB_PASSWORD', 'theme'] };
}

/** No key for public operations: registration refuses a caller that already has a tenant. */
function authFor(access: Access | null, fx: Fixture): Record<string, string> {
  if (!access || 'public' in access) return {};
  return { authorization: `Bearer ${operatorOnly(access) ? operatorKey : fx.key}` };
}

interface Answer {
  status: number;
  body: string;
}

/** The field problems of a refusal, or null when the request was not refused. */
type Refusal = (answer: Answer, json: any) => FieldProblem[] | null;

/** The properties every answer must have. `sent` is the input as sent, to check what errors say of it. */
async function check(label: string, send: () => Promise<Answer>, refusal: Refusal, sent: unknown[], state: { snap: Snapshot }) {
  const answer = await send();
  const after = await snapshot();
  const before = state.snap;
  state.snap = after;
  expect(answer.status, `${label}: ${answer.body.slice(0, 300)}`).toBeLessThan(500);
  let json: any;
  try {
    json = JSON.parse(answer.body);
  } catch {
    throw new Error(`${label}: answered ${answer.status} with a body that is not JSON: ${answer.body.slice(0, 200)}`);
  }
  const problems = refusal(answer, json);
  if (!problems) return;
  expect(changedTables(before, after), `${label}: refused (${answer.status} ${answer.body.slice(0, 300)}) but wrote`).toEqual([]);
  // "is required" of a field that was sent (with a wrong type) sends the client looking for the
  // wrong mistake.
  for (const p of problems) {
    if (p.message === 'is required') expect(sent.some((root) => valueAt(root, p.field) !== undefined), `${label}: says ${p.field} is required, but it was sent: ${answer.body.slice(0, 300)}`).toBe(false);
  }
}

function valueAt(root: unknown, path: string): unknown {
  let value = root;
  for (const key of path ? path.split('.') : []) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const restRefusal: Refusal = (a, json) => {
  if (a.status < 400) return null;
  // A refusal names its problem: {"error": reason, "message": what was wrong}.
  expect(typeof json?.error, a.body.slice(0, 300)).toBe('string');
  expect(json.message, a.body.slice(0, 300)).toMatch(/\S/);
  return json.problems ?? [];
};

const gqlRefusal: Refusal = (_a, json) => {
  if (!json?.errors?.length) return null;
  for (const e of json.errors) {
    expect(e.message, JSON.stringify(e)).toMatch(/\S/);
    expect(e.extensions?.code, JSON.stringify(e)).toMatch(/^[A-Z_]+$/);
    expect(e.extensions?.code, JSON.stringify(e)).not.toBe('INTERNAL_SERVER_ERROR');
  }
  return json.errors.flatMap((e: any) => e.extensions?.problems ?? []);
};

/** Problems name a field of the variables, or of one argument (`settings.retention_days` of `input`). */
function argumentsOf(variables: unknown): unknown[] {
  return [variables, ...(variables !== null && typeof variables === 'object' ? Object.values(variables) : [])];
}

/** The JSON a payload holds, as the server reads it; nothing when it is not JSON. */
function parsed(payload: string): unknown {
  try {
    return JSON.parse(payload);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------

describe('every REST route that takes input (a body, path parameters or a query string)', () => {
  // Routes that share a handler (the gateway's paths at root and under /api/v1) run one code
  // path: one of them is enough.
  const seen = new Set<RestRoute['handle']>();
  const takesInput = (r: RestRoute) => Boolean(r.body || r.passBody || r.query || r.path.includes(':'));
  const routes = REST_ROUTES.filter((r) => takesInput(r) && !seen.has(r.handle) && seen.add(r.handle));

  it('covers the route table', () => {
    expect(routes.filter((r) => r.body || r.passBody).length).toBeGreaterThan(25);
    expect(routes.length).toBeGreaterThan(45);
  });

  for (const route of routes) {
    it(`${route.method} ${route.path} (${route.operation}): no 5xx, and a refusal writes nothing`, async () => {
      const access = OPERATIONS[route.operation];
      const fx = await fixture(DESTRUCTIVE.test(route.operation));
      const headers: Record<string, string> = { 'content-type': 'application/json', ...authFor(access, fx) };
      // A body validated whole may have a GraphQL twin whose argument type says what it holds.
      const twin = route.passBody ? schema.getMutationType()?.getFields()[route.operation] : undefined;
      const arg = twin?.args.length === 1 ? twin.args[0] : undefined;
      const typed = arg && ((mode: Mode) => inputValue(arg.type, arg.name, fx, mode));
      const body = route.body || route.passBody ? restBody(route, fx, typed) : fc.constant(undefined);
      const state = { snap: await snapshot() };
      await fc.assert(
        fc.asyncProperty(pathFor(route, fx), queryFor(route, fx), body, async (path, query, payload) => {
          const url = path + query;
          await check(
            `${route.method} ${url} ${payload?.slice(0, 200) ?? '(no body)'}`,
            async () => {
              const res = await h.app.inject({ method: route.method, url, headers, payload });
              return { status: res.statusCode, body: res.body };
            },
            restRefusal,
            payload === undefined ? [Object.fromEntries(new URLSearchParams(query))] : [parsed(payload)],
            state,
          );
        }),
      );
    }, 120_000);
  }
});

describe('every GraphQL mutation', () => {
  const fields = Object.values(schema.getMutationType()!.getFields()).filter((f) => f.args.length);

  it('covers the schema', () => {
    expect(fields.length).toBeGreaterThan(30);
  });

  for (const field of fields) {
    it(`${field.name}: no 5xx, and a refusal writes nothing`, async () => {
      const access = accessOf(schema, field);
      const fx = await fixture(DESTRUCTIVE.test(field.name));
      const headers: Record<string, string> = { 'content-type': 'application/json', ...authFor(access, fx) };
      const query = mutationDocument(field);
      const state = { snap: await snapshot() };
      await fc.assert(
        fc.asyncProperty(variablesFor(field, fx), async (variables) => {
          const json = serialize(variables);
          const payload = `{"query":${JSON.stringify(query)},"variables":${json}}`;
          await check(
            `${field.name} ${payload.slice(0, 300)}`,
            async () => {
              const res = await h.app.inject({ method: 'POST', url: '/graphql', headers, payload });
              return { status: res.statusCode, body: res.body };
            },
            gqlRefusal,
            argumentsOf(parsed(json)),
            state,
          );
        }),
      );
    }, 120_000);
  }
});

/** The access a field declares (its @requiresScopes / @public), read back from the schema. */
function accessOf(schema: GraphQLSchema, field: GraphQLField<unknown, unknown>): Access | null {
  const scopes = getDirective(schema, field, 'requiresScopes')?.[0]?.scopes as string[][] | undefined;
  if (scopes) return { scopes };
  return getDirective(schema, field, 'public') ? { public: true } : null;
}
