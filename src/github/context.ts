/**
 * What the journeys need from the workflow event, read straight from `GITHUB_EVENT_PATH` and
 * the runner's variables. `parseEventContext` is pure; `readEventContext` does the I/O.
 */
import { readFileSync } from 'node:fs';

export interface PullRequestContext {
  number: number;
  baseSha: string;
  headSha: string;
  baseRef: string;
  headRef: string;
  /** `owner/name` of the head repository; null when the fork was deleted. */
  headRepoFullName: string | null;
  /** Head repository differs from the base repository: the token is read-only there. */
  isFork: boolean;
  draft: boolean;
  /** `changed_files` from the payload, when present. */
  changedFiles: number | null;
  htmlUrl: string | null;
}

export interface EventContext {
  eventName: string;
  owner: string;
  repo: string;
  /** `GITHUB_REF`, else the payload's ref (e.g. refs/pull/7/merge, refs/heads/main). */
  ref: string | null;
  /** `GITHUB_SHA` (for pull_request: the merge commit), else head sha from the payload. */
  sha: string | null;
  /** The commit whose files are checked: PR head, or the pushed commit. */
  headSha: string | null;
  /** What the head is compared with: PR base, or the push's `before` (null for a new branch). */
  baseSha: string | null;
  defaultBranch: string | null;
  pullRequest: PullRequestContext | null;
  /** True for a push (or dispatch) on the default branch: the train journey's trigger. */
  isDefaultBranch: boolean;
  serverUrl: string;
  apiUrl: string;
  workspace: string | null;
  /** The payload as parsed, for anything not lifted above. */
  payload: Record<string, unknown>;
}

export class EventContextError extends Error {
  override name = 'EventContextError';
}

type Env = Record<string, string | undefined>;
type Obj = Record<string, unknown>;

const ZERO_SHA = /^0+$/;

function obj(v: unknown): Obj | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null;
}
function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** Pure: the context from an event name, its payload and the runner's variables. */
export function parseEventContext(eventName: string, payload: Obj, env: Env = {}): EventContext {
  const repository = obj(payload.repository);
  let owner: string | null = null;
  let repo: string | null = null;
  if (env.GITHUB_REPOSITORY?.includes('/')) {
    [owner, repo] = env.GITHUB_REPOSITORY.split('/', 2) as [string, string];
  } else if (repository) {
    owner = str(obj(repository.owner)?.login) ?? str(repository.full_name)?.split('/')[0] ?? null;
    repo = str(repository.name);
  }
  if (!owner || !repo) {
    throw new EventContextError('Cannot tell the repository: GITHUB_REPOSITORY is not set and the event payload has no repository.');
  }

  const pr = obj(payload.pull_request);
  let pullRequest: PullRequestContext | null = null;
  if (pr) {
    const base = obj(pr.base) ?? {};
    const head = obj(pr.head) ?? {};
    const baseRepo = str(obj(base.repo)?.full_name) ?? `${owner}/${repo}`;
    const headRepoFullName = str(obj(head.repo)?.full_name);
    const number = typeof pr.number === 'number' ? pr.number : typeof payload.number === 'number' ? payload.number : NaN;
    const baseSha = str(base.sha);
    const headSha = str(head.sha);
    if (!Number.isInteger(number) || !baseSha || !headSha) {
      throw new EventContextError(`The ${eventName} payload lacks pull_request.number, base.sha or head.sha.`);
    }
    pullRequest = {
      number,
      baseSha,
      headSha,
      baseRef: str(base.ref) ?? '',
      headRef: str(head.ref) ?? '',
      headRepoFullName,
      isFork: headRepoFullName === null || headRepoFullName.toLowerCase() !== baseRepo.toLowerCase(),
      draft: pr.draft === true,
      changedFiles: typeof pr.changed_files === 'number' ? pr.changed_files : null,
      htmlUrl: str(pr.html_url),
    };
  }

  const defaultBranch = str(repository?.default_branch);
  const ref = env.GITHUB_REF || str(payload.ref) || null;
  const before = str(payload.before);
  const after = str(payload.after);
  const sha = env.GITHUB_SHA || pullRequest?.headSha || after || null;
  const headSha = pullRequest?.headSha ?? after ?? (env.GITHUB_SHA || null);
  const baseSha = pullRequest?.baseSha ?? (before && !ZERO_SHA.test(before) ? before : null);
  const isDefaultBranch = !pullRequest && !!defaultBranch && ref === `refs/heads/${defaultBranch}`;

  return {
    eventName,
    owner,
    repo,
    ref,
    sha,
    headSha,
    baseSha,
    defaultBranch,
    pullRequest,
    isDefaultBranch,
    serverUrl: (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, ''),
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    workspace: env.GITHUB_WORKSPACE || null,
    payload,
  };
}

/** Read `GITHUB_EVENT_NAME` and the JSON at `GITHUB_EVENT_PATH` (missing file: empty payload). */
export function readEventContext(env: Env = process.env, read: (path: string) => string = (p) => readFileSync(p, 'utf8')): EventContext {
  const eventName = env.GITHUB_EVENT_NAME;
  if (!eventName) throw new EventContextError('GITHUB_EVENT_NAME is not set: not running in GitHub Actions?');
  let payload: Obj = {};
  if (env.GITHUB_EVENT_PATH) {
    let text: string | null;
    try {
      text = read(env.GITHUB_EVENT_PATH);
    } catch {
      text = null;
    }
    if (text !== null) {
      try {
        payload = obj(JSON.parse(text)) ?? {};
      } catch (e) {
        throw new EventContextError(`GITHUB_EVENT_PATH ${env.GITHUB_EVENT_PATH} is not valid JSON: ${(e as Error).message}`);
      }
    }
  }
  return parseEventContext(eventName, payload, env);
}
