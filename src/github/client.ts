/**
 * The one place that makes an Octokit. Everything under `src/github/` takes a `GitHubClient`
 * so tests can point it at the fake GitHub (through Prism) with `GITHUB_API_URL` or `baseUrl`.
 */
import { getOctokit } from '@actions/github';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface ClientOptions {
  /** API root; default `GITHUB_API_URL` (set by the runner), else https://api.github.com. */
  baseUrl?: string;
  /** Extra attempts after the first for retryable failures (default 3; 0 disables). */
  retries?: number;
  /** First backoff delay in ms, doubled per attempt (default 1000). */
  retryBaseMs?: number;
  /** Longest single wait we accept from retry-after / rate-limit reset (default 60 s). */
  maxRetryWaitMs?: number;
  /** Called before each retry (e.g. `core.info`). */
  onRetry?: (info: { method: string; url: string; status: number | undefined; attempt: number; waitMs: number }) => void;
  userAgent?: string;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

interface ErrorLike {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

/**
 * Octokit with `baseUrl` from the environment and a small retry layer (no plugin-retry in the
 * tree): idempotent requests retry on 5xx and dropped connections; every request retries on
 * 429 and on GitHub's secondary rate limit (403 with retry-after or "secondary rate limit"),
 * since those were not processed. POSTs are not retried on 5xx (they might have been applied).
 */
export function createClient(token: string, options: ClientOptions = {}): GitHubClient {
  const baseUrl = (options.baseUrl ?? process.env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, '');
  const octokit = getOctokit(token, {
    baseUrl,
    ...(options.userAgent ? { userAgent: options.userAgent } : {}),
  });
  const retries = options.retries ?? 3;
  const base = options.retryBaseMs ?? 1000;
  const maxWait = options.maxRetryWaitMs ?? 60_000;

  octokit.hook.wrap('request', async (request, reqOptions) => {
    const method = String(reqOptions.method ?? 'GET').toUpperCase();
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(reqOptions);
      } catch (error) {
        const err = error as ErrorLike;
        const wait = retryWait(err, method, attempt, base);
        if (attempt >= retries || wait === null || wait > maxWait) throw error;
        options.onRetry?.({ method, url: String(reqOptions.url), status: err.status, attempt: attempt + 1, waitMs: wait });
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  });
  return octokit;
}

/** Milliseconds to wait before retrying, or null when the failure is not retryable. */
export function retryWait(err: ErrorLike, method: string, attempt: number, baseMs: number): number | null {
  const status = err.status;
  const headers = err.response?.headers ?? {};
  const backoff = baseMs * 2 ** attempt;
  const retryAfter = Number(headers['retry-after']);
  const fromHeaders = (): number | null => {
    if (Number.isFinite(retryAfter) && retryAfter >= 0) return retryAfter * 1000;
    if (String(headers['x-ratelimit-remaining']) === '0' && headers['x-ratelimit-reset'] !== undefined) {
      return Math.max(0, Number(headers['x-ratelimit-reset']) * 1000 - Date.now()) + 1000;
    }
    return null;
  };
  const msg = `${err.message ?? ''} ${JSON.stringify(err.response?.data ?? '')}`.toLowerCase();
  if (status === 429) return fromHeaders() ?? backoff;
  if (status === 403 && (msg.includes('secondary rate limit') || headers['retry-after'] !== undefined)) {
    return fromHeaders() ?? Math.max(backoff, 60_000);
  }
  if (status === 403 && String(headers['x-ratelimit-remaining']) === '0') return fromHeaders();
  if (!IDEMPOTENT.has(method)) return null;
  // Octokit reports a failed fetch (connection reset, DNS) as status 500 without a response.
  if (status === undefined || status >= 500) return fromHeaders() ?? backoff;
  return null;
}

/** Status of an Octokit `RequestError` (or undefined). */
export function statusOf(error: unknown): number | undefined {
  const s = (error as { status?: unknown } | null)?.status;
  return typeof s === 'number' ? s : undefined;
}
