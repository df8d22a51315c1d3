/**
 * The `finetune-ci` bin as users run it: the committed bundle dist/cli/index.js, in a child
 * process, with real files. Also on the machine's own Node (20 on a fresh runner), since the
 * bin must work without npm ci.
 */
import { describe, expect, test, beforeAll, afterAll } from '@jest/globals';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedFile } from '../support/shared-data.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(root, 'dist', 'cli', 'index.js');
const TOY = await sharedFile('fixtures/toy_chat_fine_tuning.jsonl');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], node = process.execPath, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    // The results cache goes to this test's directory, not the user's.
    const base = { ...process.env, FINETUNE_CI_NOW: '2026-11-25', NO_COLOR: '1', XDG_CACHE_HOME: join(dir, 'xdg') };
    execFile(node, [CLI, ...args], { cwd: root, env: { ...base, ...env }, maxBuffer: 1 << 28 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'finetune-ci-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('finetune-ci check', () => {
  test('the toy dataset: billed-rule figures with cl100k_base, and its 5 examples are an error', async () => {
    const r = await cli(['check', TOY, '--model', 'gpt-3.5-turbo-0125', '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    const f = report.files[0];
    expect(f.format).toBe('chat');
    expect(f.examples).toBe(5);
    expect(f.tokens.total).toBe(43 + 109 + 24 + 26 + 8030);
    expect(f.tokens.billable).toBe(8232);
    expect(f.epochs).toBe(20);
    expect(f.trainedTokens).toBe(164640);
    expect(f.costUsd).toBeCloseTo((164640 * 8) / 1e6, 10);
    expect(f.diagnostics.map((d: { code: string }) => d.code)).toEqual(expect.arrayContaining(['too-few-examples', 'no-system-message', 'no-user-message']));
    // The model's shutdown is a notice of the run (an error: it can no longer be trained), not the file's.
    expect(report.notices.find((n: { code: string }) => n.code === 'model-shut-down').severity).toBe('error');
    for (const d of f.diagnostics) expect(Object.keys(d).sort()).toEqual(['code', 'file', 'hint', 'line', 'message', 'path', 'severity']);
  });

  test('the toy dataset with o200k_base (gpt-4o-mini-2024-07-18)', async () => {
    const r = await cli(['check', TOY, '--model', 'gpt-4o-mini-2024-07-18', '--format', 'json']);
    const f = JSON.parse(r.stdout).files[0];
    expect(f.tokens.billable).toBe(8223);
    expect(f.trainedTokens).toBe(164460);
  });

  test('the bundled example is clean: exit 0 and a text report', async () => {
    const r = await cli(['check', 'examples/chat.jsonl']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('12 examples');
    expect(r.stdout).toContain('no errors');
    expect(r.stdout).not.toMatch(/\u001b\[/); // not a TTY: no colour
  });

  test('the broken example: exit 1, located errors with their fix', async () => {
    const r = await cli(['check', 'examples/broken.jsonl', '--max-problems', '50']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/examples\/broken\.jsonl:5 {2}error {2}messages\[2\]\.role is "bot"/);
    expect(r.stdout).toMatch(/fix: /);
    expect(r.stdout).not.toContain('sk-proj-abcdefghijklmnopqrstuvwxyz'); // the secret is masked
  });

  test('markdown is the PR comment format', async () => {
    const r = await cli(['check', 'examples/chat.jsonl', '--format', 'markdown']);
    expect(r.stdout).toMatch(/^### ✅|^### ⚠️/);
    expect(r.stdout).toContain('| dataset | status | model |');
    expect(r.stdout).toContain('<details><summary>How these figures were made</summary>');
  });

  test.each([
    [['check', 'examples/chat.jsonl', '--bogus'], /Unknown option '--bogus'/],
    [['check', 'does-not-exist.jsonl'], /cannot read does-not-exist\.jsonl: no such file/],
    [['check', 'examples/chat.jsonl', '--method', 'sft'], /--method must be one of supervised, dpo, reinforcement/],
    [['check'], /no files given/],
    [['frobnicate', 'x'], /unknown command "frobnicate"/],
    [['check', 'examples/chat.jsonl', '--epochs', 'many'], /--epochs must be a whole number/],
  ])('usage problem %j: exit 2 with one line', async (args, message) => {
    const r = await cli(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stdout).toBe('');
  });

  test('--price, --context and --epochs override the catalog', async () => {
    const r = await cli(['check', TOY, '--model', 'gpt-3.5-turbo-0125', '--context', '4096', '--epochs', '2', '--price', '10', '--format', 'json']);
    const f = JSON.parse(r.stdout).files[0];
    expect(f.tokens.billable).toBe(4298);
    expect(f.epochs).toBe(2);
    expect(f.costUsd).toBeCloseTo((4298 * 2 * 10) / 1e6, 10);
  });

  test('worker threads give exactly the same report as the main thread alone', async () => {
    // Above the 8 MB size where workers start: a generated corpus with a few planted problems.
    const { writeCorpus } = (await import(join(root, 'bench', 'corpus.mjs'))) as { writeCorpus: (p: string, mb: number, seed: number) => Promise<unknown> };
    const file = join(dir, 'big.jsonl');
    await writeCorpus(file, 9, 7);
    const { appendFile } = await import('node:fs/promises');
    await appendFile(file, '{"messages": [{"role": "user", "content": "no answer"}]}\nnot json\n\n');
    // No cache: the second run must analyse every line again, in the workers.
    const one = await cli(['check', file, '--model', 'gpt-4o-mini-2024-07-18', '--format', 'json', '--jobs', '0', '--no-cache']);
    const two = await cli(['check', file, '--model', 'gpt-4o-mini-2024-07-18', '--format', 'json', '--jobs', '2', '--no-cache']);
    const strip = (s: string) => {
      const j = JSON.parse(s);
      delete j.generatedAt;
      return j;
    };
    expect(one.code).toBe(1);
    expect(two.code).toBe(1);
    const a = strip(one.stdout);
    expect(a.files[0].examples).toBeGreaterThan(4000);
    expect(a.files[0].diagnosticCounts['missing-assistant-message']).toBe(1);
    expect(a.files[0].diagnosticCounts['invalid-json']).toBe(1);
    expect(strip(two.stdout)).toEqual(a);
  }, 120_000);

  test('the results cache: written under XDG_CACHE_HOME, bypassed by --no-cache, the same report either way', async () => {
    const { readdir, readFile, writeFile: write } = await import('node:fs/promises');
    const file = join(dir, 'cached.jsonl');
    const rows = Array.from({ length: 12 }, (_, i) =>
      JSON.stringify({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: `Q${i}?` },
          { role: 'assistant', content: `A${i}.` },
        ],
      }),
    );
    await write(file, [...rows, 'not json'].join('\n') + '\n');
    const args = ['check', file, '--model', 'gpt-4o-mini-2024-07-18', '--format', 'json'];
    const strip = (s: string) => {
      const j = JSON.parse(s);
      delete j.generatedAt;
      return j;
    };
    const home = join(dir, 'xdg-cache-test');
    const bypass = await cli([...args, '--no-cache'], process.execPath, { XDG_CACHE_HOME: home });
    await expect(readdir(join(home, 'finetune-ci'))).rejects.toThrow(); // nothing written
    const cold = await cli(args, process.execPath, { XDG_CACHE_HOME: home });
    const written = (await readdir(join(home, 'finetune-ci'))).sort();
    expect(written.filter((n) => n.startsWith('lines-'))).toHaveLength(1);
    expect(written.filter((n) => n.startsWith('summary-'))).toHaveLength(1);
    const warm = await cli(args, process.execPath, { XDG_CACHE_HOME: home });
    // A damaged cache is ignored, the report is the same, and the cache is rewritten.
    for (const n of written) {
      const b = await readFile(join(home, 'finetune-ci', n));
      await write(join(home, 'finetune-ci', n), b.subarray(0, b.length - 5));
    }
    const damaged = await cli(args, process.execPath, { XDG_CACHE_HOME: home });
    for (const r of [bypass, cold, warm, damaged]) expect(r.code).toBe(1);
    expect(strip(cold.stdout)).toEqual(strip(bypass.stdout));
    expect(strip(warm.stdout)).toEqual(strip(bypass.stdout));
    expect(strip(damaged.stdout)).toEqual(strip(bypass.stdout));
    expect(strip(bypass.stdout).files[0].diagnosticCounts['invalid-json']).toBe(1);
    const lines = (await readdir(join(home, 'finetune-ci'))).find((n) => n.startsWith('lines-'))!;
    expect((await readFile(join(home, 'finetune-ci', lines))).length).toBeGreaterThan(88 + 12 * 52);
  }, 60_000);
});

describe("the bin runs on the machine's own Node without npm ci", () => {
  // A fresh runner has Node 20 as /usr/bin/node; the suite itself runs on Node 24 from npm.
  const system = ['/usr/bin/node', '/usr/local/bin/node'].find((p) => {
    try {
      return execFileSync(p, ['--version'], { encoding: 'utf8' }).startsWith('v');
    } catch {
      return false;
    }
  });
  test('a system Node exists (the fresh-machine premise)', () => {
    expect(system).toBeDefined();
  });
  test('check works on it', async () => {
    const version = execFileSync(system!, ['--version'], { encoding: 'utf8' }).trim();
    const r = await cli(['check', 'examples/chat.jsonl', '--format', 'json'], system!);
    expect({ version, code: r.code, stderr: r.stderr }).toEqual({ version, code: 0, stderr: '' });
    expect(JSON.parse(r.stdout).files[0].examples).toBe(12);
  });
});

describe('review fixes', () => {
  test('a directory given as a dataset is a usage problem (exit 2), not a crash', async () => {
    const r = await cli(['check', 'examples']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/examples is not a file: give the JSONL dataset's path/);
    expect(r.stderr).not.toMatch(/EISDIR|at /);
  });

  test("a closed pipe ends the command quietly with the check's status", async () => {
    const { spawn } = await import('node:child_process');
    const file = join(dir, 'pipe.jsonl');
    await writeFile(
      file,
      Array.from({ length: 3000 }, (_, i) =>
        JSON.stringify({
          messages: [
            { role: 'user', content: `q${i}` },
            { role: 'assistant', content: `a${i}` },
          ],
        }),
      ).join('\n') + '\n',
    );
    const child = spawn(process.execPath, [CLI, 'check', file, '--format', 'json', '--min-examples', '1'], { cwd: root, env: { ...process.env, FINETUNE_CI_NOW: '2026-11-25' } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // Read one chunk, then close our end, as `| head -c 100` does.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).not.toMatch(/Unhandled|EPIPE|unexpected failure/);
    expect([0, 1]).toContain(code);
  });
});
