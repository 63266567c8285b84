import type { Harness } from '../helpers/harness';
import { AdminClient, bearer } from '../admin/client';

export const OWNER = bearer;

export async function api(
  h: Harness,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = OWNER,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(h.app!.url + path, {
    method,
    headers: { accept: 'application/json', 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text);
  } catch {
    json = { text };
  }
  return { status: res.status, json };
}

/** Makes an account as the owner and returns a bearer header of its own token. */
export async function makeAccount(
  h: Harness,
  input: Record<string, unknown>,
): Promise<{ authorization: string }> {
  const made = await api(h, 'POST', '/admin/api/accounts', { password: 'counter-pass-123', ...input });
  if (made.status !== 201) throw new Error(`account not made: ${JSON.stringify(made.json)}`);
  const t = await api(
    h,
    'POST',
    '/admin/api/tokens',
    { username: input.username, password: 'counter-pass-123' },
    {},
  );
  if (t.status !== 201) throw new Error(`no token: ${JSON.stringify(t.json)}`);
  return { authorization: `Bearer ${t.json.token as string}` };
}

/** The owner logged in to the harness's admin pages (a browser's cookies kept). */
export async function ownerPages(h: Harness): Promise<AdminClient> {
  const owner = new AdminClient(h.app!.url);
  const res = await owner.login();
  if (res.status !== 303) throw new Error(`owner not logged in: ${res.status}`);
  return owner;
}
