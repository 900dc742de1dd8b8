import { useEffect, useState, type FormEvent } from 'react';
import { useIdentity, useTenantId } from '../App';
import { gql } from '../api';
import { bytes, Card, ErrorNote, Loading, number, Page, StatusBadge, useAction, useLoad, when } from '../ui';

interface Settings {
  retention_days: number;
  batch_size: number;
  max_conversations_per_user: number;
  max_users: number;
  encryption_mode: string;
  webhook_url: string | null;
  webhook_events: string[] | null;
}

interface TenantDetail {
  id: string;
  name: string;
  email: string | null;
  description: string | null;
  business: string | null;
  plan: string;
  status: string;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  storageQuota: number;
  storageUsed: number;
  settings: Settings;
  limits: { apiCalls: number; llmTokens: number; storage: number };
  stats: { user_count: number; conversation_count: number; total_interactions: number; storage_bytes: number };
}

const OVERVIEW = `
  query ConsoleOverview($id: UUID!) {
    tenantById(id: $id) {
      id name email description business plan status createdAt updatedAt deletedAt storageQuota storageUsed
      settings { retention_days batch_size max_conversations_per_user max_users encryption_mode webhook_url webhook_events }
      limits { apiCalls llmTokens storage }
      stats { user_count conversation_count total_interactions storage_bytes }
    }
    tenantSettings { name value }
  }`;

const NUMERIC: { key: keyof Settings; label: string; hint: string }[] = [
  { key: 'retention_days', label: 'Retention (days)', hint: '1-3650' },
  { key: 'batch_size', label: 'Batch size', hint: '1-1000' },
  { key: 'max_conversations_per_user', label: 'Max conversations per user', hint: '' },
  { key: 'max_users', label: 'Max users', hint: '' },
];

const limit = (n: number, format: (n: number) => string = number) => (n < 0 || n === 0 ? 'unlimited' : format(n));

export function Overview() {
  const tenantId = useTenantId();
  const identity = useIdentity();
  const { data, error, reload } = useLoad(
    () => gql<{ tenantById: TenantDetail; tenantSettings: { name: string; value: string }[] }>(OVERVIEW, { id: tenantId }, tenantId),
    [tenantId],
  );
  const save = useAction();
  const [form, setForm] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (!data) return;
    const t = data.tenantById;
    setForm({
      name: t.name,
      description: t.description ?? '',
      plan: t.plan,
      ...Object.fromEntries(NUMERIC.map((f) => [f.key, String(t.settings[f.key])])),
    });
  }, [data]);

  if (error) return <ErrorNote error={error} />;
  if (!data) return <Loading what="the tenant" />;
  const t = data.tenantById;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const input: Record<string, unknown> = {
      name: form.name,
      description: form.description || null,
      settings: Object.fromEntries(NUMERIC.map((f) => [f.key, Number(form[f.key])])),
    };
    // Plans are the operator's to change.
    if (identity.role === 'operator' && form.plan !== t.plan) input.plan = form.plan;
    const ok = await save.run(() => gql('mutation ($id: UUID!, $input: UpdateTenantInput!) { updateTenantById(id: $id, input: $input) { id } }', { id: tenantId, input }, tenantId));
    if (ok) {
      setSaved(true);
      reload();
    }
  }

  return (
    <Page title="Overview" subtitle={t.email ?? undefined}>
      <div className="grid">
        <Card title="Status">
          <dl className="facts">
            <dt>Status</dt>
            <dd>
              <StatusBadge status={t.status} />
            </dd>
            <dt>Plan</dt>
            <dd>{t.plan}</dd>
            <dt>Created</dt>
            <dd>{when(t.createdAt)}</dd>
            <dt>Updated</dt>
            <dd>{when(t.updatedAt)}</dd>
            {t.deletedAt && (
              <>
                <dt>Deleted</dt>
                <dd>{when(t.deletedAt)}</dd>
              </>
            )}
            <dt>Tenant id</dt>
            <dd>
              <code>{t.id}</code>
            </dd>
          </dl>
        </Card>
        <Card title="Plan limits (monthly)">
          <dl className="facts">
            <dt>API calls</dt>
            <dd>{limit(t.limits.apiCalls)}</dd>
            <dt>LLM tokens</dt>
            <dd>{limit(t.limits.llmTokens)}</dd>
            <dt>Storage</dt>
            <dd>
              {bytes(t.storageUsed)} of {limit(t.limits.storage, bytes)}
            </dd>
          </dl>
        </Card>
        <Card title="Activity">
          <dl className="facts">
            <dt>Users</dt>
            <dd>{number(t.stats.user_count)}</dd>
            <dt>Conversations</dt>
            <dd>{number(t.stats.conversation_count)}</dd>
            <dt>Interactions</dt>
            <dd>{number(t.stats.total_interactions)}</dd>
          </dl>
        </Card>
      </div>

      <Card title="Settings">
        <form className="form-grid" onSubmit={submit}>
          <label>
            Name
            <input name="name" value={form.name ?? ''} onChange={(e) => setForm({ ...form, name: e.target.value })} required />
          </label>
          <label>
            Plan
            <input name="plan" value={form.plan ?? ''} disabled={identity.role !== 'operator'} onChange={(e) => setForm({ ...form, plan: e.target.value })} />
          </label>
          <label className="wide">
            Description
            <input name="description" value={form.description ?? ''} onChange={(e) => setForm({ ...form, description: e.target.value })} />
          </label>
          {NUMERIC.map((f) => (
            <label key={f.key}>
              {f.label}
              <input name={f.key} type="number" value={form[f.key] ?? ''} onChange={(e) => setForm({ ...form, [f.key]: e.target.value })} />
              {f.hint && <span className="hint">{f.hint}</span>}
            </label>
          ))}
          <label>
            Encryption
            <input value={t.settings.encryption_mode.toLowerCase()} disabled />
          </label>
          <label>
            Settings webhook
            <input value={t.settings.webhook_url ?? 'none'} disabled />
          </label>
          <div className="wide form-actions">
            <button type="submit" disabled={save.busy || t.status === 'DELETED'}>
              Save settings
            </button>
            {saved && <span className="ok">Saved</span>}
            <ErrorNote error={save.error} />
          </div>
        </form>
      </Card>

      <Card title="Custom settings">
        {data.tenantSettings.length === 0 ? (
          <p className="muted">No free-form settings.</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Value</th>
              </tr>
            </thead>
            <tbody>
              {data.tenantSettings.map((s) => (
                <tr key={s.name}>
                  <td>
                    <code>{s.name}</code>
                  </td>
                  <td>{s.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </Page>
  );
}
