import { useState } from 'react';
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useTenantId } from '../App';
import { gql } from '../api';
import { bytes, Card, Empty, ErrorNote, Loading, number, Page, useLoad, when } from '../ui';

interface UsageDay {
  date: string;
  api_calls: number;
  llm_tokens: number;
  bandwidth_bytes: number;
}

interface LimitUsage {
  resource: string;
  metric: string;
  period: string;
  scope: string;
  limit: number;
  current: number;
  percentage: number;
  resetAt: string | null;
}

interface UsageData {
  usageSummary: { period: string; api_calls: number; llm_tokens: number; storage_bytes: number; bandwidth_bytes: number };
  usageHistory: UsageDay[];
  limitUsage: LimitUsage[];
}

const USAGE = `
  query ConsoleUsage($period: String) {
    usageSummary(period: $period) { period api_calls llm_tokens storage_bytes bandwidth_bytes }
    usageHistory(period: $period) { date api_calls llm_tokens bandwidth_bytes }
    limitUsage { resource metric period scope limit current percentage resetAt }
  }`;

const thisMonth = () => new Date().toISOString().slice(0, 7);

/** Every day of the month up to today (or its end), zero where nothing was metered: gaps show as gaps. */
function daysOf(period: string, history: UsageDay[]): UsageDay[] {
  const [y, m] = period.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const today = new Date();
  const upTo = today.getUTCFullYear() === y && today.getUTCMonth() + 1 === m ? today.getUTCDate() : last;
  const byDate = new Map(history.map((d) => [d.date.slice(0, 10), d]));
  return Array.from({ length: upTo }, (_, i) => {
    const date = `${period}-${String(i + 1).padStart(2, '0')}`;
    return byDate.get(date) ?? { date, api_calls: 0, llm_tokens: 0, bandwidth_bytes: 0 };
  });
}

const day = (date: string) => String(Number(date.slice(8, 10)));
const tone = (pct: number) => (pct >= 100 ? '#e03131' : pct >= 80 ? '#f08c00' : '#3b5bdb');

export function Usage() {
  const tenantId = useTenantId();
  const [period, setPeriod] = useState(thisMonth());
  const { data, error } = useLoad(() => gql<UsageData>(USAGE, { period }, tenantId), [tenantId, period]);

  const days = data ? daysOf(period, data.usageHistory) : [];
  const limits = (data?.limitUsage ?? []).filter((l) => l.limit >= 0).map((l) => ({ ...l, name: `${l.resource} ${l.metric} / ${l.period}`, shown: Math.min(100, l.percentage) }));

  return (
    <Page
      title="Usage"
      subtitle="Metered daily totals and the current window of every resource limit."
      actions={
        <label className="inline">
          Month <input type="month" name="period" value={period} max={thisMonth()} onChange={(e) => e.target.value && setPeriod(e.target.value)} />
        </label>
      }
    >
      <ErrorNote error={error} />
      {!data ? (
        <Loading what="usage" />
      ) : (
        <>
          <div className="stats">
            <Stat label="API calls" value={number(data.usageSummary.api_calls)} />
            <Stat label="LLM tokens" value={number(data.usageSummary.llm_tokens)} />
            <Stat label="Bandwidth" value={bytes(data.usageSummary.bandwidth_bytes)} />
            <Stat label="Storage" value={bytes(data.usageSummary.storage_bytes)} />
          </div>
          <div className="grid two">
            <Card title="API calls per day">
              <div className="chart" data-testid="usage-history-chart">
                <ResponsiveContainer width="100%" height={260}>
                  <BarChart data={days} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
                    <CartesianGrid strokeDasharray="3 3" vertical={false} />
                    <XAxis dataKey="date" tickFormatter={day} fontSize={12} />
                    <YAxis allowDecimals={false} fontSize={12} width={56} />
                    <Tooltip formatter={(v) => number(Number(v))} />
                    <Bar dataKey="api_calls" name="API calls" fill="#3b5bdb" isAnimationActive={false} />
                  </BarChart>
                </ResponsiveContainer>
              </div>
            </Card>
            <Card title="LLM tokens per day">
              <div className="chart" data-testid="tokens-history-chart">
                <ResponsiveContainer width="100%" height={260}>
                  <AreaChart data={days} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
                    <CartesianGrid strokeDasharray="3 3" vertical={false} />
                    <XAxis dataKey="date" tickFormatter={day} fontSize={12} />
                    <YAxis allowDecimals={false} fontSize={12} width={56} />
                    <Tooltip formatter={(v) => number(Number(v))} />
                    <Area dataKey="llm_tokens" name="LLM tokens" stroke="#0c8599" fill="#99e9f2" isAnimationActive={false} />
                  </AreaChart>
                </ResponsiveContainer>
              </div>
            </Card>
          </div>
          <Card title="Limit consumption (current window)">
            {limits.length === 0 ? (
              <Empty>No resource limits are defined.</Empty>
            ) : (
              <>
                <div className="chart" data-testid="limits-chart">
                  <ResponsiveContainer width="100%" height={Math.max(120, limits.length * 44)}>
                    <BarChart data={limits} layout="vertical" margin={{ top: 8, right: 24, bottom: 0, left: 8 }}>
                      <CartesianGrid strokeDasharray="3 3" horizontal={false} />
                      <XAxis type="number" domain={[0, 100]} unit="%" fontSize={12} />
                      <YAxis type="category" dataKey="name" width={200} fontSize={12} />
                      <Tooltip formatter={(v) => `${Number(v).toFixed(1)}%`} />
                      <Bar dataKey="shown" name="Consumed" isAnimationActive={false}>
                        {limits.map((l) => (
                          <Cell key={l.name} fill={tone(l.percentage)} />
                        ))}
                      </Bar>
                    </BarChart>
                  </ResponsiveContainer>
                </div>
                <table className="table">
                  <thead>
                    <tr>
                      <th>Limit</th>
                      <th>Scope</th>
                      <th>Used</th>
                      <th>Limit</th>
                      <th>Consumed</th>
                      <th>Resets</th>
                    </tr>
                  </thead>
                  <tbody>
                    {limits.map((l) => (
                      <tr key={l.name}>
                        <td>{l.name}</td>
                        <td>{l.scope}</td>
                        <td>{number(l.current)}</td>
                        <td>{number(l.limit)}</td>
                        <td>{l.percentage.toFixed(1)}%</td>
                        <td>{when(l.resetAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            )}
          </Card>
        </>
      )}
    </Page>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
    </div>
  );
}
