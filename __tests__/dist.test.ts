/**
 * dist/ is committed (the runner and the `finetune-ci` bin run it without npm ci), so it must be
 * exactly what the source builds to. This rebuilds both bundles into a temp dir with the same
 * commands as `npm run build` and compares every file byte for byte.
 */
import { describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const ncc = join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(p)));
    else out.push(p);
  }
  return out.sort();
}

describe('dist/ matches the source', () => {
  test('a fresh build equals the committed bundles', async () => {
    const out = await mkdtemp(join(tmpdir(), 'finetune-ci-dist-'));
    try {
      const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
      // The same commands as package.json's build scripts, only the output folder differs.
      const action = (pkg.scripts['build:action'] as string).replace(/^ncc /, '').replace('-o dist', `-o ${join(out, 'dist')}`);
      const cli = (pkg.scripts['build:cli'] as string).replace(/^ncc /, '').replace('-o dist/cli', `-o ${join(out, 'dist', 'cli')}`);
      await run(process.execPath, [ncc, ...action.split(' ')], { cwd: root, maxBuffer: 1 << 26 });
      await run(process.execPath, [ncc, ...cli.split(' ')], { cwd: root, maxBuffer: 1 << 26 });
      const built = (await files(join(out, 'dist'))).map((f) => relative(join(out, 'dist'), f));
      const committed = (await files(join(root, 'dist'))).map((f) => relative(join(root, 'dist'), f));
      expect(committed).toEqual(built);
      const stale: string[] = [];
      for (const f of built) {
        const a = await readFile(join(out, 'dist', f));
        const b = await readFile(join(root, 'dist', f));
        if (!a.equals(b)) stale.push(f);
      }
      if (stale.length) throw new Error(`dist/ is stale (${stale.join(', ')}): run npm run build and commit dist/`);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 300_000);
});
