/**
 * Fake GitHub behind Prism (proxy mode, `--errors`, GitHub's own description cut to the
 * operations used). Start once per test file (Prism on the cut starts in ≈2 s):
 *
 *   let gh: GithubHarness;
 *   beforeAll(async () => { gh = await startGithubHarness(); });
 *   afterAll(() => gh.stop());
 *   afterEach(() => { expect(gh.violations()).toEqual([]); gh.clearViolations(); });
 *   ...
 *   const octokit = gh.client();            // real getOctokit → Prism → fake
 *   // or, for code that builds its own client: env GITHUB_API_URL = gh.apiUrl
 */
import { createClient, type ClientOptions, type GitHubClient } from '../../src/github/client.js';
import { FakeGitHub, type FakeGitHubOptions } from './fake-github.js';
import { startGithubPrism, type PrismProxy } from './github-openapi.js';

export interface ContractViolation {
  method: string;
  url: string;
  status: number | undefined;
  /** Prism's `sl-violations` entries: `{location, severity, code, message}`. */
  details: Array<{ location?: string[]; severity?: string; code?: string | number; message?: string }>;
}

export interface GithubHarness {
  fake: FakeGitHub;
  /** null when started with `{prism: false}`. */
  prism: PrismProxy | null;
  /** What GITHUB_API_URL should be: Prism's URL (or the fake's without Prism). */
  apiUrl: string;
  /** A real Octokit (`@actions/github` getOctokit) pointed at `apiUrl`; retries fast. */
  client(options?: ClientOptions & { token?: string }): GitHubClient;
  /**
   * Contract violations seen so far: errors (requests Prism refused, from any client) and
   * warnings (Prism's `sl-violations` header on answered requests made through `client()`).
   * Left out unless `{all: true}`: warnings that an error status (≥ 400) is not listed for the
   * operation. GitHub's description omits many real ones (404 on list-files or delete-comment,
   * 403 on update-comment), and an unlisted status has no schema to check the body against.
   */
  violations(opts?: { all?: boolean }): ContractViolation[];
  clearViolations(): void;
  stop(): Promise<void>;
}

export async function startGithubHarness(opts: { prism?: boolean; fake?: FakeGitHubOptions } = {}): Promise<GithubHarness> {
  const fake = await new FakeGitHub(opts.fake).start();
  let prism: PrismProxy | null = null;
  try {
    if (opts.prism !== false) {
      prism = await startGithubPrism(fake.url);
      fake.publicUrl = prism.url; // Link headers lead back through Prism
    }
  } catch (e) {
    await fake.stop();
    throw e;
  }
  const apiUrl = prism?.url ?? fake.url;
  let seen: ContractViolation[] = [];
  const record = (method: string, url: string, status: number | undefined, header: unknown) => {
    if (typeof header !== 'string' || header === '') return;
    let details: ContractViolation['details'];
    try {
      details = JSON.parse(header) as ContractViolation['details'];
    } catch {
      details = [{ message: header }];
    }
    seen.push({ method, url, status, details });
  };
  return {
    fake,
    prism,
    apiUrl,
    client: ({ token, ...options } = {}) => {
      const octokit = createClient(token ?? 'ghs_fake_token_for_tests', { baseUrl: apiUrl, retryBaseMs: 10, ...options });
      octokit.hook.after('request', (res, o) => {
        record(String(o.method), String(o.url), res.status, res.headers['sl-violations' as keyof typeof res.headers]);
      });
      octokit.hook.error('request', (error, o) => {
        const e = error as { status?: number; response?: { headers?: Record<string, unknown>; data?: unknown } };
        let header = e.response?.headers?.['sl-violations'];
        if (!header) {
          // A refused request (422 from Prism) carries the details only in its problem+json body.
          const data = e.response?.data;
          const body = typeof data === 'string' ? safeJson(data) : data instanceof ArrayBuffer ? safeJson(Buffer.from(data).toString('utf8')) : data;
          const validation = (body as { validation?: unknown } | null)?.validation;
          if (Array.isArray(validation)) header = JSON.stringify(validation);
        }
        record(String(o.method), String(o.url), e.status, header);
        throw error;
      });
      return octokit;
    },
    violations: (o = {}) => {
      // Refusals also appear in Prism's log (any client, e.g. `node dist/index.js`); a refusal
      // seen by `client()` is listed twice, which is fine for `toEqual([])` checks.
      const fromPrism: ContractViolation[] = (prism?.violations() ?? []).map((v) => ({
        method: v.method,
        url: v.path,
        status: undefined,
        details: [{ message: v.message }],
      }));
      const undocumentedError = (v: ContractViolation) =>
        v.status !== undefined && v.status >= 400 && v.details.every((d) => d.severity === 'Warning' && /Unable to match the returned status code/.test(d.message ?? ''));
      return [...(o.all ? seen : seen.filter((v) => !undocumentedError(v))), ...fromPrism];
    },
    clearViolations: () => {
      seen = [];
      prism?.clearViolations();
    },
    stop: async () => {
      await prism?.stop();
      await fake.stop();
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
