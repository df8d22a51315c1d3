/**
 * Hostile lines through the bundle users run (issue 14 #3, #4, #5): one file holding every
 * line that used to stall or crash the run, checked by `node dist/cli/index.js` in a child
 * process. The run must finish with a report that locates each problem. (dist/ is not built
 * here: `npm run build` first.)
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(root, 'dist', 'cli', 'index.js');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'finetune-ci-hostile-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const chat = (content: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content },
      { role: 'assistant', content: 'ok' },
    ],
    ...extra,
  });
const deep = (n: number, inner = '1') => '['.repeat(n) + inner + ']'.repeat(n);

test('every hostile line in one file: the check finishes and locates each one', async () => {
  let seed = 5;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const cjk = Array.from({ length: 40_000 }, () => String.fromCodePoint(0x4e00 + Math.floor(rnd() * 20_000))).join('');
  const rows = [
    ...Array.from({ length: 10 }, (_, i) => chat(`question ${i}?`)),
    chat('a'.repeat(1 << 20)), // 11: over 600 s in the tokenizer before
    chat('sk-'.repeat(100_000)), // 12: 137 s in the secret scanner before (300 KB)
    chat(cjk), // 13: 14.6 s before
    `{"messages":[{"role":"user","content":"u"},{"role":"assistant","content":"a"}],"tools":[{"type":"function","function":{"name":"f","parameters":${deep(20_000)}}}]}`, // 14: stack overflow before
    `{"messages":${deep(20_000, '"caf\\u00e9"')}}`, // 15: stack overflow before
    `{"messages":[${'[],'.repeat(200_000)}[]]}`, // 16: memory per value
  ];
  const path = join(dir, 'hostile.jsonl');
  await writeFile(path, rows.join('\n') + '\n');
  const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [CLI, 'check', path, '--model', 'gpt-4o-mini-2024-07-18', '--format', 'json'],
      { env: { ...process.env, FINETUNE_CI_NOW: '2026-11-25' }, maxBuffer: 1 << 28 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
  expect(r.stderr).not.toMatch(/RangeError|Maximum call stack|heap out of memory|failed unexpectedly/);
  expect(r.code).toBe(1);
  const f = JSON.parse(r.stdout).files[0];
  const at = (line: number) => f.diagnostics.filter((d: { line: number }) => d.line === line).map((d: { code: string }) => d.code);
  expect(at(11)).toEqual(expect.arrayContaining(['approximate-count']));
  expect(at(12)).not.toContain('possible-secret');
  expect(at(14)).toEqual(['too-deep']);
  expect(at(15)).toEqual(['too-deep']);
  expect(at(16)).toEqual(['too-many-values']);
  expect(f.examples).toBe(16);
  expect(f.validExamples).toBe(13);
}, 300_000);
