/**
 * Base versions stored in Git LFS: a pointer is recognised, its content is fetched through
 * `git lfs smudge` when git-lfs is on PATH (a stand-in git-lfs here, run by the real git), and
 * when it cannot be, the reason comes back instead of an exception.
 */
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { isLfsPointer, smudgeLfsPointer } from '../../src/github/lfs.js';

const dir = mkdtempSync(join(tmpdir(), 'finetune-ci-lfs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PATH = process.env.PATH;
afterEach(() => {
  process.env.PATH = PATH;
});

const POINTER = 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 42\n';
const CONTENT = '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}\n';

function pointerFile(name: string): string {
  const p = join(dir, name);
  writeFileSync(p, POINTER);
  return p;
}

/** A directory holding an executable `git-lfs` that prints `output` for `smudge`. */
function fakeLfs(name: string, output: string): string {
  const d = mkdtempSync(join(dir, `${name}-bin-`));
  const script = join(d, 'git-lfs');
  writeFileSync(script, `#!/bin/sh\n[ "$1" = smudge ] || exit 2\ncat > /dev/null\nprintf '%s' '${output.replace(/'/g, `'\\''`)}'\n`);
  chmodSync(script, 0o755);
  return d;
}

describe('Git LFS base versions', () => {
  test('a pointer is recognised; data is not', () => {
    return Promise.all([
      expect(isLfsPointer(pointerFile('p.jsonl'))).resolves.toBe(true),
      (async () => {
        const data = join(dir, 'd.jsonl');
        writeFileSync(data, CONTENT);
        expect(await isLfsPointer(data)).toBe(false);
        const tiny = join(dir, 't.jsonl');
        writeFileSync(tiny, 'ver');
        expect(await isLfsPointer(tiny)).toBe(false);
      })(),
    ]);
  });

  test('with git-lfs, the pointer is replaced by its content', async () => {
    process.env.PATH = `${fakeLfs('ok', CONTENT)}${delimiter}${PATH}`;
    const p = pointerFile('fetched.jsonl');
    expect(await smudgeLfsPointer(dir, p)).toEqual({ ok: true });
    expect(readFileSync(p, 'utf8')).toBe(CONTENT);
  });

  test('without git-lfs: not fetched, and the reason says so', async () => {
    process.env.PATH = '/usr/bin:/bin';
    const p = pointerFile('missing.jsonl');
    const r = await smudgeLfsPointer(dir, p);
    expect(r).toEqual({ ok: false, reason: 'git-lfs is not installed' });
    expect(readFileSync(p, 'utf8')).toBe(POINTER);
  });

  test('git-lfs that cannot get the object (gives the pointer back): not fetched, with the reason', async () => {
    process.env.PATH = `${fakeLfs('same', POINTER)}${delimiter}${PATH}`;
    const p = pointerFile('same.jsonl');
    const r = await smudgeLfsPointer(dir, p);
    expect(r.ok).toBe(false);
    expect((r as { reason: string }).reason).toContain('not available');
  });
});
