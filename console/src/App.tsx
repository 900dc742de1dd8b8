import { createContext, useContext, useEffect, useState } from 'react';
import { Navigate, NavLink, Outlet, Route, Routes, useParams } from 'react-router-dom';
import { gql, signOut, whenSignedOut, whoAmI, type Identity } from './api';
import { ApiKeys } from './pages/ApiKeys';
import { Audit } from './pages/Audit';
import { Login } from './pages/Login';
import { Overview } from './pages/Overview';
import { Roles } from './pages/Roles';
import { Tenants } from './pages/Tenants';
import { Usage } from './pages/Usage';
import { Webhooks } from './pages/Webhooks';
import { StatusBadge, useLoad } from './ui';

const IdentityContext = createContext<Identity | null>(null);
export const useIdentity = () => useContext(IdentityContext)!;

/** The tenant the current page acts on (sent as X-Tenant-ID). */
export function useTenantId(): string {
  return useParams().tenantId!;
}

export function App() {
  const [identity, setIdentity] = useState<Identity | null | undefined>(undefined);
  useEffect(() => {
    whenSignedOut(() => setIdentity(null));
    whoAmI().then(setIdentity, () => setIdentity(null));
  }, []);

  if (identity === undefined) return <div className="boot muted">Loading…</div>;
  if (!identity) return <Login onSignedIn={setIdentity} />;

  const home = identity.role === 'operator' ? '/tenants' : `/t/${identity.tenantId}`;
  return (
    <IdentityContext.Provider value={identity}>
      <Routes>
        <Route element={<Shell identity={identity} onSignedOut={() => setIdentity(null)} />}>
          <Route index element={<Navigate to={home} replace />} />
          {identity.role === 'operator' && <Route path="tenants" element={<Tenants />} />}
          {identity.role === 'operator' && <Route path="audit" element={<Audit />} />}
          <Route path="t/:tenantId" element={<TenantSection />}>
            <Route index element={<Overview />} />
            <Route path="keys" element={<ApiKeys />} />
            <Route path="usage" element={<Usage />} />
            <Route path="roles" element={<Roles />} />
            <Route path="webhooks" element={<Webhooks />} />
            <Route path="audit" element={<Audit />} />
          </Route>
          <Route path="*" element={<NotFound home={home} />} />
        </Route>
      </Routes>
    </IdentityContext.Provider>
  );
}

function Shell({ identity, onSignedOut }: { identity: Identity; onSignedOut: () => void }) {
  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="brand">
          <img src="/console/favicon.svg" alt="" width={24} height={24} />
          <span>Tenantry</span>
        </div>
        {identity.role === 'operator' && (
          <nav className="nav">
            <div className="nav-title">Platform</div>
            <NavLink to="/tenants">Tenants</NavLink>
            <NavLink to="/audit" end>
              Audit log
            </NavLink>
          </nav>
        )}
        <Routes>
          <Route path="t/:tenantId/*" element={<TenantNav />} />
          <Route path="*" element={null} />
        </Routes>
      </aside>
      <div className="main">
        <header className="topbar">
          <span className="muted">Signed in as</span>
          <strong data-testid="signed-in-as">{identity.email}</strong>
          <span className="badge badge-blue">{identity.role}</span>
          <button
            type="button"
            className="secondary"
            onClick={async () => {
              await signOut();
              onSignedOut();
            }}
          >
            Sign out
          </button>
        </header>
        <main className="content">
          <Outlet />
        </main>
      </div>
    </div>
  );
}

function TenantNav() {
  const { tenantId } = useParams();
  const base = `/t/${tenantId}`;
  return (
    <nav className="nav">
      <div className="nav-title">Tenant</div>
      <NavLink to={base} end>
        Overview
      </NavLink>
      <NavLink to={`${base}/keys`}>API keys</NavLink>
      <NavLink to={`${base}/usage`}>Usage</NavLink>
      <NavLink to={`${base}/roles`}>Roles</NavLink>
      <NavLink to={`${base}/webhooks`}>Webhooks</NavLink>
      <NavLink to={`${base}/audit`}>Audit log</NavLink>
    </nav>
  );
}

/** A tenant's pages, under a strip naming the tenant. */
function TenantSection() {
  const tenantId = useTenantId();
  const { data } = useLoad(
    () => gql<{ tenantById: { name: string; status: string; plan: string } }>('query ($id: UUID!) { tenantById(id: $id) { name status plan } }', { id: tenantId }, tenantId),
    [tenantId],
  );
  return (
    <>
      {data && (
        <div className="tenant-strip">
          <span className="tenant-name">{data.tenantById.name}</span>
          <StatusBadge status={data.tenantById.status} />
          <span className="muted">plan {data.tenantById.plan}</span>
          <code className="muted">{tenantId}</code>
        </div>
      )}
      <Outlet />
    </>
  );
}

function NotFound({ home }: { home: string }) {
  return (
    <section className="page">
      <h1>Not found</h1>
      <p>
        This page does not exist. <NavLink to={home}>Go home</NavLink>
      </p>
    </section>
  );
}
