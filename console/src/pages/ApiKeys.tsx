import { useState, type FormEvent } from 'react';
import { useTenantId } from '../App';
import { gql } from '../api';
import { Badge, Card, Empty, ErrorNote, Loading, Page, ShownOnce, StatusBadge, useAction, useLoad, when } from '../ui';

interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  environment: 'LIVE' | 'TEST';
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  rotatedAt: string | null;
}

const FIELDS = 'id name prefix scopes environment createdAt expiresAt lastUsedAt revokedAt rotatedAt';

/** The tenant-level scopes of Tenantry's catalog (custom `namespace:action` scopes may be typed in). */
const SCOPES = [
  'tenant:admin',
  'tenant:read',
  'memory:read',
  'memory:write',
  'users:read',
  'users:write',
  'conversations:read',
  'conversations:write',
  'config:read',
  'config:write',
  'secrets:read',
  'secrets:write',
  'audit:read',
  'rbac:read',
  'rbac:write',
  'rbac:check',
  'limits:read',
  'limits:write',
  'usage:read',
  'usage:write',
  'events:read',
  'events:write',
  'webhooks:read',
  'webhooks:write',
];

const GRACE = [
  { seconds: 0, label: 'no grace', sentence: 'stops at once' },
  { seconds: 3600, label: '1 hour grace', sentence: 'keeps working for 1 hour' },
  { seconds: 86400, label: '1 day grace', sentence: 'keeps working for 1 day' },
  { seconds: 7 * 86400, label: '7 days grace', sentence: 'keeps working for 7 days' },
];

function stateOf(k: ApiKey): string {
  if (k.revokedAt) return 'revoked';
  if (k.expiresAt && new Date(k.expiresAt) <= new Date()) return 'expired';
  if (k.rotatedAt) return 'rotated';
  return 'active';
}

export function ApiKeys() {
  const tenantId = useTenantId();
  const [showRevoked, setShowRevoked] = useState(false);
  const keys = useLoad(() => gql<{ apiKeys: ApiKey[] }>(`query ($r: Boolean!) { apiKeys(includeRevoked: $r) { ${FIELDS} } }`, { r: showRevoked }, tenantId), [tenantId, showRevoked]);
  const action = useAction();
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);

  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['tenant:read']);
  const [custom, setCustom] = useState('');
  const [expires, setExpires] = useState('');
  const [environment, setEnvironment] = useState<'LIVE' | 'TEST'>('LIVE');
  const [grace, setGrace] = useState<Record<string, number>>({});

  async function create(e: FormEvent) {
    e.preventDefault();
    const all = [...scopes, ...custom.split(/[\s,]+/).filter(Boolean)];
    await action.run(async () => {
      const { createApiKey } = await gql<{ createApiKey: { key: string; apiKey: ApiKey } }>(
        `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { ${FIELDS} } } }`,
        { input: { name, scopes: all, environment, expiresAt: expires ? new Date(expires).toISOString() : null } },
        tenantId,
      );
      setSecret({ label: `New key "${createApiKey.apiKey.name}"`, value: createApiKey.key });
      setName('');
      setCustom('');
      keys.reload();
    });
  }

  async function rotate(k: ApiKey) {
    const graceSeconds = grace[k.id] ?? 0;
    if (!window.confirm(`Rotate "${k.name}"? A new key replaces it; the old one ${GRACE.find((g) => g.seconds === graceSeconds)!.sentence}.`)) return;
    await action.run(async () => {
      const { rotateApiKey } = await gql<{ rotateApiKey: { key: string; apiKey: ApiKey } }>(
        `mutation ($id: UUID!, $grace: Int!) { rotateApiKey(id: $id, graceSeconds: $grace) { key apiKey { ${FIELDS} } } }`,
        { id: k.id, grace: graceSeconds },
        tenantId,
      );
      setSecret({ label: `Replacement for "${rotateApiKey.apiKey.name}"`, value: rotateApiKey.key });
      keys.reload();
    });
  }

  async function revoke(k: ApiKey) {
    if (!window.confirm(`Revoke "${k.name}" (${k.prefix}…)? It stops working at once.`)) return;
    if (await action.run(() => gql(`mutation ($id: UUID!) { revokeApiKey(id: $id) { id revokedAt } }`, { id: k.id }, tenantId))) keys.reload();
  }

  return (
    <Page title="API keys" subtitle="Machine credentials of this tenant. A key is shown once, when it is created or rotated.">
      {secret && <ShownOnce label={secret.label} value={secret.value} onDone={() => setSecret(null)} />}
      <ErrorNote error={action.error} />
      <Card title="Create a key">
        <form className="form-grid" onSubmit={create} data-testid="create-key-form">
          <label>
            Name
            <input name="keyName" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. ingest service" />
          </label>
          <label>
            Environment
            <select name="environment" value={environment} onChange={(e) => setEnvironment(e.target.value as 'LIVE' | 'TEST')}>
              <option value="LIVE">live</option>
              <option value="TEST">test</option>
            </select>
          </label>
          <label>
            Expires (optional)
            <input name="expiresAt" type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} />
          </label>
          <fieldset className="wide scopes">
            <legend>Scopes</legend>
            {SCOPES.map((s) => (
              <label key={s} className="check">
                <input type="checkbox" value={s} checked={scopes.includes(s)} onChange={(e) => setScopes(e.target.checked ? [...scopes, s] : scopes.filter((x) => x !== s))} />
                <code>{s}</code>
              </label>
            ))}
          </fieldset>
          <label className="wide">
            Custom scopes (namespace:action, separated by spaces)
            <input name="customScopes" value={custom} onChange={(e) => setCustom(e.target.value)} placeholder="reports:read" />
          </label>
          <div className="wide form-actions">
            <button type="submit" disabled={action.busy || (!scopes.length && !custom.trim())}>
              Create key
            </button>
          </div>
        </form>
      </Card>

      <Card
        title="Keys"
        actions={
          <label className="check">
            <input type="checkbox" checked={showRevoked} onChange={(e) => setShowRevoked(e.target.checked)} /> Show revoked
          </label>
        }
      >
        <ErrorNote error={keys.error} />
        {!keys.data ? (
          <Loading what="keys" />
        ) : keys.data.apiKeys.length === 0 ? (
          <Empty>No keys.</Empty>
        ) : (
          <table className="table" data-testid="keys-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Key</th>
                <th>Scopes</th>
                <th>State</th>
                <th>Created</th>
                <th>Expires</th>
                <th>Last used</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {keys.data.apiKeys.map((k) => {
                const state = stateOf(k);
                return (
                  <tr key={k.id} data-key-name={k.name} data-key-state={state}>
                    <td>{k.name}</td>
                    <td>
                      <code>{k.prefix}…</code> {k.environment === 'TEST' && <Badge tone="grey">test</Badge>}
                    </td>
                    <td className="scopes-cell">
                      {k.scopes.map((s) => (
                        <code key={s}>{s}</code>
                      ))}
                    </td>
                    <td>
                      <StatusBadge status={state} />
                    </td>
                    <td>{when(k.createdAt)}</td>
                    <td>{when(k.expiresAt)}</td>
                    <td>{when(k.lastUsedAt)}</td>
                    <td className="row-actions">
                      {state === 'active' && (
                        <>
                          <select aria-label="Grace period" value={grace[k.id] ?? 0} onChange={(e) => setGrace({ ...grace, [k.id]: Number(e.target.value) })}>
                            {GRACE.map((g) => (
                              <option key={g.seconds} value={g.seconds}>
                                {g.label}
                              </option>
                            ))}
                          </select>
                          <button type="button" className="secondary" disabled={action.busy} onClick={() => rotate(k)}>
                            Rotate
                          </button>
                        </>
                      )}
                      {state !== 'revoked' && state !== 'expired' && (
                        <button type="button" className="danger" disabled={action.busy} onClick={() => revoke(k)}>
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </Card>
    </Page>
  );
}
