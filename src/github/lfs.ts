/**
 * Base versions stored in Git LFS. Datasets over 100 MB can only live in a GitHub repository
 * through LFS, so a base version is often a pointer file: its content is fetched with
 * `git lfs smudge` when git-lfs is installed, else the caller skips the comparison and says why.
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';

export const LFS_POINTER_HEADER = 'version https://git-lfs.github.com/spec/v1';

/** Whether a file is a Git LFS pointer (a small text file that starts with the spec line). */
export async function isLfsPointer(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(LFS_POINTER_HEADER.length);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return bytesRead === buf.length && buf.toString('utf8') === LFS_POINTER_HEADER;
  } finally {
    await fh.close();
  }
}

export type LfsFetch = { ok: true } | { ok: false; reason: string };

/**
 * Replace a pointer file by its content, through `git lfs smudge` run in the workspace (it uses
 * the checkout's LFS remote and credentials). Never throws: says why it could not.
 */
export async function smudgeLfsPointer(workspace: string, file: string): Promise<LfsFetch> {
  const out = `${file}.lfs`;
  let stderr = '';
  const notInstalled = () => /not a git command/i.test(stderr);
  try {
    const child = spawn('git', ['lfs', 'smudge'], { cwd: workspace, env: process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 2000) stderr += d.toString();
    });
    const exited = new Promise<number | null>((res, rej) => {
      child.once('error', rej);
      child.once('close', (code) => res(code));
    });
    exited.catch(() => {});
    await Promise.all([pipeline(createReadStream(file), child.stdin), pipeline(child.stdout, createWriteStream(out))]);
    const code = await exited;
    if (code !== 0) {
      await rm(out, { force: true });
      const why = notInstalled() ? 'git-lfs is not installed' : stderr.trim().split('\n')[0] || `exit ${code}`;
      return { ok: false, reason: why };
    }
    if (await isLfsPointer(out)) {
      await rm(out, { force: true });
      return { ok: false, reason: 'git lfs smudge returned the pointer itself (the LFS object is not available)' };
    }
    await rename(out, file);
    return { ok: true };
  } catch (e) {
    await rm(out, { force: true });
    const err = e as NodeJS.ErrnoException;
    return { ok: false, reason: notInstalled() || err.code === 'EPIPE' ? 'git-lfs is not installed' : err.message };
  }
}
