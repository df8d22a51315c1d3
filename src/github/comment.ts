/**
 * Sticky comments: one comment per (PR, id) that every run updates in place. A hidden marker
 * `<!-- finetune-ci:<id> -->` opens the body; the comment is found among all the PR's comments
 * (every page), updated or created, and after a create the list is read again so two racing
 * runs converge on one comment (the oldest is kept and updated, newer ones deleted).
 *
 * The marker is public: anyone can write a comment that starts with it. Only comments written
 * by our own identity count, or a stranger's comment would receive the report and its author
 * could then edit it. The identity comes from the token: `GET /user` names the account of a
 * personal access token (or a user-to-server token); an installation token (the workflow's
 * GITHUB_TOKEN, a GitHub App's token) is refused there ("Resource not accessible by
 * integration"), and writes as the app's bot account (`github-actions[bot]`, `type: Bot`), an
 * identity no person can write as. A comment we create tells us exactly who we are.
 */
import type { GitHubClient, RepoRef } from './client.js';
import { statusOf } from './client.js';
import { redact } from '../redact.js';

export const DEFAULT_COMMENT_ID = 'check';

/** The hidden marker for `id` (letters, digits, `._/-`; anything else becomes `-`). */
export function commentMarker(id: string = DEFAULT_COMMENT_ID): string {
  const safe = id.replace(/[^A-Za-z0-9._/-]/g, '-').replace(/-{2,}/g, '-') || DEFAULT_COMMENT_ID;
  return `<!-- finetune-ci:${safe} -->`;
}

/** True when `body` is ours for `marker` (the marker opens the body, so quotes don't count). */
export function hasMarker(body: string | null | undefined, marker: string): boolean {
  return (body ?? '').trimStart().startsWith(marker);
}

export function withMarker(body: string, marker: string): string {
  return hasMarker(body, marker) ? body : `${marker}\n${body}`;
}

export type StickyCommentResult =
  | { ok: true; action: 'created' | 'updated'; id: number; url: string; deletedDuplicates: number[] }
  | {
      ok: false;
      /** The token may not write here (fork PR, read-only token, missing `pull-requests: write`). */
      reason: 'forbidden';
      status: number;
      message: string;
    };

/** Thrown by `upsert*OrThrow`; `upsert*` return the same as `{ok: false}`. */
export class CommentForbiddenError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'CommentForbiddenError';
  }
}

export interface StickyOptions {
  /** Keeps several workflows' comments apart (default `check`). */
  id?: string;
}

interface CommentUser {
  login?: string;
  id?: number;
  type?: string;
}

interface Comment {
  id: number;
  body?: string | null;
  html_url: string;
  user?: CommentUser | null;
  /** The app behind an installation's (or a user-to-server) write; issue comments only. */
  performed_via_github_app?: { slug?: string } | null;
}

/**
 * Who the token writes as. `user`: the account `GET /user` names (a personal access token).
 * `bot`: an installation token, which writes as its app's bot account; `login`/`id` once known
 * (from a comment we created), otherwise any bot account (never a person) is taken for ours.
 */
export type CommentAuthor = { kind: 'user'; login: string; id: number } | { kind: 'bot'; login?: string; id?: number };

const authors = new WeakMap<object, Promise<CommentAuthor>>();

/** The identity `octokit`'s token writes as (asked once per client). */
export function commentAuthor(octokit: GitHubClient): Promise<CommentAuthor> {
  let known = authors.get(octokit);
  if (!known) {
    known = (async (): Promise<CommentAuthor> => {
      try {
        const { data } = await octokit.rest.users.getAuthenticated();
        return data.type === 'Bot' ? { kind: 'bot', login: data.login, id: data.id } : { kind: 'user', login: data.login, id: data.id };
      } catch {
        // 403 "Resource not accessible by integration": an installation token. Anything else
        // (a network failure after the retries): the safe reading, no person's comment is ours.
        return { kind: 'bot' };
      }
    })();
    authors.set(octokit, known);
  }
  return known;
}

/** The same account: by id when both have one, else by login (case-insensitive, as GitHub). */
function sameUser(a: CommentUser | null | undefined, b: { login?: string; id?: number } | null | undefined): boolean {
  if (!a || !b) return false;
  if (a.id !== undefined && b.id !== undefined) return a.id === b.id;
  return a.login !== undefined && b.login !== undefined && a.login.toLowerCase() === b.login.toLowerCase();
}

/** Written by `author`: the same account, or for an unknown bot identity, any bot account. */
function writtenBy(c: Comment, author: CommentAuthor): boolean {
  if (author.kind === 'user') return sameUser(c.user, author) && c.user?.type !== 'Bot';
  if (c.user?.type !== 'Bot') return false;
  return author.id === undefined && author.login === undefined ? true : sameUser(c.user, author);
}

/** Same author, both known: someone else's comment is never edited or deleted. */
function sameAuthor(a: Comment, b: Comment): boolean {
  return sameUser(a.user, b.user ?? undefined);
}

interface Backend {
  author(): Promise<CommentAuthor>;
  list(): Promise<Comment[]>;
  create(body: string): Promise<Comment>;
  update(id: number, body: string): Promise<Comment>;
  remove(id: number): Promise<void>;
}

const FORBIDDEN_HINT =
  'The token cannot write comments here. On pull requests from forks GITHUB_TOKEN is read-only; ' +
  'otherwise grant `pull-requests: write` (issues: write for issue comments, contents: write for commit comments).';

function isForbidden(e: unknown): boolean {
  const s = statusOf(e);
  return s === 403 || s === 404 || s === 401;
}

async function upsert(backend: Backend, body: string, marker: string): Promise<StickyCommentResult> {
  const full = withMarker(redact(body), marker);
  try {
    const author = await backend.author();
    const mine = (await backend.list()).filter((c) => hasMarker(c.body, marker) && writtenBy(c, author)).sort((a, b) => a.id - b.id);
    // The oldest marked comment written by us is ours; comments by anyone else are never
    // touched, whatever they start with. A 404 (deleted meanwhile) or a 403 (a read-only token)
    // moves on to the next; with none, we create one, and a read-only token fails that too.
    for (const existing of mine) {
      let updated: Comment | null = null;
      try {
        updated = existing.body === full ? existing : await backend.update(existing.id, full);
      } catch (e) {
        if (statusOf(e) !== 404 && statusOf(e) !== 403) throw e;
      }
      if (updated) {
        const kept = updated;
        const deleted = await removeAll(
          backend,
          mine.filter((c) => c.id !== kept.id && c.id > kept.id && sameAuthor(c, kept)),
        );
        return { ok: true, action: 'updated', id: kept.id, url: kept.html_url, deletedDuplicates: deleted };
      }
    }
    const created = await backend.create(full);
    // Race check: another run may have created its own comment meanwhile. Keep the oldest of
    // ours: written by the account that just wrote `created` (anyone else's are left alone).
    const after = (await backend.list()).filter((c) => hasMarker(c.body, marker) && (c.id === created.id || (sameAuthor(c, created) && writtenBy(c, author)))).sort((a, b) => a.id - b.id);
    const keeper = after[0] ?? created;
    if (keeper.id === created.id) {
      const deleted = await removeAll(backend, after.slice(1));
      return { ok: true, action: 'created', id: created.id, url: created.html_url, deletedDuplicates: deleted };
    }
    const kept = keeper.body === full ? keeper : await updateOrNull(backend, keeper.id, full);
    if (!kept) {
      // The keeper vanished under us; ours stands.
      const deleted = await removeAll(
        backend,
        after.filter((c) => c.id !== created.id && c.id !== keeper.id),
      );
      return { ok: true, action: 'created', id: created.id, url: created.html_url, deletedDuplicates: deleted };
    }
    const deleted = await removeAll(backend, after.slice(1).concat(after.some((c) => c.id === created.id) ? [] : [created]));
    return { ok: true, action: 'updated', id: kept.id, url: kept.html_url, deletedDuplicates: deleted };
  } catch (e) {
    if (isForbidden(e)) {
      const message = (e as Error).message;
      return { ok: false, reason: 'forbidden', status: statusOf(e)!, message: `${message}. ${FORBIDDEN_HINT}` };
    }
    throw e;
  }
}

/** null when the comment is gone (404) or not ours to edit (403): then ours stands. */
async function updateOrNull(backend: Backend, id: number, body: string): Promise<Comment | null> {
  try {
    return await backend.update(id, body);
  } catch (e) {
    if (statusOf(e) === 404 || statusOf(e) === 403) return null;
    throw e;
  }
}

async function removeAll(backend: Backend, comments: Comment[]): Promise<number[]> {
  const done: number[] = [];
  for (const c of comments) {
    try {
      await backend.remove(c.id);
      done.push(c.id);
    } catch (e) {
      if (statusOf(e) !== 404) throw e; // already gone: the other run cleaned up
    }
  }
  return done;
}

function issueBackend(octokit: GitHubClient, t: RepoRef & { issueNumber: number }): Backend {
  return {
    author: () => commentAuthor(octokit),
    list: () =>
      octokit.paginate(octokit.rest.issues.listComments, {
        owner: t.owner,
        repo: t.repo,
        issue_number: t.issueNumber,
        per_page: 100,
      }),
    create: async (body) => (await octokit.rest.issues.createComment({ owner: t.owner, repo: t.repo, issue_number: t.issueNumber, body })).data,
    update: async (id, body) => (await octokit.rest.issues.updateComment({ owner: t.owner, repo: t.repo, comment_id: id, body })).data,
    remove: async (id) => {
      await octokit.rest.issues.deleteComment({ owner: t.owner, repo: t.repo, comment_id: id });
    },
  };
}

function commitBackend(octokit: GitHubClient, t: RepoRef & { sha: string }): Backend {
  return {
    author: () => commentAuthor(octokit),
    list: () =>
      octokit.paginate(octokit.rest.repos.listCommentsForCommit, {
        owner: t.owner,
        repo: t.repo,
        commit_sha: t.sha,
        per_page: 100,
      }),
    create: async (body) => (await octokit.rest.repos.createCommitComment({ owner: t.owner, repo: t.repo, commit_sha: t.sha, body })).data,
    update: async (id, body) => (await octokit.rest.repos.updateCommitComment({ owner: t.owner, repo: t.repo, comment_id: id, body })).data,
    remove: async (id) => {
      await octokit.rest.repos.deleteCommitComment({ owner: t.owner, repo: t.repo, comment_id: id });
    },
  };
}

/** Create or update the sticky comment on a PR (or issue). Never throws for 401/403/404. */
export function upsertStickyComment(octokit: GitHubClient, target: RepoRef & { issueNumber: number }, body: string, options: StickyOptions = {}): Promise<StickyCommentResult> {
  return upsert(issueBackend(octokit, target), body, commentMarker(options.id));
}

/** Same as `upsertStickyComment` for a commit (the merge journey's report). */
export function upsertCommitComment(octokit: GitHubClient, target: RepoRef & { sha: string }, body: string, options: StickyOptions = {}): Promise<StickyCommentResult> {
  return upsert(commitBackend(octokit, target), body, commentMarker(options.id ?? 'train'));
}

/** Throwing variant for callers that prefer try/catch. */
export async function upsertStickyCommentOrThrow(
  octokit: GitHubClient,
  target: RepoRef & { issueNumber: number },
  body: string,
  options: StickyOptions = {},
): Promise<Extract<StickyCommentResult, { ok: true }>> {
  const r = await upsertStickyComment(octokit, target, body, options);
  if (!r.ok) throw new CommentForbiddenError(r.status, r.message);
  return r;
}
