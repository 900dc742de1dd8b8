import { Fragment, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { gql } from '../api';
import { Card, Empty, ErrorNote, Loading, Page, useAction, useLoad, when } from '../ui';

interface AuditEvent {
  id: string;
  tenantId: string | null;
  actorType: string;
  actorKeyId: string | null;
  actorPrefix: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  changes: Record<string, { from: unknown; to: unknown }> | null;
  ip: string | null;
  requestId: string | null;
  createdAt: string;
}

interface AuditPage {
  auditEvents: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: AuditEvent }[] };
}

const AUDIT = `
  query ConsoleAudit($first: Int!, $after: String, $filter: AuditFilter) {
    auditEvents(first: $first, after: $after, filter: $filter) {
      pageInfo { hasNextPage endCursor }
      edges { node { id tenantId actorType actorKeyId actorPrefix action targetType targetId changes ip requestId createdAt } }
    }
  }`;

interface Filters {
  action: string;
  targetType: string;
  targetId: string;
  actorKeyId: string;
  from: string;
  to: string;
}

const EMPTY: Filters = { action: '', targetType: '', targetId: '', actorKeyId: '', from: '', to: '' };

function toFilter(f: Filters): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['action', 'targetType', 'targetId', 'actorKeyId'] as const) if (f[k].trim()) out[k] = f[k].trim();
  if (f.from) out.from = new Date(f.from).toISOString();
  if (f.to) out.to = new Date(f.to).toISOString();
  return out;
}

/** A tenant's audit trail (under /t/:tenantId), or every tenant's for operators (/audit). */
export function Audit() {
  const { tenantId } = useParams();
  const [form, setForm] = useState<Filters>(EMPTY);
  const [applied, setApplied] = useState<Filters>(EMPTY);
  const [more, setMore] = useState<AuditEvent[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const action = useAction();

  const first = useLoad(async () => {
    const page = await gql<AuditPage>(AUDIT, { first: 50, filter: toFilter(applied) }, tenantId);
    setMore([]);
    setCursor(page.auditEvents.pageInfo.hasNextPage ? page.auditEvents.pageInfo.endCursor : null);
    return page.auditEvents.edges.map((e) => e.node);
  }, [tenantId, applied]);

  const rows = [...(first.data ?? []), ...more];

  async function loadMore() {
    await action.run(async () => {
      const page = await gql<AuditPage>(AUDIT, { first: 50, after: cursor, filter: toFilter(applied) }, tenantId);
      setMore((m) => [...m, ...page.auditEvents.edges.map((e) => e.node)]);
      setCursor(page.auditEvents.pageInfo.hasNextPage ? page.auditEvents.pageInfo.endCursor : null);
    });
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    setApplied(form);
  }

  return (
    <Page title="Audit log" subtitle={tenantId ? 'Every change to this tenant, newest first.' : 'Every change on the platform, newest first.'}>
      <Card>
        <form className="filters" onSubmit={submit} data-testid="audit-filters">
          <label>
            Action
            <input name="action" value={form.action} onChange={(e) => setForm({ ...form, action: e.target.value })} placeholder="api_key.created" />
          </label>
          <label>
            Target type
            <input name="targetType" value={form.targetType} onChange={(e) => setForm({ ...form, targetType: e.target.value })} placeholder="api_key" />
          </label>
          <label>
            Target id
            <input name="targetId" value={form.targetId} onChange={(e) => setForm({ ...form, targetId: e.target.value })} />
          </label>
          <label>
            Actor id
            <input name="actorKeyId" value={form.actorKeyId} onChange={(e) => setForm({ ...form, actorKeyId: e.target.value })} />
          </label>
          <label>
            From
            <input name="from" type="datetime-local" value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} />
          </label>
          <label>
            To
            <input name="to" type="datetime-local" value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} />
          </label>
          <div className="form-actions">
            <button type="submit">Filter</button>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setForm(EMPTY);
                setApplied(EMPTY);
              }}
            >
              Clear
            </button>
          </div>
        </form>
        <ErrorNote error={first.error ?? action.error} />
        {!first.data ? (
          <Loading what="events" />
        ) : rows.length === 0 ? (
          <Empty>No event matches.</Empty>
        ) : (
          <table className="table" data-testid="audit-table">
            <thead>
              <tr>
                <th>When</th>
                <th>Action</th>
                <th>Actor</th>
                <th>Target</th>
                {!tenantId && <th>Tenant</th>}
                <th>From</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <Fragment key={e.id}>
                  <tr data-action={e.action}>
                    <td>{when(e.createdAt)}</td>
                    <td>
                      <code>{e.action}</code>
                    </td>
                    <td>
                      {e.actorType}
                      {e.actorPrefix && <span className="muted"> · {e.actorPrefix}</span>}
                    </td>
                    <td>
                      {e.targetType}
                      {e.targetId && <code className="muted"> {e.targetId.slice(0, 8)}</code>}
                    </td>
                    {!tenantId && <td>{e.tenantId ? <Link to={`/t/${e.tenantId}/audit`}>{e.tenantId.slice(0, 8)}</Link> : <span className="muted">platform</span>}</td>}
                    <td>{e.ip ?? '—'}</td>
                    <td className="row-actions">
                      {e.changes && Object.keys(e.changes).length > 0 && (
                        <button type="button" className="secondary" onClick={() => setOpen(open === e.id ? null : e.id)}>
                          {open === e.id ? 'Hide' : 'Changes'}
                        </button>
                      )}
                    </td>
                  </tr>
                  {open === e.id && e.changes && (
                    <tr className="detail">
                      <td colSpan={tenantId ? 6 : 7}>
                        <table className="changes">
                          <tbody>
                            {Object.entries(e.changes).map(([field, c]) => (
                              <tr key={field}>
                                <th>{field}</th>
                                <td>
                                  <code>{JSON.stringify(c.from)}</code>
                                </td>
                                <td>→</td>
                                <td>
                                  <code>{JSON.stringify(c.to)}</code>
                                </td>
                              </tr>
                            ))}
                          </tbody>
                        </table>
                        <p className="muted small">request {e.requestId ?? '—'}</p>
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        )}
        {cursor && (
          <button type="button" className="secondary" disabled={action.busy} onClick={loadMore}>
            Load more
          </button>
        )}
      </Card>
    </Page>
  );
}
