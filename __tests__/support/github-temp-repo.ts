/** A throwaway git repository for tests of the git-based paths of `src/github/`. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface TempRepo {
  dir: string;
  git(...args: string[]): string;
  /** Write (string/Buffer) or delete (null) files, then commit; returns the new sha. */
  commit(message: string, files: Record<string, string | Buffer | null>): string;
  remove(): void;
}

export function makeTempRepo(): TempRepo {
  const dir = mkdtempSync(join(tmpdir(), 'finetune-ci-gitrepo-'));
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Test',
        GIT_AUTHOR_EMAIL: 'test@example.com',
        GIT_COMMITTER_NAME: 'Test',
        GIT_COMMITTER_EMAIL: 'test@example.com',
        GIT_CONFIG_NOSYSTEM: '1',
      },
      maxBuffer: 64 * 1024 * 1024,
    }).trim();
  git('init', '-q', '-b', 'main');
  git('config', 'commit.gpgsign', 'false');
  return {
    dir,
    git,
    commit(message, files) {
      for (const [path, content] of Object.entries(files)) {
        const abs = join(dir, path);
        if (content === null) {
          git('rm', '-q', '--', path);
        } else {
          mkdirSync(dirname(abs), { recursive: true });
          writeFileSync(abs, content);
          git('add', '--', path);
        }
      }
      git('commit', '-q', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD');
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
