// The one place that talks HTTP. Routes are relative ("api/catalog"), so the
// dashboard works wherever the server mounts it. Errors carry the contract's
// located diagnostics (docs/api/openapi.json, Diagnostic).

export interface Diagnostic {
  /** which document: "body" (the request JSON), "portfolio", "cases", ... */
  in: string;
  /** JSON pointer into that document */
  pointer: string;
  line?: number;
  column?: number;
  severity: 'error' | 'warning' | 'note';
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly diagnostics: Diagnostic[] = [],
    readonly id?: string,
  ) {
    super(message);
  }
}

export const apiUrl = (path: string) => new URL(path.replace(/^\//, ''), document.baseURI).toString();

async function errorFrom(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON */
  }
  const b = (body ?? {}) as { error?: string; message?: string; diagnostics?: Diagnostic[]; id?: string; limit_bytes?: number };
  const diagnostics = Array.isArray(b.diagnostics) ? b.diagnostics : [];
  let message = b.message ?? b.error ?? `${res.status} ${res.statusText}`;
  if (res.status === 413 && b.limit_bytes) message = `the request is over the server's limit of ${Math.round(b.limit_bytes / 1024)} KiB`;
  if (res.status >= 500 && b.id) message = `${b.error ?? 'server error'} (id ${b.id})`;
  if (res.status === 400 && diagnostics.length) message = diagnostics.map((d) => d.message).join('; ');
  return new ApiError(res.status, message, diagnostics, b.id);
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(apiUrl(path), { headers: { Accept: 'application/json' }, signal });
  if (!res.ok) throw await errorFrom(res);
  return (await res.json()) as T;
}

/** POST a JSON value, or a text body with its media type. */
export async function postJson<T>(path: string, body: unknown, options: { contentType?: string; signal?: AbortSignal } = {}): Promise<T> {
  const contentType = options.contentType ?? 'application/json';
  const res = await fetch(apiUrl(path), {
    method: 'POST',
    headers: { 'Content-Type': contentType, Accept: 'application/json' },
    body: contentType === 'application/json' ? JSON.stringify(body) : (body as string),
    signal: options.signal,
  });
  if (!res.ok) throw await errorFrom(res);
  return (await res.json()) as T;
}

export async function deleteJson<T>(path: string): Promise<T> {
  const res = await fetch(apiUrl(path), { method: 'DELETE', headers: { Accept: 'application/json' } });
  if (!res.ok) throw await errorFrom(res);
  return (await res.json()) as T;
}

/** Query text from the defined entries: "?vendor=amd". */
export function query(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}
