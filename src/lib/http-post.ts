/**
 * One POST to a service we do not control (Telegram, a webhook, Semaphore), with a deadline: the answer's status,
 * text and headers, or what went wrong on the way in words an owner can act on. No redirects are followed.
 */

/** What went wrong on the way, in words an owner can act on. */
function transportError(err: unknown, timeoutMs: number): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'AbortError' || e.name === 'TimeoutError')
    return `no answer within ${Math.round(timeoutMs / 1000)} s`;
  const code = e.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'address not found (DNS): check the address';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection closed before an answer';
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return 'connection timed out';
  if (code && /CERT|SSL|TLS/.test(code)) return `TLS problem (${code}): check the address's certificate`;
  return code ? `${code}: ${e.cause?.message ?? e.message}` : (e.cause?.message ?? e.message);
}

export async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<{ status: number; text: string; headers: Headers } | { error: string }> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'PisoNet-Manager', ...headers },
      body,
      redirect: 'manual',
      signal: abort.signal,
    });
    return { status: res.status, text: await res.text(), headers: res.headers };
  } catch (err) {
    return { error: transportError(err, timeoutMs) };
  } finally {
    clearTimeout(timer);
  }
}

/** Retry-After as seconds (the form servers use); undefined when absent or a date. */
export function retryAfterHeader(h: Headers): number | undefined {
  const v = h.get('retry-after');
  return v && /^\d+$/.test(v.trim()) ? Number(v.trim()) * 1000 : undefined;
}
