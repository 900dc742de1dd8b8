/**
 * The console's only ways out: the sign-in endpoints and /graphql, always with the console header
 * (without it Tenantry ignores the session cookie, which is what keeps other sites from using it).
 */
const CONSOLE_HEADERS = { 'x-tenantry-console': '1' };

export interface Identity {
  email: string;
  role: 'operator' | 'owner';
  tenantId: string | null;
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Called when the session is gone (expired, signed out elsewhere): the app returns to sign-in. */
let onSignedOut: () => void = () => {};
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

async function answer<T>(res: Response): Promise<T> {
  const body = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) {
    if (res.status === 401) onSignedOut();
    throw new ApiError(body?.message ?? `Request failed (${res.status})`, body?.error ?? 'ERROR', res.status);
  }
  return body as T;
}

export async function signIn(email: string, password: string): Promise<Identity> {
  const res = await fetch('/console/auth/login', {
    method: 'POST',
    headers: { ...CONSOLE_HEADERS, 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (res.status === 401) {
    const body = await res.json().catch(() => null);
    throw new ApiError(body?.message ?? 'Wrong email or password', 'UNAUTHENTICATED', 401);
  }
  return answer<Identity>(res);
}

export async function signOut(): Promise<void> {
  await fetch('/console/auth/logout', { method: 'POST', headers: CONSOLE_HEADERS });
}

export async function whoAmI(): Promise<Identity | null> {
  const res = await fetch('/console/auth/me', { headers: CONSOLE_HEADERS });
  if (res.status === 401) return null;
  return answer<Identity>(res);
}

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/**
 * One GraphQL operation. `tenantId` names the tenant acted on (X-Tenant-ID): an operator's
 * session may name any, an owner's only its own.
 */
export async function gql<T>(query: string, variables: Record<string, unknown> = {}, tenantId?: string): Promise<T> {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { ...CONSOLE_HEADERS, 'content-type': 'application/json', ...(tenantId ? { 'x-tenant-id': tenantId } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json().catch(() => ({}))) as GraphQLAnswer<T>;
  const error = body.errors?.[0];
  if (error) {
    const code = error.extensions?.code ?? 'ERROR';
    if (code === 'UNAUTHENTICATED') onSignedOut();
    throw new ApiError(error.message, code, res.status);
  }
  if (!res.ok || !body.data) throw new ApiError(`Request failed (${res.status})`, 'ERROR', res.status);
  return body.data;
}
