/**
 * The base version of a file, written to a temp file (never held in memory whole): from local
 * git when the commit is in the workspace, else from the API. A file that does not exist at the
 * ref gives null (a new file: empty base).
 */
import { execFile, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, posix, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import type { GitHubClient, RepoRef } from './client.js';
import { statusOf } from './client.js';
import { hasCommit } from './changed-files.js';

const exec = promisify(execFile);

export interface TempOptions {
  /** Directory to create the temp dir in: default `RUNNER_TEMP`, else the OS temp dir. */
  tempRoot?: string;
}

export interface BaseContent {
  /** Local temp file holding the bytes; remove `dir` when done. */
  file: string;
  dir: string;
  size: number;
  source: 'git' | 'api-contents' | 'api-raw' | 'api-blob';
}

export class BaseContentError extends Error {
  constructor(
    message: string,
    readonly path: string,
    readonly ref: string,
  ) {
    super(message);
    this.name = 'BaseContentError';
  }
}

async function tempFileFor(path: string, opts: TempOptions): Promise<{ dir: string; file: string }> {
  const root = opts.tempRoot ?? process.env.RUNNER_TEMP ?? tmpdir();
  const dir = await mkdtemp(join(root, 'finetune-ci-base-'));
  return { dir, file: join(dir, basename(path) || 'base') };
}

/**
 * The tree entry of `path` at `sha` (mode, type, object id), or null when there is none. Read
 * with `ls-tree` on the literal path, so nothing in it is a glob or pathspec magic.
 */
async function treeEntry(workspace: string, sha: string, path: string): Promise<{ mode: string; type: string; object: string } | null> {
  const { stdout } = await exec('git', ['--literal-pathspecs', 'ls-tree', '-z', '--full-tree', sha, '--', path], {
    cwd: workspace,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  for (const rec of stdout.split('\0')) {
    const tab = rec.indexOf('\t');
    if (tab < 0 || rec.slice(tab + 1) !== path) continue;
    const [mode, type, object] = rec.slice(0, tab).split(' ') as [string, string, string];
    return { mode, type, object };
  }
  return null;
}

/**
 * From git: null when `sha` is not a commit here (caller falls back to the API) or when the path
 * does not exist at `sha` — check `hasCommit` first to tell them apart, or use `readBaseContent`.
 * Streams the blob (`git cat-file blob <object>`: raw bytes, no textconv or filters) to a temp
 * file. A symbolic link in the tree (mode 120000) is refused, never followed: its blob is only
 * the link's target, and the check reads files, not links.
 */
export async function baseContentFromGit(workspace: string, sha: string, path: string, opts: TempOptions = {}): Promise<BaseContent | null> {
  if (!(await hasCommit(workspace, sha))) return null;
  // Tree paths are from the repository's root, without `./`; nothing above the root is in it.
  const treePath = posix.normalize(path.split(sep).join('/'));
  if (treePath === '..' || treePath.startsWith('../') || posix.isAbsolute(treePath)) return null;
  let entry: Awaited<ReturnType<typeof treeEntry>>;
  try {
    entry = await treeEntry(workspace, sha, treePath);
  } catch {
    return null; // not in that commit (e.g. a parent of the path is a file there): a new file
  }
  if (!entry) return null;
  if (entry.mode === '120000') throw new BaseContentError(`${path} at ${sha.slice(0, 7)} is a symbolic link, which finetune-ci does not follow`, path, sha);
  if (entry.type !== 'blob') throw new BaseContentError(`${path} at ${sha.slice(0, 7)} is a ${entry.type === 'commit' ? 'submodule' : 'directory'}, not a file`, path, sha);
  const spec = entry.object;
  const { dir, file } = await tempFileFor(path, opts);
  let child: ReturnType<typeof spawn> | null = null;
  try {
    child = spawn('git', ['cat-file', 'blob', spec], { cwd: workspace, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((res, rej) => {
      child!.once('error', rej);
      child!.once('close', (code) => res(code));
    });
    exited.catch(() => {}); // awaited below; a spawn failure must not be an unhandled rejection meanwhile
    await pipeline(child.stdout!, createWriteStream(file));
    const code = await exited;
    if (code !== 0) throw new BaseContentError(`git cat-file failed for ${path} at ${sha.slice(0, 7)}: ${stderr.trim()}`, path, sha);
    return { file, dir, size: (await stat(file)).size, source: 'git' };
  } catch (e) {
    child?.kill(); // e.g. the disk filled up: do not leave git writing into a closed pipe
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

const RAW = 'application/vnd.github.raw+json';

/**
 * From the API. The contents API gives metadata, and the bytes inline (base64) up to 1 MB; above
 * that (`encoding: "none"`, or the older 403 `too_large`) the bytes are streamed with the raw
 * media type, falling back to the git blobs API (raw) by the blob sha. 404 → null.
 */
export async function baseContentFromApi(octokit: GitHubClient, repo: RepoRef, ref: string, path: string, opts: TempOptions = {}): Promise<BaseContent | null> {
  type Meta = { type: string; size: number; sha: string; content?: string; encoding?: string };
  let meta = null as Meta | null;
  try {
    const { data } = await octokit.rest.repos.getContent({ owner: repo.owner, repo: repo.repo, path, ref });
    if (Array.isArray(data)) throw new BaseContentError(`${path} at ${ref} is a directory, not a file`, path, ref);
    if (data.type !== 'file') throw new BaseContentError(`${path} at ${ref} is a ${data.type}, not a file`, path, ref);
    // The contents API answers a symbolic link to a file in the repository with that file (and
    // its path): a link is refused here as it is in git, never followed.
    if (typeof data.path === 'string' && data.path !== posix.normalize(path).replace(/^\.\//, '')) {
      throw new BaseContentError(`${path} at ${ref} is a symbolic link, which finetune-ci does not follow`, path, ref);
    }
    meta = data;
  } catch (e) {
    if (e instanceof BaseContentError) throw e;
    const status = statusOf(e);
    if (status === 404) return null;
    if (!(status === 403 && /too.?large|too_large/i.test(JSON.stringify((e as { response?: { data?: unknown } }).response?.data ?? '') + String((e as Error).message)))) {
      throw e;
    }
    // 403 too_large: the file is there but over 1 MB; stream it below.
  }

  const { dir, file } = await tempFileFor(path, opts);
  try {
    if (meta && meta.encoding === 'base64' && (meta.content !== '' || meta.size === 0)) {
      await writeFile(file, Buffer.from(meta.content ?? '', 'base64'));
      return await checked(file, dir, meta.size, 'api-contents', path, ref);
    }
    try {
      await streamTo(octokit, 'GET /repos/{owner}/{repo}/contents/{path}', { owner: repo.owner, repo: repo.repo, path, ref }, file);
      return await checked(file, dir, meta?.size, 'api-raw', path, ref);
    } catch (e) {
      if (statusOf(e) === 404) {
        await rm(dir, { recursive: true, force: true });
        return null;
      }
      if (!meta?.sha) throw e;
      // Raw contents refused (e.g. proxy or media-type trouble): the blob by sha has no 1 MB limit either.
      await streamTo(octokit, 'GET /repos/{owner}/{repo}/git/blobs/{file_sha}', { owner: repo.owner, repo: repo.repo, file_sha: meta.sha }, file);
      return await checked(file, dir, meta.size, 'api-blob', path, ref);
    }
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

async function streamTo(octokit: GitHubClient, route: string, params: Record<string, string>, file: string): Promise<void> {
  const res = await octokit.request(route, {
    ...params,
    headers: { accept: RAW },
    request: { parseSuccessResponseBody: false },
  });
  const body = res.data as unknown;
  if (body && typeof (body as ReadableStream).getReader === 'function') {
    await pipeline(Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>), createWriteStream(file));
  } else if (typeof body === 'string' || body instanceof ArrayBuffer || ArrayBuffer.isView(body)) {
    await writeFile(file, typeof body === 'string' ? body : Buffer.from(body as ArrayBuffer));
  } else {
    throw new Error(`unexpected response body for ${route}`);
  }
}

async function checked(file: string, dir: string, expected: number | undefined, source: BaseContent['source'], path: string, ref: string): Promise<BaseContent> {
  const { size } = await stat(file);
  if (expected !== undefined && size !== expected) {
    throw new BaseContentError(`${path} at ${ref}: got ${size} bytes, GitHub said ${expected}`, path, ref);
  }
  return { file, dir, size, source };
}

export interface ReadBaseOptions extends TempOptions {
  octokit?: GitHubClient;
  repo?: RepoRef;
  /** Workspace with a git checkout; git is tried first when the commit is there. */
  workspace?: string;
  /** Commit (or ref, for the API) to read at. */
  ref: string;
  path: string;
}

/** Git when the commit is in the workspace, else the API. null: the file is not there (new file). */
export async function readBaseContent(o: ReadBaseOptions): Promise<BaseContent | null> {
  if (o.workspace && (await hasCommit(o.workspace, o.ref))) {
    return baseContentFromGit(o.workspace, o.ref, o.path, o);
  }
  if (!o.octokit || !o.repo) {
    throw new BaseContentError(`${o.path}: commit ${o.ref} is not in the workspace and no GitHub client was given`, o.path, o.ref);
  }
  return baseContentFromApi(o.octokit, o.repo, o.ref, o.path, o);
}

/** A file's version in the workspace's git: its blob id and size, and a stream of its raw bytes. */
export interface GitBlob {
  sha: string;
  size: number;
  /** `git cat-file blob` (raw bytes, no filters), streamed: never written to disk. */
  open(): Readable;
}

async function gitOut(workspace: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('git', args, { cwd: workspace, encoding: 'utf8', maxBuffer: 1 << 20 }, (e, stdout) => (e ? reject(e) : resolve(stdout)));
    if (input !== undefined) child.stdin!.end(input);
  });
}

/**
 * `path` at commit `sha` from local git, without reading it: null when the commit is not here
 * or the path is not a file in it (check `hasCommit` to tell them apart).
 */
export async function gitBlobAt(workspace: string, sha: string, path: string): Promise<GitBlob | null> {
  if (path.includes('\n') || !(await hasCommit(workspace, sha))) return null;
  let line: string;
  try {
    line = (await gitOut(workspace, ['cat-file', '--batch-check'], `${sha}:${path}\n`)).trim();
  } catch {
    return null;
  }
  const m = /^([0-9a-f]{40,64}) (\w+) (\d+)$/.exec(line);
  if (!m) return null; // "<sha>:<path> missing": a new file
  if (m[2] !== 'blob') throw new BaseContentError(`${path} at ${sha} is a ${m[2]}, not a file`, path, sha);
  const id = m[1]!;
  return {
    sha: id,
    size: Number(m[3]),
    open() {
      const child = spawn('git', ['cat-file', 'blob', id], { cwd: workspace, stdio: ['ignore', 'pipe', 'ignore'] });
      child.once('error', (e) => child.stdout!.destroy(e));
      // Whoever reads stops early (an error): git must not keep writing into a closed pipe.
      child.stdout!.once('close', () => child.kill());
      return child.stdout!;
    },
  };
}

/**
 * The blob id of a working-tree file when git can vouch that it holds exactly the indexed bytes:
 * no filter (such as LFS) and no line-ending conversion between them, the same size, and no
 * change since (`git diff`, which trusts the index's stat data). Else null: hash the file.
 */
export async function workingTreeBlob(workspace: string, path: string): Promise<string | null> {
  try {
    const staged = /^\d+ ([0-9a-f]{40,64}) 0\t/.exec(await gitOut(workspace, ['ls-files', '-s', '-z', '--', path]));
    if (!staged) return null;
    const sha = staged[1]!;
    const attrs = (await gitOut(workspace, ['check-attr', '-z', 'filter', 'text', 'eol', '--', path])).split('\0');
    for (let i = 0; i + 2 < attrs.length; i += 3) if (attrs[i + 2] !== 'unspecified') return null;
    const [size, onDisk] = await Promise.all([gitOut(workspace, ['cat-file', '-s', sha]), stat(join(workspace, path))]);
    if (Number(size.trim()) !== onDisk.size) return null;
    await gitOut(workspace, ['diff', '--quiet', '--', path]); // exit 1 (an error here): modified
    return sha;
  } catch {
    return null;
  }
}
