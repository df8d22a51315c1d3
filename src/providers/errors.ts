/**
 * One error type for every provider failure, so journeys and reports never look at an SDK's
 * error classes. `kind` says what to do about it; `requestId` is what to quote to support.
 */

import { redact } from '../redact.js';

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
  /** The line of the uploaded file a validation error points at (Together's validation report). */
  line?: number | null;
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
  readonly line: number | null;

  constructor(init: ProviderErrorInit) {
    // A provider may echo the key it was sent: masked here, on the raw text, before any report.
    super(redact(init.message), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ProviderError';
    this.kind = init.kind;
    this.provider = init.provider;
    this.operation = init.operation;
    this.status = init.status ?? null;
    this.code = init.code ?? null;
    this.type = init.type ?? null;
    this.param = init.param ?? null;
    this.requestId = init.requestId ?? null;
    this.hint = init.hint == null ? null : redact(init.hint);
    this.retryAfterMs = init.retryAfterMs ?? null;
    this.line = init.line ?? null;
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
      line: this.line,
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
    if (this.line != null) meta.push(`line ${this.line}`);
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
export function parseRetryAfter(get: (name: string) => string | null | undefined, now: () => number = Date.now): number | null {
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

/**
 * What an HTTP error means, from its status and the provider's `code` / `type`. Shared by every
 * adapter so that a 429 or a 503 is treated the same whoever sent it.
 */
export function classifyHttpError(status: number | null, code: string | null, type: string | null): ProviderErrorKind {
  const c = `${code ?? ''} ${type ?? ''}`.toLowerCase();
  if (code === 'insufficient_quota' || type === 'insufficient_quota' || /insufficient_(quota|balance|funds|credits?)|credit_limit/.test(c)) {
    return 'quota';
  }
  // 402 Payment Required: Together answers it when the account is out of credit.
  if (status === 402) return 'quota';
  if (status === 401) return 'auth';
  if (status === 403 || /permission|not_allowed|unauthori[sz]ed|forbidden/.test(c)) return 'permission';
  if (status === 404) return 'not-found';
  if (status === 408 || status === 409 || status === 429) return 'transient';
  if (status != null && status >= 500) return 'transient';
  if (status != null && status >= 400) return 'invalid';
  return 'unknown';
}

export interface RetryOptions {
  /** Total tries per call, first one included. Default 6. */
  attempts?: number;
  /** First backoff delay; doubles each time, with jitter. Default 500 ms. */
  baseDelayMs?: number;
  /** Longest backoff delay. Default 30 s. */
  maxDelayMs?: number;
  /** Longest `retry-after` honoured. Default 60 s. */
  maxRetryAfterMs?: number;
}

export const defaultSleep = (ms: number): Promise<void> => new Promise<void>((r) => setTimeout(r, ms));

export interface RetrierOptions {
  retry?: RetryOptions;
  /** Turns anything thrown into a ProviderError for an operation. */
  toError: (e: unknown, operation: string) => ProviderError;
  log?: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The retry rules every adapter follows: only `transient` errors are retried (never `quota`),
 * `retry-after` is honoured up to a bound, and a request that creates something is never
 * re-sent before looking for what a lost attempt may have created.
 */
export class Retrier {
  readonly retry: Required<RetryOptions>;
  private readonly toError: (e: unknown, operation: string) => ProviderError;
  private readonly log: (line: string) => void;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: RetrierOptions) {
    this.retry = {
      attempts: options.retry?.attempts ?? 6,
      baseDelayMs: options.retry?.baseDelayMs ?? 500,
      maxDelayMs: options.retry?.maxDelayMs ?? 30_000,
      maxRetryAfterMs: options.retry?.maxRetryAfterMs ?? 60_000,
    };
    this.toError = options.toError;
    this.log = options.log ?? (() => {});
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** Run a read (or an idempotent write) with retries on transient errors. */
  async call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        const pe = this.toError(e, operation);
        if (pe.kind !== 'transient' || attempt >= this.retry.attempts) throw pe;
        await this.backoff(pe, attempt);
      }
    }
  }

  /**
   * Run something that creates a resource. It is sent once per attempt with no SDK retry;
   * after a transient failure `recover` looks for what a lost request may have created, and
   * only if that finds nothing is the create sent again.
   */
  async createOnce<T>(operation: string, create: () => Promise<T>, recover: () => Promise<T | null>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await create();
      } catch (e) {
        const pe = this.toError(e, operation);
        if (pe.kind !== 'transient' || attempt >= this.retry.attempts) throw pe;
        await this.backoff(pe, attempt);
        // The lost request may have made the thing: look (with retries of its own, and its
        // failures as ProviderErrors) before sending it again.
        const found = await this.call(`${operation} (looking for what the lost request made)`, recover);
        if (found) return found;
      }
    }
  }

  async backoff(pe: ProviderError, attempt: number): Promise<void> {
    const exp = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    const jittered = exp * (0.75 + Math.random() * 0.25);
    const delay = pe.retryAfterMs != null ? Math.min(pe.retryAfterMs, this.retry.maxRetryAfterMs) : jittered;
    const why = pe.status != null ? `HTTP ${pe.status}${pe.code ? ` ${pe.code}` : ''}` : pe.message;
    this.log(`${pe.operation}: ${why}${pe.requestId ? ` (request id ${pe.requestId})` : ''}; ` + `try ${attempt + 1} of ${this.retry.attempts} in ${(delay / 1000).toFixed(delay < 1000 ? 3 : 1)} s`);
    await this.sleep(delay);
  }
}
