/**
 * One error type for every provider failure, so journeys and reports never look at an SDK's
 * error classes. `kind` says what to do about it; `requestId` is what to quote to support.
 */

export type ProviderErrorKind =
  /** Worth retrying: 408/409/429 rate limits, 5xx, dropped connections, timeouts. */
  | 'transient'
  /** Out of credit or over a hard spend limit (429 `insufficient_quota`): never retried. */
  | 'quota'
  /** The key is missing, wrong or revoked (401). */
  | 'auth'
  /** The key is fine but may not do this (403, `permission`-like codes). */
  | 'permission'
  /** The thing asked for does not exist (404). */
  | 'not-found'
  /** The request was rejected as malformed or not allowed (400, 413, 415, 422). */
  | 'invalid'
  /** The provider answered with something we cannot use (a chat reply without a message). */
  | 'bad-response'
  /** The caller aborted. */
  | 'aborted'
  /** Anything else. */
  | 'unknown';

export interface ProviderErrorInit {
  kind: ProviderErrorKind;
  message: string;
  provider: string;
  /** What we were doing, e.g. `createJob`, `upload`. */
  operation: string;
  status?: number | null;
  code?: string | null;
  type?: string | null;
  param?: string | null;
  requestId?: string | null;
  hint?: string | null;
  /** Milliseconds the provider asked us to wait before retrying (retry-after), if it said. */
  retryAfterMs?: number | null;
  cause?: unknown;
}

export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly provider: string;
  readonly operation: string;
  readonly status: number | null;
  readonly code: string | null;
  readonly type: string | null;
  readonly param: string | null;
  readonly requestId: string | null;
  readonly hint: string | null;
  readonly retryAfterMs: number | null;

  constructor(init: ProviderErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ProviderError';
    this.kind = init.kind;
    this.provider = init.provider;
    this.operation = init.operation;
    this.status = init.status ?? null;
    this.code = init.code ?? null;
    this.type = init.type ?? null;
    this.param = init.param ?? null;
    this.requestId = init.requestId ?? null;
    this.hint = init.hint ?? null;
    this.retryAfterMs = init.retryAfterMs ?? null;
  }

  /** A copy with another hint (and optionally kind/message), keeping everything else. */
  withHint(hint: string, patch: Partial<Pick<ProviderErrorInit, 'kind' | 'message'>> = {}): ProviderError {
    return new ProviderError({ ...this.toInit(), hint, ...patch });
  }

  toInit(): ProviderErrorInit {
    return {
      kind: this.kind,
      message: this.message,
      provider: this.provider,
      operation: this.operation,
      status: this.status,
      code: this.code,
      type: this.type,
      param: this.param,
      requestId: this.requestId,
      hint: this.hint,
      retryAfterMs: this.retryAfterMs,
      cause: this.cause,
    };
  }

  /** One line for logs: what failed, status, code, request id. Never contains credentials. */
  describe(): string {
    const bits = [`${this.provider} ${this.operation} failed: ${this.message}`];
    const meta: string[] = [];
    if (this.status != null) meta.push(`status ${this.status}`);
    if (this.code) meta.push(`code ${this.code}`);
    if (this.param) meta.push(`param ${this.param}`);
    if (this.requestId) meta.push(`request id ${this.requestId}`);
    if (meta.length) bits.push(`(${meta.join(', ')})`);
    if (this.hint) bits.push(`— ${this.hint}`);
    return bits.join(' ');
  }
}

export function isProviderError(e: unknown): e is ProviderError {
  return e instanceof ProviderError;
}

/** `retry-after-ms`, then `retry-after` (seconds or an HTTP date), in milliseconds; null if absent. */
export function parseRetryAfter(
  get: (name: string) => string | null | undefined,
  now: () => number = Date.now,
): number | null {
  const ms = get('retry-after-ms');
  if (ms != null && ms.trim() !== '') {
    const n = Number(ms);
    if (Number.isFinite(n) && n >= 0) return n;
  }
  const ra = get('retry-after');
  if (ra == null || ra.trim() === '') return null;
  const secs = Number(ra);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const at = Date.parse(ra);
  if (!Number.isNaN(at)) return Math.max(0, at - now());
  return null;
}
