import { useState, type FormEvent } from 'react';
import { useTenantId } from '../App';
import { gql } from '../api';
import { Badge, Card, ErrorNote, Loading, Page, useAction, useLoad } from '../ui';

interface Role {
  name: string;
  description: string | null;
  permissions: string[];
  inherits: string | null;
}

interface Rbac {
  enabled: boolean;
  defaultRole: string;
  roles: Role[];
}

const RBAC = 'query { rbac { enabled defaultRole roles { name description permissions inherits } } }';

/** Roles of the tenant's own end-users (RBAC the data plane checks). */
export function Roles() {
  const tenantId = useTenantId();
  const rbac = useLoad(() => gql<{ rbac: Rbac }>(RBAC, {}, tenantId), [tenantId]);
  const action = useAction();
  const [form, setForm] = useState({ name: '', description: '', permissions: '', inherits: '' });

  async function create(e: FormEvent) {
    e.preventDefault();
    const input = {
      name: form.name.trim(),
      description: form.description.trim() || null,
      permissions: form.permissions.split(/[\s,]+/).filter(Boolean),
      inherits: form.inherits || null,
    };
    if (await action.run(() => gql('mutation ($input: CreateRoleInput!) { createRole(input: $input) { name } }', { input }, tenantId))) {
      setForm({ name: '', description: '', permissions: '', inherits: '' });
      rbac.reload();
    }
  }

  async function remove(role: Role) {
    if (!window.confirm(`Delete role "${role.name}"?`)) return;
    if (await action.run(() => gql('mutation ($name: String!) { deleteRole(name: $name) }', { name: role.name }, tenantId))) rbac.reload();
  }

  async function settings(patch: { enabled?: boolean; defaultRole?: string }) {
    if (await action.run(() => gql('mutation ($enabled: Boolean, $defaultRole: String) { updateRbacSettings(enabled: $enabled, defaultRole: $defaultRole) { enabled } }', patch, tenantId))) rbac.reload();
  }

  const data = rbac.data?.rbac;
  return (
    <Page title="Roles" subtitle="Roles and permissions of this tenant's end-users.">
      <ErrorNote error={rbac.error ?? action.error} />
      {!data ? (
        <Loading what="roles" />
      ) : (
        <>
          <Card title="Settings">
            <div className="toolbar">
              <label className="check">
                <input type="checkbox" checked={data.enabled} disabled={action.busy} onChange={(e) => settings({ enabled: e.target.checked })} /> RBAC enabled
              </label>
              <label className="inline">
                Default role
                <select value={data.defaultRole} disabled={action.busy} onChange={(e) => settings({ defaultRole: e.target.value })}>
                  {data.roles.map((r) => (
                    <option key={r.name}>{r.name}</option>
                  ))}
                </select>
              </label>
            </div>
          </Card>
          <Card title="Roles">
            <table className="table" data-testid="roles-table">
              <thead>
                <tr>
                  <th>Role</th>
                  <th>Description</th>
                  <th>Permissions</th>
                  <th>Inherits</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {data.roles.map((r) => (
                  <tr key={r.name}>
                    <td>
                      <strong>{r.name}</strong> {r.name === data.defaultRole && <Badge tone="blue">default</Badge>}
                    </td>
                    <td>{r.description ?? '—'}</td>
                    <td className="scopes-cell">
                      {r.permissions.length ? r.permissions.map((p) => <code key={p}>{p}</code>) : <span className="muted">none</span>}
                    </td>
                    <td>{r.inherits ?? '—'}</td>
                    <td className="row-actions">
                      <button type="button" className="danger" disabled={action.busy || r.name === data.defaultRole} onClick={() => remove(r)}>
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
          <Card title="Create a role">
            <form className="form-grid" onSubmit={create}>
              <label>
                Name
                <input name="roleName" required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
              </label>
              <label>
                Inherits from
                <select value={form.inherits} onChange={(e) => setForm({ ...form, inherits: e.target.value })}>
                  <option value="">nothing</option>
                  {data.roles.map((r) => (
                    <option key={r.name}>{r.name}</option>
                  ))}
                </select>
              </label>
              <label className="wide">
                Description
                <input value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} />
              </label>
              <label className="wide">
                Permissions (separated by spaces; * and resource:* are wildcards)
                <input name="permissions" value={form.permissions} onChange={(e) => setForm({ ...form, permissions: e.target.value })} placeholder="documents:read documents:write" />
              </label>
              <div className="wide form-actions">
                <button type="submit" disabled={action.busy}>
                  Create role
                </button>
              </div>
            </form>
          </Card>
        </>
      )}
    </Page>
  );
}
