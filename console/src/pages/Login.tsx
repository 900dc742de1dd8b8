import { useState, type FormEvent } from 'react';
import { signIn, type Identity } from '../api';
import { ErrorNote } from '../ui';

export function Login({ onSignedIn }: { onSignedIn: (identity: Identity) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await signIn(email, password));
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  }

  return (
    <div className="login">
      <form className="login-card" onSubmit={submit}>
        <div className="brand">
          <img src="/console/favicon.svg" alt="" width={28} height={28} />
          <span>Tenantry console</span>
        </div>
        <p className="muted">Sign in as an operator or a tenant owner.</p>
        <label>
          Email
          <input name="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <ErrorNote error={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small">
          No password yet? An operator sets one with <code>POST /api/v1/operator-logins</code>, a tenant owner with{' '}
          <code>POST /api/v1/console-logins</code> and a <code>tenant:admin</code> key.
        </p>
      </form>
    </div>
  );
}
