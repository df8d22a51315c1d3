/**
 * Which files a pull request changes: from the API (paginated, GitHub stops at 3000 files) or
 * from local git when the workspace has both commits.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { GitHubClient, RepoRef } from './client.js';

const exec = promisify(execFile);

export type FileStatus = 'added' | 'modified' | 'removed' | 'renamed' | 'copied' | 'changed' | 'unchanged';

export interface ChangedFile {
  /** Path at the head commit (for `removed`, the path that was removed). */
  path: string;
  status: FileStatus;
  /** Path at the base commit for `renamed` / `copied`, else null. */
  previousPath: string | null;
}

export interface ChangedFiles {
  files: ChangedFile[];
  /** True when GitHub's limit (3000 files) or `maxFiles` cut the list short. */
  capped: boolean;
  /** Where the list came from. */
  source: 'api' | 'git';
}

/** GitHub lists at most this many files of a pull request. */
export const GITHUB_PR_FILES_CAP = 3000;

const STATUSES: ReadonlySet<string> = new Set(['added', 'modified', 'removed', 'renamed', 'copied', 'changed', 'unchanged']);

export interface ListChangedFilesOptions {
  /** `pull_request.changed_files` from the event, if known: detects a cap below 3000 too. */
  expectedCount?: number;
  /** Stop after this many files (default 3000, GitHub's cap). */
  maxFiles?: number;
  /** Told once when the list is capped (e.g. `core.warning`). */
  onWarning?: (message: string) => void;
}

/** `GET /repos/{owner}/{repo}/pulls/{pull_number}/files`, every page (100 per page). */
export async function listChangedFiles(octokit: GitHubClient, pr: RepoRef & { pullNumber: number }, options: ListChangedFilesOptions = {}): Promise<ChangedFiles> {
  const max = options.maxFiles ?? GITHUB_PR_FILES_CAP;
  const files: ChangedFile[] = [];
  let stoppedEarly = false;
  for await (const page of octokit.paginate.iterator(octokit.rest.pulls.listFiles, {
    owner: pr.owner,
    repo: pr.repo,
    pull_number: pr.pullNumber,
    per_page: 100,
  })) {
    for (const f of page.data) {
      if (files.length >= max) {
        stoppedEarly = true;
        break;
      }
      files.push({
        path: f.filename,
        status: (STATUSES.has(f.status) ? f.status : 'changed') as FileStatus,
        previousPath: f.previous_filename ?? null,
      });
    }
    if (stoppedEarly) break;
  }
  const capped = stoppedEarly || files.length >= GITHUB_PR_FILES_CAP || (options.expectedCount !== undefined && options.expectedCount > files.length);
  if (capped) {
    const total = options.expectedCount !== undefined ? ` of ${options.expectedCount}` : '';
    options.onWarning?.(
      `GitHub lists at most ${Math.min(max, GITHUB_PR_FILES_CAP)} files of a pull request; only the first ${files.length}${total} changed files were checked. ` +
        'Check out the full history (actions/checkout with fetch-depth: 0) so the files come from git instead.',
    );
  }
  return { files, capped, source: 'api' };
}

export interface PullRequestInfo {
  number: number;
  baseSha: string;
  headSha: string;
  baseRef: string;
  headRef: string;
  headRepoFullName: string | null;
  changedFiles: number;
  htmlUrl: string;
  state: string;
}

/** `GET /repos/{owner}/{repo}/pulls/{pull_number}`: for runs that know the number but not the shas. */
export async function getPullRequest(octokit: GitHubClient, pr: RepoRef & { pullNumber: number }): Promise<PullRequestInfo> {
  const { data } = await octokit.rest.pulls.get({ owner: pr.owner, repo: pr.repo, pull_number: pr.pullNumber });
  return {
    number: data.number,
    baseSha: data.base.sha,
    headSha: data.head.sha,
    baseRef: data.base.ref,
    headRef: data.head.ref,
    headRepoFullName: data.head.repo?.full_name ?? null,
    changedFiles: data.changed_files,
    htmlUrl: data.html_url,
    state: data.state,
  };
}

async function git(workspace: string, args: string[]): Promise<string> {
  const { stdout } = await exec('git', args, { cwd: workspace, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
  return stdout;
}

/** True when `sha` is a commit present in the workspace's object store. */
export async function hasCommit(workspace: string, sha: string): Promise<boolean> {
  if (!/^[0-9a-f]{4,64}$/i.test(sha)) return false;
  try {
    await git(workspace, ['cat-file', '-e', `${sha}^{commit}`]);
    return true;
  } catch {
    return false;
  }
}

/** The merge base of two commits (what GitHub diffs a PR against), or null without the history. */
export async function mergeBase(workspace: string, a: string, b: string): Promise<string | null> {
  try {
    return (await git(workspace, ['merge-base', a, b])).trim() || null;
  } catch {
    return null;
  }
}

/**
 * The PR's files from git: `git diff --name-status -M -z <merge-base> <head>`, like GitHub's
 * three-dot diff. Returns null when either commit (or their merge base: shallow clone) is
 * missing, so the caller can fall back to `listChangedFiles`.
 */
export async function changedFilesFromGit(workspace: string, baseSha: string, headSha: string): Promise<ChangedFiles | null> {
  if (!(await hasCommit(workspace, baseSha)) || !(await hasCommit(workspace, headSha))) return null;
  const base = await mergeBase(workspace, baseSha, headSha);
  if (!base) return null;
  const out = await git(workspace, ['-c', 'core.quotePath=false', 'diff', '--name-status', '-M', '-z', '--no-color', '--no-ext-diff', base, headSha, '--']);
  return { files: parseNameStatusZ(out), capped: false, source: 'git' };
}

/** Parse `git diff --name-status -z` output. */
export function parseNameStatusZ(out: string): ChangedFile[] {
  const parts = out.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  const files: ChangedFile[] = [];
  for (let i = 0; i < parts.length;) {
    const code = parts[i++]!;
    const letter = code[0];
    if (letter === 'R' || letter === 'C') {
      const from = parts[i++]!;
      const to = parts[i++]!;
      files.push({ path: to, status: letter === 'R' ? 'renamed' : 'copied', previousPath: from });
    } else {
      const path = parts[i++]!;
      const status: FileStatus = letter === 'A' ? 'added' : letter === 'D' ? 'removed' : letter === 'M' ? 'modified' : 'changed';
      files.push({ path, status, previousPath: null });
    }
  }
  return files;
}
