/**
 * Together AI over plain `fetch`: one authenticated JSON (or multipart) request, and every
 * failure as a ProviderError of the right kind (status, code, request id, retry-after). The API
 * key goes into the Authorization header and nowhere else. Retries are the caller's
 * (errors.ts `Retrier`): this layer sends each request once.
 */
import { ProviderError, classifyHttpError, parseRetryAfter } from '../errors.js';
import { TOGETHER_BILLING_HINT } from './wire.js';

/** A non-2xx answer, before it becomes a ProviderError. */
export class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Headers,
  ) {
    super(`HTTP ${status}`);
  }
}

export function requestIdOf(h: Headers): string | null {
  return h.get('x-request-id') ?? h.get('x-together-request-id') ?? h.get('request-id') ?? null;
}

export interface TransportOptions {
  apiKey: string;
  /** Without a trailing slash. */
  baseURL: string;
  fetch: typeof fetch;
  /** Per-request timeout. */
  timeoutMs: number;
}

export class TogetherTransport {
  readonly name = 'together' as const;
  private readonly apiKey: string;
  private readonly baseURL: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;

  constructor(o: TransportOptions) {
    this.apiKey = o.apiKey;
    this.baseURL = o.baseURL;
    this.fetchImpl = o.fetch;
    this.timeoutMs = o.timeoutMs;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<{ data: T; headers: Headers; requestId: string | null }> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.apiKey}`, accept: 'application/json' };
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await this.fetchImpl(`${this.baseURL}${path}`, {
      method,
      headers,
      ...(payload !== undefined ? { body: payload } : {}),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await res.text();
    let data: unknown = null;
    if (text.trim() !== '') {
      try {
        data = JSON.parse(text);
      } catch {
        if (res.ok) {
          throw new ProviderError({
            kind: 'bad-response',
            provider: 'together',
            operation: `${method} ${path}`,
            status: res.status,
            requestId: requestIdOf(res.headers),
            message: `answer to ${method} ${path} is not JSON: ${text.slice(0, 200)}`,
          });
        }
        data = text;
      }
    }
    if (!res.ok) throw new HttpFailure(res.status, data, res.headers);
    return { data: data as T, headers: res.headers, requestId: requestIdOf(res.headers) };
  }

  async get<T>(path: string): Promise<T> {
    return (await this.request<T>('GET', path)).data;
  }

  /** Any thrown value as a ProviderError of the right kind. */
  toError(e: unknown, operation: string): ProviderError {
    if (e instanceof ProviderError) return e;
    const base = { provider: 'together', operation, cause: e };
    if (e instanceof HttpFailure) {
      const b = (e.body && typeof e.body === 'object' ? e.body : {}) as Record<string, unknown>;
      const err = (b.error && typeof b.error === 'object' ? b.error : b) as Record<string, unknown>;
      const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
      const code = str(err.code);
      const type = str(err.type);
      const message = str(err.message) ?? str(b.message) ?? (typeof e.body === 'string' && e.body ? e.body.slice(0, 300) : `HTTP ${e.status}`);
      const kind = classifyHttpError(e.status, code, type);
      return new ProviderError({
        ...base,
        kind,
        status: e.status,
        code,
        type,
        param: str(err.param),
        requestId: requestIdOf(e.headers),
        retryAfterMs: parseRetryAfter((n) => e.headers.get(n)),
        message,
        hint: kind === 'quota' ? TOGETHER_BILLING_HINT : kind === 'auth' ? 'Check the together-api-key secret.' : null,
      });
    }
    const err = e as { name?: string; message?: string; code?: string; cause?: { code?: string; message?: string } };
    if (err?.name === 'TimeoutError') {
      return new ProviderError({ ...base, kind: 'transient', message: `request timed out after ${Math.round(this.timeoutMs / 1000)} s` });
    }
    if (err?.name === 'AbortError') return new ProviderError({ ...base, kind: 'aborted', message: 'request aborted' });
    if (e instanceof TypeError && err.message === 'fetch failed') {
      // undici: resets, refused connections, sockets closed mid-answer.
      const detail = err.cause?.code ?? err.cause?.message;
      return new ProviderError({ ...base, kind: 'transient', message: `connection error${detail ? ` (${detail})` : ''}` });
    }
    return new ProviderError({
      ...base,
      kind: err?.code === 'ENOENT' ? 'invalid' : 'unknown',
      message: err?.message ?? String(e),
    });
  }
}
