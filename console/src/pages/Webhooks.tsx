import { Fragment, useState, type FormEvent } from 'react';
import { useTenantId } from '../App';
import { gql } from '../api';
import { Card, Empty, ErrorNote, Loading, Page, ShownOnce, StatusBadge, useAction, useLoad, when } from '../ui';

interface Webhook {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
  status: string;
  source: string;
  failingSince: string | null;
  disabledReason: string | null;
  createdAt: string;
}

interface Attempt {
  attempt: number;
  statusCode: number | null;
  success: boolean;
  error: string | null;
  latencyMs: number;
  startedAt: string;
}

interface Delivery {
  id: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  log: Attempt[];
}

const FIELDS = 'id url description events enabled status source failingSince disabledReason createdAt';

export function Webhooks() {
  const tenantId = useTenantId();
  const hooks = useLoad(() => gql<{ webhooks: Webhook[] }>(`query { webhooks { ${FIELDS} } }`, {}, tenantId), [tenantId]);
  const action = useAction();
  const [secret, setSecret] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState('');

  async function create(e: FormEvent) {
    e.preventDefault();
    const input = { url, events: events.split(/[\s,]+/).filter(Boolean) };
    await action.run(async () => {
      const { createWebhook } = await gql<{ createWebhook: { secret: string; webhook: Webhook } }>(
        `mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { secret webhook { id } } }`,
        { input },
        tenantId,
      );
      setSecret(createWebhook.secret);
      setUrl('');
      setEvents('');
      hooks.reload();
    });
  }

  async function toggle(w: Webhook) {
    if (await action.run(() => gql('mutation ($id: String!, $input: UpdateWebhookInput!) { updateWebhook(id: $id, input: $input) { id } }', { id: w.id, input: { enabled: !w.enabled } }, tenantId))) hooks.reload();
  }

  async function remove(w: Webhook) {
    if (!window.confirm(`Delete the endpoint ${w.url}? Pending deliveries are cancelled.`)) return;
    if (await action.run(() => gql('mutation ($id: String!) { deleteWebhook(id: $id) { id } }', { id: w.id }, tenantId))) {
      if (selected === w.id) setSelected(null);
      hooks.reload();
    }
  }

  return (
    <Page title="Webhooks" subtitle="Endpoints that receive this tenant's events, signed (Standard Webhooks) and retried.">
      {secret && <ShownOnce label="Signing secret of the new endpoint" value={secret} onDone={() => setSecret(null)} />}
      <ErrorNote error={hooks.error ?? action.error} />
      <Card title="Endpoints">
        {!hooks.data ? (
          <Loading what="endpoints" />
        ) : hooks.data.webhooks.length === 0 ? (
          <Empty>No endpoints yet.</Empty>
        ) : (
          <table className="table" data-testid="webhooks-table">
            <thead>
              <tr>
                <th>URL</th>
                <th>Events</th>
                <th>Status</th>
                <th>Source</th>
                <th>Failing since</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {hooks.data.webhooks.map((w) => (
                <tr key={w.id} className={selected === w.id ? 'selected' : undefined}>
                  <td className="url">{w.url}</td>
                  <td className="scopes-cell">{w.events.length ? w.events.map((e) => <code key={e}>{e}</code>) : <span className="muted">every event</span>}</td>
                  <td>
                    <StatusBadge status={w.status} />
                  </td>
                  <td>{w.source}</td>
                  <td>{when(w.failingSince)}</td>
                  <td className="row-actions">
                    <button type="button" className="secondary" onClick={() => setSelected(selected === w.id ? null : w.id)}>
                      {selected === w.id ? 'Hide deliveries' : 'Deliveries'}
                    </button>
                    {w.source === 'api' && (
                      <>
                        <button type="button" className="secondary" disabled={action.busy} onClick={() => toggle(w)}>
                          {w.enabled ? 'Disable' : 'Enable'}
                        </button>
                        <button type="button" className="danger" disabled={action.busy} onClick={() => remove(w)}>
                          Delete
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      {selected && <Deliveries webhookId={selected} />}
      <Card title="Add an endpoint">
        <form className="form-grid" onSubmit={create}>
          <label className="wide">
            URL (https)
            <input name="url" type="url" required value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://hooks.example.com/tenantry" />
          </label>
          <label className="wide">
            Events (types or patterns such as role.*, separated by spaces; empty: every event)
            <input name="events" value={events} onChange={(e) => setEvents(e.target.value)} />
          </label>
          <div className="wide form-actions">
            <button type="submit" disabled={action.busy}>
              Add endpoint
            </button>
          </div>
        </form>
      </Card>
    </Page>
  );
}

function Deliveries({ webhookId }: { webhookId: string }) {
  const tenantId = useTenantId();
  const [status, setStatus] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const log = useLoad(
    () =>
      gql<{ webhookDeliveries: { deliveries: Delivery[]; nextCursor: string | null } }>(
        `query ($id: String!, $status: String) { webhookDeliveries(webhookId: $id, first: 50, status: $status) {
          deliveries { id eventType status attempts lastStatusCode lastError createdAt lastAttemptAt nextAttemptAt
            log { attempt statusCode success error latencyMs startedAt } }
          nextCursor } }`,
        { id: webhookId, status: status || null },
        tenantId,
      ),
    [webhookId, status],
  );
  const action = useAction();

  async function redeliver(d: Delivery) {
    if (await action.run(() => gql('mutation ($w: String!, $d: String!) { redeliverWebhook(webhookId: $w, deliveryId: $d) { id } }', { w: webhookId, d: d.id }, tenantId))) log.reload();
  }

  return (
    <Card
      title="Delivery log"
      actions={
        <select aria-label="Delivery status" value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">All</option>
          <option value="pending">Pending</option>
          <option value="succeeded">Succeeded</option>
          <option value="failed">Failed</option>
          <option value="cancelled">Cancelled</option>
        </select>
      }
    >
      <ErrorNote error={log.error ?? action.error} />
      {!log.data ? (
        <Loading what="deliveries" />
      ) : log.data.webhookDeliveries.deliveries.length === 0 ? (
        <Empty>No deliveries yet.</Empty>
      ) : (
        <table className="table" data-testid="deliveries-table">
          <thead>
            <tr>
              <th>Event</th>
              <th>Status</th>
              <th>Attempts</th>
              <th>Last answer</th>
              <th>Created</th>
              <th>Next attempt</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {log.data.webhookDeliveries.deliveries.map((d) => (
              <Fragment key={d.id}>
                <tr>
                  <td>
                    <code>{d.eventType}</code>
                  </td>
                  <td>
                    <StatusBadge status={d.status} />
                  </td>
                  <td>{d.attempts}</td>
                  <td>{d.lastStatusCode ?? d.lastError ?? '—'}</td>
                  <td>{when(d.createdAt)}</td>
                  <td>{when(d.nextAttemptAt)}</td>
                  <td className="row-actions">
                    <button type="button" className="secondary" onClick={() => setOpen(open === d.id ? null : d.id)}>
                      {open === d.id ? 'Hide' : 'Attempts'}
                    </button>
                    {d.status !== 'pending' && (
                      <button type="button" className="secondary" disabled={action.busy} onClick={() => redeliver(d)}>
                        Redeliver
                      </button>
                    )}
                  </td>
                </tr>
                {open === d.id && (
                  <tr className="detail">
                    <td colSpan={7}>
                      {d.log.length === 0 ? (
                        <span className="muted">Not attempted yet.</span>
                      ) : (
                        <ul className="attempts">
                          {d.log.map((a) => (
                            <li key={a.attempt}>
                              #{a.attempt} {when(a.startedAt)} · {a.success ? 'ok' : 'failed'} · {a.statusCode ?? a.error ?? 'no answer'} · {a.latencyMs} ms
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
