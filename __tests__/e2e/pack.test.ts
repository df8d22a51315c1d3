/**
 * The CLI as npm would publish it: `npm pack`, unpack the tarball in a temp directory far from
 * the project, and run its bin with nothing installed (no node_modules anywhere above it), the
 * way `npx finetune-ci check` runs once published. The bin is the committed bundle
 * (dist/cli/), so this needs a current `npm run build`.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  private?: boolean;
  bin: Record<string, string>;
  files: string[];
  engines: { node: string };
};

let dir: string;
let unpacked: string;
let packed: { files: { path: string }[] };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ftci-pack-'));
  // --ignore-scripts: pack what is committed, build nothing.
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: root, maxBuffer: 1 << 24 });
  packed = (JSON.parse(stdout) as (typeof packed & { filename: string })[])[0]!;
  const tarball = join(dir, (packed as unknown as { filename: string }).filename);
  await run('tar', ['-xzf', tarball, '-C', dir]);
  unpacked = join(dir, 'package');
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('npm pack', () => {
  test('package.json is publishable: not private, a bin, a files list, engines', () => {
    expect(pkg.private).toBeUndefined();
    expect(pkg.bin).toEqual({ 'finetune-ci': 'dist/cli/index.js' });
    expect(pkg.files.length).toBeGreaterThan(0);
    expect(pkg.engines.node).toMatch(/^>=\d+/);
  });

  test('the tarball holds the CLI bundle and the docs, not the source, tests or the action bundle', () => {
    const paths = packed.files.map((f) => f.path).sort();
    expect(paths).toContain('dist/cli/index.js');
    expect(paths).toContain('package.json');
    expect(paths).toContain('README.md');
    for (const p of paths) expect(p).toMatch(/^(dist\/cli\/|package\.json$|README\.md$|CHANGELOG\.md$|LICENSE)/);
  });

  test('the packed bin runs from a temp directory with nothing installed', async () => {
    // Nothing to resolve dependencies from: no node_modules in the unpacked tree or above it.
    for (let d = unpacked; d !== sep && d !== '.'; d = join(d, '..')) expect(existsSync(join(d, 'node_modules'))).toBe(false);
    const bin = join(unpacked, pkg.bin['finetune-ci']!);
    const version = await run(process.execPath, [bin, '--version'], { cwd: dir });
    expect(version.stdout.trim()).toContain(pkg.version);

    const data = join(root, 'examples', 'chat.jsonl');
    const r = await run(process.execPath, [bin, 'check', data, '--model', 'gpt-4.1-mini-2025-04-14', '--format', 'json'], {
      cwd: dir,
      env: { ...process.env, FINETUNE_CI_NOW: '2026-11-25', NODE_PATH: '' },
      maxBuffer: 1 << 24,
    });
    const report = JSON.parse(r.stdout) as { targets?: unknown };
    const text = JSON.stringify(report);
    expect(text).toContain('gpt-4.1-mini-2025-04-14');
    expect(text).toContain('"examples":12');
  }, 60_000);
});
