/**
 * A stateful fake of the GitHub REST endpoints `src/github/` uses, over real HTTP on
 * 127.0.0.1, answering with GitHub's response shapes: JSON bodies as the REST description has
 * them, `Link` pagination (`per_page` ≤ 100, `page`, rel="next"/"last"/"first"/"prev"), the
 * contents API's 1 MB rule (base64 inline up to 1 MB, `encoding: "none"` above; the raw media
 * type streams the bytes), GitHub's error bodies. Comments persist across calls.
 *
 * Faults per route (`fake.fault('issues.createComment', {status: 403, message: ...})`), a
 * request log (`fake.requests`), and `publicUrl` so `Link` headers point at Prism when the fake
 * sits behind it.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { posix } from 'node:path';

export type RouteName =
  | 'pulls.get'
  | 'pulls.listFiles'
  | 'repos.getContent'
  | 'git.getBlob'
  | 'issues.listComments'
  | 'issues.createComment'
  | 'issues.updateComment'
  | 'issues.deleteComment'
  | 'repos.listCommentsForCommit'
  | 'repos.createCommitComment'
  | 'repos.updateCommitComment'
  | 'repos.deleteCommitComment'
  | 'users.getAuthenticated';

const ROUTES: Array<{ name: RouteName; method: string; re: RegExp }> = [
  { name: 'pulls.get', method: 'GET', re: /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/ },
  { name: 'pulls.listFiles', method: 'GET', re: /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/files$/ },
  { name: 'repos.getContent', method: 'GET', re: /^\/repos\/([^/]+)\/([^/]+)\/contents\/(.*)$/ },
  { name: 'git.getBlob', method: 'GET', re: /^\/repos\/([^/]+)\/([^/]+)\/git\/blobs\/([^/]+)$/ },
  { name: 'issues.listComments', method: 'GET', re: /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/ },
  { name: 'issues.createComment', method: 'POST', re: /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/ },
  { name: 'issues.updateComment', method: 'PATCH', re: /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/ },
  { name: 'issues.deleteComment', method: 'DELETE', re: /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/ },
  { name: 'repos.listCommentsForCommit', method: 'GET', re: /^\/repos\/([^/]+)\/([^/]+)\/commits\/([^/]+)\/comments$/ },
  { name: 'repos.createCommitComment', method: 'POST', re: /^\/repos\/([^/]+)\/([^/]+)\/commits\/([^/]+)\/comments$/ },
  { name: 'repos.updateCommitComment', method: 'PATCH', re: /^\/repos\/([^/]+)\/([^/]+)\/comments\/(\d+)$/ },
  { name: 'repos.deleteCommitComment', method: 'DELETE', re: /^\/repos\/([^/]+)\/([^/]+)\/comments\/(\d+)$/ },
  { name: 'users.getAuthenticated', method: 'GET', re: /^\/user$/ },
];

const DOCS: Record<RouteName, string> = {
  'pulls.get': 'https://docs.github.com/rest/pulls/pulls#get-a-pull-request',
  'pulls.listFiles': 'https://docs.github.com/rest/pulls/pulls#list-pull-requests-files',
  'repos.getContent': 'https://docs.github.com/rest/repos/contents#get-repository-content',
  'git.getBlob': 'https://docs.github.com/rest/git/blobs#get-a-blob',
  'issues.listComments': 'https://docs.github.com/rest/issues/comments#list-issue-comments',
  'issues.createComment': 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
  'issues.updateComment': 'https://docs.github.com/rest/issues/comments#update-an-issue-comment',
  'issues.deleteComment': 'https://docs.github.com/rest/issues/comments#delete-an-issue-comment',
  'repos.listCommentsForCommit': 'https://docs.github.com/rest/commits/comments#list-commit-comments',
  'repos.createCommitComment': 'https://docs.github.com/rest/commits/comments#create-a-commit-comment',
  'repos.updateCommitComment': 'https://docs.github.com/rest/commits/comments#update-a-commit-comment',
  'repos.deleteCommitComment': 'https://docs.github.com/rest/commits/comments#delete-a-commit-comment',
  'users.getAuthenticated': 'https://docs.github.com/rest/users/users#get-the-authenticated-user',
};

/** GitHub's contents API returns bytes inline only up to this size. */
export const CONTENTS_INLINE_LIMIT = 1024 * 1024;
/** GitHub lists at most this many files of a pull request. */
export const PR_FILES_LIMIT = 3000;

export interface Fault {
  /** Answer with this status and a GitHub error body (`message`) instead of handling. */
  status?: number;
  message?: string;
  /** Extra response headers (e.g. retry-after). */
  headers?: Record<string, string>;
  /** Wait this long first (with no status: then handle normally; useful to force races). */
  delayMs?: number;
  /** Destroy the connection without answering. */
  drop?: boolean;
  /** Rewrite a successful JSON body (e.g. remove `id` to break the contract). */
  mutate?: (body: any) => any;
  /** Run first (after `delayMs`), e.g. to change state under the client's feet. */
  before?: (req: LoggedRequest) => void;
  /** How many requests this fault applies to (default: all). */
  times?: number;
  /** Only requests for which this is true. */
  match?: (req: LoggedRequest) => boolean;
}

export interface LoggedRequest {
  route: RouteName | null;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  status?: number;
}

export interface FakeUser {
  login: string;
  id: number;
  type?: 'User' | 'Bot' | 'Organization';
}

export interface DiffEntryInput {
  filename: string;
  status?: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';
  previous_filename?: string;
  additions?: number;
  deletions?: number;
}

export interface FakePullInput {
  number: number;
  baseSha?: string;
  headSha?: string;
  baseRef?: string;
  headRef?: string;
  /** `owner/name` of the head repository; a different one makes it a fork PR. */
  headRepoFullName?: string;
  title?: string;
  files?: DiffEntryInput[];
  user?: FakeUser;
}

interface StoredPull extends Required<Omit<FakePullInput, 'files' | 'user'>> {
  files: DiffEntryInput[];
  user: FakeUser;
  createdAt: string;
}

interface StoredComment {
  id: number;
  body: string;
  user: FakeUser;
  createdAt: string;
  updatedAt: string;
  /** issue number, or commit sha */
  parent: number | string;
  kind: 'issue' | 'commit';
}

export const BOT: FakeUser = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };
export const OCTOCAT: FakeUser = { login: 'octocat', id: 583231, type: 'User' };

/**
 * The GitHub App behind a bot account, as `performed_via_github_app` shows it on the comments
 * the app's installation token writes (the workflow's GITHUB_TOKEN is the `github-actions` app).
 */
const APPS: Record<string, { id: number; slug: string; name: string; description: string; external_url: string; created_at: string }> = {
  'github-actions[bot]': {
    id: 15368,
    slug: 'github-actions',
    name: 'GitHub Actions',
    description: 'Automate your workflow from idea to production',
    external_url: 'https://help.github.com/en/actions',
    created_at: '2018-07-30T09:30:17Z',
  },
};

export function gitBlobSha(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

export function fakeSha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function nodeId(prefix: string, id: number | string): string {
  return `${prefix}_${Buffer.from(String(id)).toString('base64url')}`;
}

/** base64 wrapped at 60 columns with a trailing newline, as the contents and blobs APIs send it. */
function githubBase64(buf: Buffer): string {
  const b64 = buf.toString('base64');
  const lines = b64.match(/.{1,60}/g) ?? [];
  return lines.length ? `${lines.join('\n')}\n` : '';
}

export interface FakeGitHubOptions {
  owner?: string;
  repo?: string;
  defaultBranch?: string;
  /**
   * The identity tokens act as unless `addToken` says otherwise: author of created comments. A
   * `Bot` stands for an installation token (GET /user refuses it), a `User` for a personal one.
   */
  actor?: FakeUser;
  /** Web host for html_url values. */
  webUrl?: string;
}

export class FakeGitHub {
  readonly owner: string;
  readonly repo: string;
  readonly defaultBranch: string;
  readonly webUrl: string;
  actor: FakeUser;
  /** Every request, in order of arrival. */
  readonly requests: LoggedRequest[] = [];
  /** Base URL clients reach us by (Prism's URL when proxied); Link headers use it. */
  publicUrl = '';
  private server: Server | null = null;
  private ownUrl = '';
  private pulls = new Map<number, StoredPull>();
  private trees = new Map<string, Map<string, Buffer>>();
  private links = new Map<string, Map<string, string>>();
  private blobs = new Map<string, Buffer>();
  private comments = new Map<number, StoredComment>();
  private tokens = new Map<string, FakeUser>();
  private nextCommentId = 1_000_001;
  private faults = new Map<RouteName, Fault[]>();
  private clock = Date.parse('2026-01-05T10:00:00Z');
  readonly repoId = 812345678;

  constructor(o: FakeGitHubOptions = {}) {
    this.owner = o.owner ?? 'acme';
    this.repo = o.repo ?? 'datasets';
    this.defaultBranch = o.defaultBranch ?? 'main';
    this.actor = o.actor ?? BOT;
    this.webUrl = o.webUrl ?? 'https://github.com';
  }

  get url(): string {
    return this.ownUrl;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) this.send(res, 500, { message: `fake-github crashed: ${(e as Error).stack}` });
        else res.destroy();
      });
    });
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.ownUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.publicUrl ||= this.ownUrl;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
    this.server = null;
  }

  // ---- state ------------------------------------------------------------------------------

  addPull(p: FakePullInput): this {
    this.pulls.set(p.number, {
      number: p.number,
      baseSha: p.baseSha ?? fakeSha(`base-${p.number}`),
      headSha: p.headSha ?? fakeSha(`head-${p.number}`),
      baseRef: p.baseRef ?? this.defaultBranch,
      headRef: p.headRef ?? `feature-${p.number}`,
      headRepoFullName: p.headRepoFullName ?? `${this.owner}/${this.repo}`,
      title: p.title ?? `Update datasets (#${p.number})`,
      files: p.files ?? [],
      user: p.user ?? OCTOCAT,
      createdAt: iso(this.clock),
    });
    return this;
  }

  /** Put a file at a ref (commit sha or branch name). */
  setFile(ref: string, path: string, content: string | Buffer): this {
    const buf = typeof content === 'string' ? Buffer.from(content) : content;
    let tree = this.trees.get(ref);
    if (!tree) this.trees.set(ref, (tree = new Map()));
    tree.set(path, buf);
    this.blobs.set(gitBlobSha(buf), buf);
    return this;
  }

  /**
   * Put a symbolic link at a ref. Like GitHub, the contents API answers a link to a file in the
   * repository with that file (its path and content); any other link as `type: "symlink"`.
   */
  setSymlink(ref: string, path: string, target: string): this {
    let links = this.links.get(ref);
    if (!links) this.links.set(ref, (links = new Map()));
    links.set(path, target);
    if (!this.trees.has(ref)) this.trees.set(ref, new Map());
    return this;
  }

  /** The stored pull (base/head shas and refs). */
  pull(number: number): Readonly<StoredPull> {
    const p = this.pulls.get(number);
    if (!p) throw new Error(`no pull #${number}`);
    return p;
  }

  /** Make a ref exist (with no files yet). */
  addRef(ref: string): this {
    if (!this.trees.has(ref)) this.trees.set(ref, new Map());
    return this;
  }

  /** Requests with this token act as `user` (others as `actor`). */
  addToken(token: string, user: FakeUser): this {
    this.tokens.set(token, user);
    return this;
  }

  /** Who a request acts as, from its `authorization` header (`token X` or `Bearer X`). */
  private identity(req: IncomingMessage): FakeUser {
    const m = /^(?:token|bearer)\s+(.+)$/i.exec(String(req.headers.authorization ?? ''));
    return (m && this.tokens.get(m[1]!.trim())) ?? this.actor;
  }

  /** Seed a comment (e.g. 150 earlier ones by people). Returns its id. */
  addIssueComment(issue: number, body: string, user: FakeUser = OCTOCAT): number {
    return this.storeComment('issue', issue, body, user).id;
  }

  addCommitComment(sha: string, body: string, user: FakeUser = OCTOCAT): number {
    return this.storeComment('commit', sha, body, user).id;
  }

  /** Delete a comment as a person (or another run) would. */
  deleteComment(id: number): boolean {
    return this.comments.delete(id);
  }

  /** Comments on an issue/PR, oldest first, as {id, body, user}. */
  issueComments(issue: number): Array<{ id: number; body: string; user: string }> {
    return this.listStored('issue', issue).map((c) => ({ id: c.id, body: c.body, user: c.user.login }));
  }

  commitComments(sha: string): Array<{ id: number; body: string; user: string }> {
    return this.listStored('commit', sha).map((c) => ({ id: c.id, body: c.body, user: c.user.login }));
  }

  /** Add a fault for a route; faults are tried in the order added. */
  fault(route: RouteName, f: Fault): this {
    const list = this.faults.get(route) ?? [];
    list.push({ ...f });
    this.faults.set(route, list);
    return this;
  }

  clearFaults(): this {
    this.faults.clear();
    return this;
  }

  /** Requests for one route. */
  calls(route: RouteName): LoggedRequest[] {
    return this.requests.filter((r) => r.route === route);
  }

  // ---- HTTP -------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await readBody(req);
    let body: any = undefined;
    if (raw.length) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        body = raw.toString('utf8');
      }
    }
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const found = ROUTES.map((r) => ({ r, m: r.re.exec(path) })).find((x) => x.m && x.r.method === method);
    const logged: LoggedRequest = {
      route: found?.r.name ?? null,
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body,
    };
    this.requests.push(logged);
    if (!found) {
      logged.status = 404;
      return this.send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
    }
    const route = found.r.name;
    const params = found.m!.slice(1).map((s) => decodeURIComponent(s));
    const [owner, repo] = params as [string, string];

    const fault = this.takeFault(route, logged);
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    fault?.before?.(logged);
    if (fault?.drop) {
      logged.status = 0;
      req.socket.destroy();
      return;
    }
    if (fault?.status) {
      logged.status = fault.status;
      return this.send(res, fault.status, this.errorBody(route, fault.status, fault.message), fault.headers);
    }

    if (route === 'users.getAuthenticated') {
      // An installation token (GITHUB_TOKEN, an app's) acts as a bot and may not ask this.
      const me = this.identity(req);
      logged.status = me.type === 'Bot' ? 403 : 200;
      if (me.type === 'Bot') return this.send(res, 403, this.errorBody(route, 403, 'Resource not accessible by integration'));
      return this.send(res, 200, this.authenticatedUserJson(me));
    }

    if (owner.toLowerCase() !== this.owner.toLowerCase() || repo.toLowerCase() !== this.repo.toLowerCase()) {
      logged.status = 404;
      return this.send(res, 404, this.errorBody(route, 404));
    }

    const reply = (status: number, json: any, headers: Record<string, string> = {}) => {
      logged.status = status;
      const out = status < 300 && fault?.mutate && json !== undefined ? fault.mutate(structuredClone(json)) : json;
      this.send(res, status, out, { ...headers, ...(fault?.headers ?? {}) });
    };
    const fail = (status: number, message?: string) => reply(status, this.errorBody(route, status, message));

    switch (route) {
      case 'pulls.get': {
        const pull = this.pulls.get(Number(params[2]));
        return pull ? reply(200, this.pullJson(pull.number)) : fail(404);
      }
      case 'pulls.listFiles': {
        const pull = this.pulls.get(Number(params[2]));
        if (!pull) return fail(404);
        const files = pull.files.slice(0, PR_FILES_LIMIT).map((f) => this.diffEntryJson(pull, f));
        return this.paginate(url, files, reply, fail);
      }
      case 'repos.getContent': {
        const path = params[2]!;
        const ref = url.searchParams.get('ref') ?? this.defaultBranch;
        return this.getContent(path, ref, String(req.headers.accept ?? ''), reply, fail, res, logged, fault);
      }
      case 'git.getBlob': {
        const sha = params[2]!;
        const buf = this.blobs.get(sha);
        if (!buf) return fail(404);
        if (wantsRaw(req.headers.accept)) return this.sendRaw(res, logged, buf, fault);
        return reply(200, {
          sha,
          node_id: nodeId('B', sha),
          size: buf.length,
          url: `${this.apiBase()}/repos/${this.owner}/${this.repo}/git/blobs/${sha}`,
          content: githubBase64(buf),
          encoding: 'base64',
        });
      }
      case 'issues.listComments': {
        const n = Number(params[2]);
        if (!this.pulls.has(n)) return fail(404);
        return this.paginate(
          url,
          this.listStored('issue', n).map((c) => this.issueCommentJson(c)),
          reply,
          fail,
        );
      }
      case 'issues.createComment': {
        const n = Number(params[2]);
        if (!this.pulls.has(n)) return fail(404);
        if (typeof body?.body !== 'string') return fail(422, "Invalid request.\n\nFor 'properties/body', nil is not a string.");
        const c = this.storeComment('issue', n, body.body, this.identity(req));
        const json = this.issueCommentJson(c);
        return reply(201, json, { location: json.url });
      }
      case 'issues.updateComment':
      case 'repos.updateCommitComment': {
        const c = this.comments.get(Number(params[2]));
        const kind = route === 'issues.updateComment' ? 'issue' : 'commit';
        if (!c || c.kind !== kind) return fail(404);
        if (typeof body?.body !== 'string') return fail(422, "Invalid request.\n\nFor 'properties/body', nil is not a string.");
        c.body = body.body;
        c.updatedAt = iso((this.clock += 1000));
        return reply(200, kind === 'issue' ? this.issueCommentJson(c) : this.commitCommentJson(c));
      }
      case 'issues.deleteComment':
      case 'repos.deleteCommitComment': {
        const c = this.comments.get(Number(params[2]));
        const kind = route === 'issues.deleteComment' ? 'issue' : 'commit';
        if (!c || c.kind !== kind) return fail(404);
        this.comments.delete(c.id);
        logged.status = 204;
        res.writeHead(204, this.commonHeaders()).end();
        return;
      }
      case 'repos.listCommentsForCommit': {
        const sha = params[2]!;
        if (!/^[0-9a-f]{7,40}$/.test(sha)) return fail(422, `No commit found for SHA: ${sha}`);
        return this.paginate(
          url,
          this.listStored('commit', sha).map((c) => this.commitCommentJson(c)),
          reply,
          fail,
        );
      }
      case 'repos.createCommitComment': {
        const sha = params[2]!;
        if (!/^[0-9a-f]{40}$/.test(sha)) return fail(422, `No commit found for SHA: ${sha}`);
        if (typeof body?.body !== 'string') return fail(422, "Invalid request.\n\nFor 'properties/body', nil is not a string.");
        const c = this.storeComment('commit', sha, body.body, this.identity(req));
        const json = this.commitCommentJson(c);
        return reply(201, json, { location: json.url });
      }
    }
  }

  private getContent(
    path: string,
    ref: string,
    accept: string,
    reply: (s: number, j: any, h?: Record<string, string>) => void,
    fail: (s: number, m?: string) => void,
    res: ServerResponse,
    logged: LoggedRequest,
    fault: Fault | undefined,
  ): void {
    const tree = this.trees.get(ref);
    if (!tree) return fail(404, `No commit found for the ref ${ref}`);
    const link = this.links.get(ref)?.get(path);
    if (link !== undefined) {
      const resolved = link.startsWith('/') ? null : posix.normalize(posix.join(posix.dirname(path), link));
      if (resolved !== null && tree.has(resolved))
        path = resolved; // followed, as GitHub does
      else {
        const entry = this.contentEntry(path, ref, Buffer.from(link), 'file');
        return reply(200, { ...entry, type: 'symlink', target: link, download_url: entry.download_url });
      }
    }
    const buf = tree.get(path);
    if (buf) {
      if (wantsRaw(accept)) return this.sendRaw(res, logged, buf, fault);
      const small = buf.length <= CONTENTS_INLINE_LIMIT;
      return reply(200, {
        ...this.contentEntry(path, ref, buf, 'file'),
        content: small ? githubBase64(buf) : '',
        encoding: small ? 'base64' : 'none',
      });
    }
    const prefix = path === '' ? '' : `${path}/`;
    const children = new Map<string, 'file' | 'dir'>();
    for (const p of tree.keys()) {
      if (!p.startsWith(prefix)) continue;
      const rest = p.slice(prefix.length);
      const [first, ...more] = rest.split('/');
      children.set(prefix + first!, more.length ? 'dir' : 'file');
    }
    if (!children.size) return fail(404);
    return reply(
      200,
      [...children].map(([p, type]) => this.contentEntry(p, ref, type === 'file' ? tree.get(p)! : Buffer.alloc(0), type)),
    );
  }

  private contentEntry(path: string, ref: string, buf: Buffer, type: 'file' | 'dir') {
    const sha = type === 'file' ? gitBlobSha(buf) : fakeSha(`tree:${ref}:${path}`);
    const api = `${this.apiBase()}/repos/${this.owner}/${this.repo}`;
    const web = `${this.webUrl}/${this.owner}/${this.repo}`;
    const self = `${api}/contents/${encodePath(path)}?ref=${encodeURIComponent(ref)}`;
    const html = `${web}/${type === 'file' ? 'blob' : 'tree'}/${encodeURIComponent(ref)}/${encodePath(path)}`;
    const git = `${api}/git/${type === 'file' ? 'blobs' : 'trees'}/${sha}`;
    return {
      name: path.split('/').pop()!,
      path,
      sha,
      size: type === 'file' ? buf.length : 0,
      url: self,
      html_url: html,
      git_url: git,
      download_url: type === 'file' ? `https://raw.githubusercontent.com/${this.owner}/${this.repo}/${ref}/${encodePath(path)}` : null,
      type,
      _links: { self, git, html },
    };
  }

  private sendRaw(res: ServerResponse, logged: LoggedRequest, buf: Buffer, fault: Fault | undefined): void {
    logged.status = 200;
    res.writeHead(200, {
      ...this.commonHeaders(),
      'content-type': 'application/vnd.github.raw',
      'content-length': String(buf.length),
      'x-github-media-type': 'github.v3; param=raw; format=json',
      etag: `"${gitBlobSha(buf)}"`,
      ...(fault?.headers ?? {}),
    });
    // Chunked writes, like a real socket.
    const CHUNK = 64 * 1024;
    for (let i = 0; i < buf.length; i += CHUNK) res.write(buf.subarray(i, i + CHUNK));
    res.end();
  }

  private paginate(url: URL, items: any[], reply: (s: number, j: any, h?: Record<string, string>) => void, fail: (s: number, m?: string) => void): void {
    const perPageRaw = url.searchParams.get('per_page');
    const pageRaw = url.searchParams.get('page');
    const perPage = Math.min(100, Math.max(1, perPageRaw ? Number(perPageRaw) || 30 : 30));
    const page = Math.max(1, pageRaw ? Number(pageRaw) || 1 : 1);
    if (!Number.isInteger(page)) return fail(422);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const link = (p: number, rel: string) => {
      const u = new URL(this.publicUrl + url.pathname);
      for (const [k, v] of url.searchParams) u.searchParams.set(k, v);
      u.searchParams.set('per_page', String(perPage));
      u.searchParams.set('page', String(p));
      return `<${u.toString()}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (page > 1) links.push(link(Math.min(page - 1, last), 'prev'));
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
    if (page > 1) links.push(link(1, 'first'));
    reply(200, slice, links.length ? { link: links.join(', ') } : {});
  }

  private takeFault(route: RouteName, req: LoggedRequest): Fault | undefined {
    const list = this.faults.get(route);
    if (!list) return undefined;
    const i = list.findIndex((f) => (f.times === undefined || f.times > 0) && (!f.match || f.match(req)));
    if (i < 0) return undefined;
    const f = list[i]!;
    if (f.times !== undefined) f.times -= 1;
    return f;
  }

  private errorBody(route: RouteName, status: number, message?: string) {
    const defaults: Record<number, string> = {
      401: 'Bad credentials',
      403: 'Resource not accessible by integration',
      404: 'Not Found',
      409: 'Conflict',
      422: 'Validation Failed',
      429: 'API rate limit exceeded',
      500: 'Server Error',
      502: 'Server Error',
      503: 'Service Unavailable',
    };
    return { message: message ?? defaults[status] ?? 'Error', documentation_url: DOCS[route], status: String(status) };
  }

  private commonHeaders(): Record<string, string> {
    return {
      'x-github-api-version-selected': '2022-11-28',
      'x-github-media-type': 'github.v3; format=json',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-used': '1',
      'x-ratelimit-resource': 'core',
      'x-github-request-id': `FAKE:${this.requests.length}`,
    };
  }

  private send(res: ServerResponse, status: number, json: any, headers: Record<string, string> = {}): void {
    const text = json === undefined ? '' : JSON.stringify(json);
    res.writeHead(status, {
      ...this.commonHeaders(),
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
      ...headers,
    });
    res.end(text);
  }

  private apiBase(): string {
    return 'https://api.github.com';
  }

  // ---- shapes -----------------------------------------------------------------------------

  private storeComment(kind: 'issue' | 'commit', parent: number | string, body: string, user: FakeUser): StoredComment {
    const t = iso((this.clock += 1000));
    const c: StoredComment = { id: this.nextCommentId++, body, user, createdAt: t, updatedAt: t, parent, kind };
    this.comments.set(c.id, c);
    return c;
  }

  private listStored(kind: 'issue' | 'commit', parent: number | string): StoredComment[] {
    return [...this.comments.values()].filter((c) => c.kind === kind && c.parent === parent).sort((a, b) => a.id - b.id);
  }

  userJson(u: FakeUser) {
    const api = `${this.apiBase()}/users/${encodeURIComponent(u.login)}`;
    return {
      login: u.login,
      id: u.id,
      node_id: nodeId(u.type === 'Bot' ? 'BOT' : 'U', u.id),
      avatar_url: `https://avatars.githubusercontent.com/${u.type === 'Bot' ? 'in' : 'u'}/${u.id}?v=4`,
      gravatar_id: '',
      url: api,
      html_url: u.type === 'Bot' ? `${this.webUrl}/apps/${u.login.replace(/\[bot\]$/, '')}` : `${this.webUrl}/${u.login}`,
      followers_url: `${api}/followers`,
      following_url: `${api}/following{/other_user}`,
      gists_url: `${api}/gists{/gist_id}`,
      starred_url: `${api}/starred{/owner}{/repo}`,
      subscriptions_url: `${api}/subscriptions`,
      organizations_url: `${api}/orgs`,
      repos_url: `${api}/repos`,
      events_url: `${api}/events{/privacy}`,
      received_events_url: `${api}/received_events`,
      type: u.type ?? 'User',
      user_view_type: 'public',
      site_admin: false,
    };
  }

  /** `GET /user` for a personal token: the private view of the account. */
  private authenticatedUserJson(u: FakeUser) {
    return {
      ...this.userJson(u),
      user_view_type: 'private',
      name: null,
      company: null,
      blog: '',
      location: null,
      email: null,
      hireable: null,
      bio: null,
      twitter_username: null,
      public_repos: 3,
      public_gists: 0,
      followers: 1,
      following: 0,
      created_at: '2011-01-25T18:44:36Z',
      updated_at: '2026-01-05T10:00:00Z',
      private_gists: 0,
      total_private_repos: 1,
      owned_private_repos: 1,
      disk_usage: 1024,
      collaborators: 0,
      two_factor_authentication: true,
    };
  }

  /** The app a bot account belongs to (`nullable-integration`), null for people. */
  private appJson(u: FakeUser) {
    if (u.type !== 'Bot') return null;
    const slug = u.login.replace(/\[bot\]$/, '');
    const app = APPS[u.login] ?? {
      id: 900000 + (u.id % 100000),
      slug,
      name: slug,
      description: `The ${slug} app`,
      external_url: `https://${slug}.example`,
      created_at: '2024-01-01T00:00:00Z',
    };
    const owner: FakeUser = { login: app.slug === 'github-actions' ? 'github' : `${slug}-org`, id: app.slug === 'github-actions' ? 9919 : 800000 + (u.id % 100000), type: 'Organization' };
    return {
      id: app.id,
      slug: app.slug,
      node_id: nodeId('A', app.id),
      client_id: `Iv1.${app.id.toString(16).padStart(16, '0')}`,
      owner: this.userJson(owner),
      name: app.name,
      description: app.description,
      external_url: app.external_url,
      html_url: `${this.webUrl}/apps/${app.slug}`,
      created_at: app.created_at,
      updated_at: '2025-06-01T00:00:00Z',
      permissions: { issues: 'write', pull_requests: 'write', contents: 'write', metadata: 'read' },
      events: ['issue_comment', 'pull_request', 'push'],
    };
  }

  repoJson(fullName: string, id: number) {
    const [owner, name] = fullName.split('/') as [string, string];
    const api = `${this.apiBase()}/repos/${fullName}`;
    const ownerUser: FakeUser = owner === this.owner ? { login: owner, id: 9919, type: 'Organization' } : { login: owner, id: 100000 + (id % 1000), type: 'User' };
    return {
      id,
      node_id: nodeId('R', id),
      name,
      full_name: fullName,
      private: false,
      owner: this.userJson(ownerUser),
      html_url: `${this.webUrl}/${fullName}`,
      description: 'Fine-tuning datasets',
      fork: fullName !== `${this.owner}/${this.repo}`,
      url: api,
      forks_url: `${api}/forks`,
      keys_url: `${api}/keys{/key_id}`,
      collaborators_url: `${api}/collaborators{/collaborator}`,
      teams_url: `${api}/teams`,
      hooks_url: `${api}/hooks`,
      issue_events_url: `${api}/issues/events{/number}`,
      events_url: `${api}/events`,
      assignees_url: `${api}/assignees{/user}`,
      branches_url: `${api}/branches{/branch}`,
      tags_url: `${api}/tags`,
      blobs_url: `${api}/git/blobs{/sha}`,
      git_tags_url: `${api}/git/tags{/sha}`,
      git_refs_url: `${api}/git/refs{/sha}`,
      trees_url: `${api}/git/trees{/sha}`,
      statuses_url: `${api}/statuses/{sha}`,
      languages_url: `${api}/languages`,
      stargazers_url: `${api}/stargazers`,
      contributors_url: `${api}/contributors`,
      subscribers_url: `${api}/subscribers`,
      subscription_url: `${api}/subscription`,
      commits_url: `${api}/commits{/sha}`,
      git_commits_url: `${api}/git/commits{/sha}`,
      comments_url: `${api}/comments{/number}`,
      issue_comment_url: `${api}/issues/comments{/number}`,
      contents_url: `${api}/contents/{+path}`,
      compare_url: `${api}/compare/{base}...{head}`,
      merges_url: `${api}/merges`,
      archive_url: `${api}/{archive_format}{/ref}`,
      downloads_url: `${api}/downloads`,
      issues_url: `${api}/issues{/number}`,
      pulls_url: `${api}/pulls{/number}`,
      milestones_url: `${api}/milestones{/number}`,
      notifications_url: `${api}/notifications{?since,all,participating}`,
      labels_url: `${api}/labels{/name}`,
      releases_url: `${api}/releases{/id}`,
      deployments_url: `${api}/deployments`,
      created_at: '2025-03-02T09:12:44Z',
      updated_at: '2026-01-04T17:40:02Z',
      pushed_at: '2026-01-05T09:58:31Z',
      git_url: `git://github.com/${fullName}.git`,
      ssh_url: `git@github.com:${fullName}.git`,
      clone_url: `${this.webUrl}/${fullName}.git`,
      svn_url: `${this.webUrl}/${fullName}`,
      homepage: null,
      size: 20480,
      stargazers_count: 12,
      watchers_count: 12,
      language: 'Python',
      has_issues: true,
      has_projects: true,
      has_downloads: true,
      has_wiki: false,
      has_pages: false,
      has_discussions: false,
      forks_count: 3,
      mirror_url: null,
      archived: false,
      disabled: false,
      open_issues_count: 4,
      license: {
        key: 'mit',
        name: 'MIT License',
        spdx_id: 'MIT',
        url: 'https://api.github.com/licenses/mit',
        node_id: 'MDc6TGljZW5zZTEz',
      },
      allow_forking: true,
      is_template: false,
      web_commit_signoff_required: false,
      topics: ['fine-tuning', 'datasets'],
      visibility: 'public',
      forks: 3,
      open_issues: 4,
      watchers: 12,
      default_branch: this.defaultBranch,
    };
  }

  /** A pull request as `GET /repos/{owner}/{repo}/pulls/{n}` returns it (also used for event fixtures). */
  pullJson(number: number) {
    const pull = this.pulls.get(number);
    if (!pull) throw new Error(`no pull #${number}: addPull first`);
    const full = `${this.owner}/${this.repo}`;
    const api = `${this.apiBase()}/repos/${full}`;
    const html = `${this.webUrl}/${full}/pull/${pull.number}`;
    const baseRepo = this.repoJson(full, this.repoId);
    const headRepo = pull.headRepoFullName === full ? baseRepo : this.repoJson(pull.headRepoFullName, this.repoId + 1);
    const headOwner = pull.headRepoFullName.split('/')[0]!;
    const headUser = headRepo.owner;
    const additions = pull.files.reduce((s, f) => s + (f.additions ?? 10), 0);
    const deletions = pull.files.reduce((s, f) => s + (f.deletions ?? 2), 0);
    return {
      url: `${api}/pulls/${pull.number}`,
      id: 2_000_000_000 + pull.number,
      node_id: nodeId('PR', pull.number),
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: `${api}/issues/${pull.number}`,
      number: pull.number,
      state: 'open',
      locked: false,
      title: pull.title,
      user: this.userJson(pull.user),
      body: 'Adds 40 support conversations and fixes two mislabeled answers.',
      created_at: pull.createdAt,
      updated_at: pull.createdAt,
      closed_at: null,
      merged_at: null,
      merge_commit_sha: fakeSha(`merge-${pull.number}`),
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      labels: [],
      milestone: null,
      draft: false,
      commits_url: `${api}/pulls/${pull.number}/commits`,
      review_comments_url: `${api}/pulls/${pull.number}/comments`,
      review_comment_url: `${api}/pulls/comments{/number}`,
      comments_url: `${api}/issues/${pull.number}/comments`,
      statuses_url: `${api}/statuses/${pull.headSha}`,
      head: {
        label: `${headOwner}:${pull.headRef}`,
        ref: pull.headRef,
        sha: pull.headSha,
        user: headUser,
        repo: headRepo,
      },
      base: {
        label: `${this.owner}:${pull.baseRef}`,
        ref: pull.baseRef,
        sha: pull.baseSha,
        user: baseRepo.owner,
        repo: baseRepo,
      },
      _links: {
        self: { href: `${api}/pulls/${pull.number}` },
        html: { href: html },
        issue: { href: `${api}/issues/${pull.number}` },
        comments: { href: `${api}/issues/${pull.number}/comments` },
        review_comments: { href: `${api}/pulls/${pull.number}/comments` },
        review_comment: { href: `${api}/pulls/comments{/number}` },
        commits: { href: `${api}/pulls/${pull.number}/commits` },
        statuses: { href: `${api}/statuses/${pull.headSha}` },
      },
      author_association: pull.headRepoFullName === full ? 'MEMBER' : 'CONTRIBUTOR',
      auto_merge: null,
      active_lock_reason: null,
      merged: false,
      mergeable: true,
      rebaseable: true,
      mergeable_state: 'clean',
      merged_by: null,
      comments: this.listStored('issue', pull.number).length,
      review_comments: 0,
      maintainer_can_modify: pull.headRepoFullName !== full,
      commits: 1,
      additions,
      deletions,
      changed_files: pull.files.length,
    };
  }

  private diffEntryJson(pull: StoredPull, f: DiffEntryInput) {
    const status = f.status ?? 'modified';
    const ref = status === 'removed' ? pull.baseSha : pull.headSha;
    const content = (status === 'removed' ? this.trees.get(pull.baseSha) : this.trees.get(pull.headSha))?.get(f.filename);
    const web = `${this.webUrl}/${this.owner}/${this.repo}`;
    const additions = f.additions ?? (status === 'removed' ? 0 : 10);
    const deletions = f.deletions ?? (status === 'added' ? 0 : status === 'removed' ? 10 : 2);
    const entry: Record<string, unknown> = {
      sha: content ? gitBlobSha(content) : fakeSha(`${ref}:${f.filename}`),
      filename: f.filename,
      status,
      additions,
      deletions,
      changes: additions + deletions,
      blob_url: `${web}/blob/${ref}/${encodePath(f.filename)}`,
      raw_url: `${web}/raw/${ref}/${encodePath(f.filename)}`,
      contents_url: `${this.apiBase()}/repos/${this.owner}/${this.repo}/contents/${encodePath(f.filename)}?ref=${ref}`,
    };
    if (status !== 'renamed' || additions + deletions > 0) entry.patch = `@@ -1,${deletions} +1,${additions} @@`;
    if (f.previous_filename) entry.previous_filename = f.previous_filename;
    return entry;
  }

  private reactions(url: string) {
    return { url: `${url}/reactions`, total_count: 0, '+1': 0, '-1': 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 };
  }

  private issueCommentJson(c: StoredComment) {
    const url = `${this.apiBase()}/repos/${this.owner}/${this.repo}/issues/comments/${c.id}`;
    return {
      url,
      html_url: `${this.webUrl}/${this.owner}/${this.repo}/pull/${c.parent}#issuecomment-${c.id}`,
      issue_url: `${this.apiBase()}/repos/${this.owner}/${this.repo}/issues/${c.parent}`,
      id: c.id,
      node_id: nodeId('IC', c.id),
      user: this.userJson(c.user),
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      author_association: c.user.type === 'Bot' ? 'NONE' : 'MEMBER',
      body: c.body,
      reactions: this.reactions(url),
      performed_via_github_app: this.appJson(c.user),
    };
  }

  private commitCommentJson(c: StoredComment) {
    const url = `${this.apiBase()}/repos/${this.owner}/${this.repo}/comments/${c.id}`;
    return {
      url,
      html_url: `${this.webUrl}/${this.owner}/${this.repo}/commit/${c.parent}#commitcomment-${c.id}`,
      id: c.id,
      node_id: nodeId('CC', c.id),
      user: this.userJson(c.user),
      position: null,
      line: null,
      path: null,
      commit_id: String(c.parent),
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      author_association: c.user.type === 'Bot' ? 'NONE' : 'MEMBER',
      body: c.body,
      reactions: this.reactions(url),
    };
  }
}

function wantsRaw(accept: string | string[] | undefined): boolean {
  return /application\/vnd\.github(\.v3)?\.raw/.test(String(accept ?? ''));
}

function encodePath(p: string): string {
  return p.split('/').map(encodeURIComponent).join('/');
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((res, rej) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => res(Buffer.concat(chunks)));
    req.on('error', rej);
  });
}
