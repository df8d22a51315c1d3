/**
 * Which files the check may read. Every dataset, smoke suite and config path comes from the
 * repository (a pull request can set any of them, and can commit a symbolic link anywhere), so
 * each is resolved to its real path before it is opened, and refused when that is outside the
 * workspace, inside a `.git` directory (where actions/checkout keeps the token), or not a regular
 * file. A refusal says what is wrong and never quotes where a link leads or anything it holds.
 */
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';

export type PathProblem = 'missing' | 'outside' | 'git-dir' | 'not-file' | 'unreadable';

export type Confined =
  { ok: true; /** The real path: read this one. */ path: string } | { ok: false; problem: PathProblem; /** e.g. "is a symbolic link that leads outside the workspace" */ reason: string };

/** The part of `path` under `root`, or null when it is not under it. */
function inside(root: string, path: string): string | null {
  const rel = relative(root, path);
  if (rel === '') return '';
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return null;
  return rel;
}

const realRoots = new Map<string, Promise<string>>();

/** The workspace's own real path (a temp dir on macOS is behind /var → /private/var). */
function realRoot(workspace: string): Promise<string> {
  const key = resolve(workspace);
  let p = realRoots.get(key);
  if (!p) {
    p = realpath(key).catch(() => key);
    realRoots.set(key, p);
  }
  return p;
}

/**
 * Resolve `path` (relative to `workspace`, or absolute) to a regular file inside the workspace.
 * `allowOutside`: a path that itself names a place outside the workspace is the caller's own
 * choice and allowed (the CLI's arguments); a path inside it that leads outside never is.
 */
export async function confine(workspace: string, path: string, opts: { allowOutside?: boolean } = {}): Promise<Confined> {
  const root = resolve(workspace);
  const abs = resolve(root, path);
  const lexical = inside(root, abs);
  if (lexical === null && !opts.allowOutside) return { ok: false, problem: 'outside', reason: 'is outside the workspace' };
  let real: string;
  try {
    real = await realpath(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return { ok: false, problem: 'missing', reason: 'does not exist' };
    }
    return { ok: false, problem: 'unreadable', reason: 'cannot be read' };
  }
  const viaLink = real !== abs;
  const realRel = inside(await realRoot(root), real);
  if (realRel === null) {
    // A path that itself names a place outside (a CLI argument such as ../other/train.jsonl) is
    // the caller's choice; a path inside that leads outside is a link someone committed.
    if (!(opts.allowOutside && lexical === null)) {
      return {
        ok: false,
        problem: 'outside',
        reason: viaLink ? 'is a symbolic link that leads outside the workspace' : 'is outside the workspace',
      };
    }
  } else if (realRel.split(sep).some((s) => s.toLowerCase() === '.git')) {
    return {
      ok: false,
      problem: 'git-dir',
      reason: viaLink ? "is a symbolic link into the repository's .git directory" : "is inside the repository's .git directory",
    };
  }
  let isFile: boolean;
  try {
    isFile = (await stat(real)).isFile();
  } catch {
    return { ok: false, problem: 'unreadable', reason: 'cannot be read' };
  }
  if (!isFile) {
    return { ok: false, problem: 'not-file', reason: viaLink ? 'is a symbolic link to something that is not a regular file' : 'is not a regular file' };
  }
  return { ok: true, path: real };
}

/** A refusal as one sentence about `label` (the path as the user wrote it). */
export function refusal(label: string, c: Extract<Confined, { ok: false }>): string {
  return `${label} ${c.reason}`;
}
