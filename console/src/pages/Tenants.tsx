import { useState } from 'react';
import { Link } from 'react-router-dom';
import { gql } from '../api';
import { Card, Empty, ErrorNote, Loading, Page, StatusBadge, useAction, useLoad, when } from '../ui';

interface TenantRow {
  id: string;
  name: string;
  email: string | null;
  plan: string;
  status: string;
  createdAt: string;
}

interface TenantPage {
  tenants: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: TenantRow }[] };
}

const TENANTS = `
  query ConsoleTenants($first: Int!, $after: String, $filter: TenantFilter) {
    tenants(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id name email plan status createdAt } }
    }
  }`;

const PAGE_SIZE = 25;

/** Operators: every tenant, searchable, with the lifecycle actions an operator takes. */
export function Tenants() {
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('');
  const [applied, setApplied] = useState({ search: '', status: '' });
  const [more, setMore] = useState<TenantRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const filter = { ...(applied.search ? { search: applied.search } : {}), ...(applied.status ? { status: applied.status } : {}) };
  const first = useLoad(async () => {
    const page = await gql<TenantPage>(TENANTS, { first: PAGE_SIZE, filter });
    setMore([]);
    setCursor(page.tenants.pageInfo.hasNextPage ? page.tenants.pageInfo.endCursor : null);
    return page.tenants;
  }, [applied.search, applied.status]);
  const action = useAction();

  const rows = [...(first.data?.edges.map((e) => e.node) ?? []), ...more];

  async function loadMore() {
    await action.run(async () => {
      const page = await gql<TenantPage>(TENANTS, { first: PAGE_SIZE, after: cursor, filter });
      setMore((m) => [...m, ...page.tenants.edges.map((e) => e.node)]);
      setCursor(page.tenants.pageInfo.hasNextPage ? page.tenants.pageInfo.endCursor : null);
    });
  }

  async function lifecycle(t: TenantRow, op: 'suspendTenant' | 'reactivateTenant' | 'deleteTenant') {
    const verb = { suspendTenant: 'Suspend', reactivateTenant: 'Reactivate', deleteTenant: 'Delete' }[op];
    const warning = op === 'deleteTenant' ? ' Every key is revoked and its data is purged after its retention period. This cannot be undone.' : op === 'suspendTenant' ? ' Its keys will answer 403 until it is reactivated.' : '';
    if (!window.confirm(`${verb} tenant "${t.name}"?${warning}`)) return;
    if (await action.run(() => gql(`mutation ($id: UUID!) { ${op}(id: $id) { id status } }`, { id: t.id }))) first.reload();
  }

  return (
    <Page title="Tenants" subtitle={first.data ? `${first.data.totalCount} tenant${first.data.totalCount === 1 ? '' : 's'}` : undefined}>
      <Card>
        <form
          className="toolbar"
          onSubmit={(e) => {
            e.preventDefault();
            setApplied({ search: search.trim(), status });
          }}
        >
          <input type="search" name="search" placeholder="Search name or email" value={search} onChange={(e) => setSearch(e.target.value)} />
          <select name="status" value={status} onChange={(e) => setStatus(e.target.value)} aria-label="Status">
            <option value="">Any status</option>
            <option value="ACTIVE">Active</option>
            <option value="SUSPENDED">Suspended</option>
            <option value="DELETED">Deleted</option>
          </select>
          <button type="submit">Search</button>
        </form>
        <ErrorNote error={first.error ?? action.error} />
        {first.loading && !first.data ? (
          <Loading what="tenants" />
        ) : rows.length === 0 ? (
          <Empty>No tenant matches.</Empty>
        ) : (
          <table className="table" data-testid="tenants-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Email</th>
                <th>Plan</th>
                <th>Status</th>
                <th>Created</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.map((t) => (
                <tr key={t.id}>
                  <td>
                    <Link to={`/t/${t.id}`}>{t.name}</Link>
                  </td>
                  <td>{t.email ?? '—'}</td>
                  <td>{t.plan}</td>
                  <td>
                    <StatusBadge status={t.status} />
                  </td>
                  <td>{when(t.createdAt)}</td>
                  <td className="row-actions">
                    {t.status === 'ACTIVE' && (
                      <button type="button" className="secondary" disabled={action.busy} onClick={() => lifecycle(t, 'suspendTenant')}>
                        Suspend
                      </button>
                    )}
                    {t.status === 'SUSPENDED' && (
                      <button type="button" className="secondary" disabled={action.busy} onClick={() => lifecycle(t, 'reactivateTenant')}>
                        Reactivate
                      </button>
                    )}
                    {t.status !== 'DELETED' && (
                      <button type="button" className="danger" disabled={action.busy} onClick={() => lifecycle(t, 'deleteTenant')}>
                        Delete
                      </button>
                    )}
                  </td>
                </tr>
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
