/**
 * How the journeys use what only some providers have: a price quote before the job (Together),
 * an existing chat endpoint or deployment named by smoke-model, Azure's need for a deployment.
 * Stubs of our own Provider interface (unit tests); the adapters have their own HTTP tests.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSettings, type Settings } from '../../src/config.js';
import type { ActionIO } from '../../src/journeys/io.js';
import { runSmokeStage } from '../../src/journeys/smoke.js';
import { runTrain } from '../../src/journeys/train.js';
import { quoteText, renderTrainMarkdown } from '../../src/report/train.js';
import type { Estimate, JobSpec, OpenChatOptions, Provider, ProviderName } from '../../src/providers/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
let ws: string;

function recorder() {
  const r = { infos: [] as string[], warnings: [] as string[], failed: [] as string[], outputs: {} as Record<string, string>, io: null as unknown as ActionIO };
  r.io = {
    info: (m) => r.infos.push(m),
    warning: (m) => r.warnings.push(m),
    error: () => {},
    notice: () => {},
    group: (_n, fn) => fn(),
    setOutput: (n, v) => {
      r.outputs[n] = String(v);
    },
    appendSummary: async () => {},
    setSecret: () => {},
    setFailed: (m) => r.failed.push(m),
  };
  return r;
}

function stub(name: ProviderName, quote?: Estimate) {
  const calls = { uploads: 0, creates: 0, estimates: [] as JobSpec[], opened: [] as { model: string; opts?: OpenChatOptions }[] };
  const no = () => Promise.reject(new Error('not expected in this test'));
  const provider: Provider = {
    name,
    async upload(_path, o) {
      calls.uploads++;
      return { id: `file-${calls.uploads}`, name: o.name, bytes: 10, reused: false, via: 'files' };
    },
    ...(quote
      ? {
          async estimate(spec: JobSpec) {
            calls.estimates.push(spec);
            return quote;
          },
        }
      : {}),
    findJob: async () => null,
    async createJob() {
      calls.creates++;
      throw new Error('createJob must not be called');
    },
    getJob: no,
    listEvents: no,
    listCheckpoints: no,
    cancelJob: no,
    getModel: async () => null,
    async openChatSession(model, opts) {
      calls.opened.push({ model, opts });
      return { provider: name, model, target: model, needsClose: false };
    },
    chat: async (session) => ({ text: `hello from ${session.model}`, latencyMs: 1, usage: null, finishReason: 'stop', requestId: null }),
    closeChatSession: async () => {},
  } as Provider;
  return { provider, calls };
}

async function settings(inputs: Record<string, string>): Promise<Settings> {
  return parseSettings(
    (n) => inputs[n] ?? '',
    async () => null,
  );
}

beforeAll(async () => {
  ws = await mkdtemp(join(tmpdir(), 'finetune-ci-wiring-'));
  await copyFile(join(root, 'examples', 'chat.jsonl'), join(ws, 'train.jsonl'));
  await writeFile(join(ws, 'smoke.yml'), 'cases:\n  - name: hi\n    prompt: "hi"\n    assert:\n      - { type: contains, value: hello }\n');
});
afterAll(async () => {
  await rm(ws, { recursive: true, force: true });
});

describe('a provider that quotes a price before the job (Together)', () => {
  const base = { 'training-file': 'train.jsonl', provider: 'together', 'together-api-key': 'tk-test', model: 'Qwen/Qwen3-8B', 'price-per-million': '1', 'poll-interval': '1', 'timeout-minutes': '1' };

  test('allowed_to_proceed false: refused after the upload, before any job', async () => {
    const { provider, calls } = stub('together', { totalPrice: 12.5, trainTokens: 1000, allowedToProceed: false, currency: 'USD', userLimit: 10 } as Estimate);
    const rec = recorder();
    const out = await runTrain(await settings(base), { io: rec.io, event: null, workspace: ws, createProvider: async () => provider, tempRoot: ws, today: '2026-11-25', smokeStage: null });
    expect(calls.estimates).toHaveLength(1);
    expect(calls.estimates[0]!.model).toBe('Qwen/Qwen3-8B');
    expect(calls.creates).toBe(0);
    expect(out.results[0]!.reason).toMatch(/together would refuse this job \(not enough credit: the quote is \$12\.50, the limit \$10\.00\)/);
    expect(rec.failed.join('\n')).toMatch(/refuse|not enough credit/i);
  });

  test('a quote above max-cost is refused too, even when the local estimate was under it', async () => {
    const { provider, calls } = stub('together', { totalPrice: 30, trainTokens: 1000, allowedToProceed: true, currency: 'USD' } as Estimate);
    const rec = recorder();
    const out = await runTrain(await settings({ ...base, 'max-cost': '20' }), {
      io: rec.io,
      event: null,
      workspace: ws,
      createProvider: async () => provider,
      tempRoot: ws,
      today: '2026-11-25',
      smokeStage: null,
    });
    expect(calls.creates).toBe(0);
    expect(out.results[0]!.reason).toMatch(/quotes \$30\.00, above max-cost \$20/);
  });

  test('the report sets our estimate from the data beside the quote, with the difference', async () => {
    const { provider } = stub('together', { totalPrice: 30, trainTokens: 1000, allowedToProceed: true, currency: 'USD' } as Estimate);
    const out = await runTrain(await settings({ ...base, 'max-cost': '20' }), {
      io: recorder().io,
      event: null,
      workspace: ws,
      createProvider: async () => provider,
      tempRoot: ws,
      today: '2026-11-25',
      smokeStage: null,
    });
    const r = out.results[0]!;
    // Ours: trained tokens from the data at the price-per-million of 1 USD.
    expect(r.quote).toMatchObject({ costUsd: 30, trainTokens: 1000 });
    expect(r.quote!.ourTokens).toBeGreaterThan(0);
    expect(r.quote!.ourCostUsd).toBeCloseTo(r.quote!.ourTokens! / 1_000_000, 9);
    const text = quoteText('together', r.quote!);
    expect(text).toContain(`ours $${r.quote!.ourCostUsd!.toFixed(4)}`);
    expect(text).toMatch(/together's \$30\.00 for 1,000 tokens \(together vs ours: cost \+[\d,.]+%, tokens [+−-][\d,.]+%\)/);
    expect(renderTrainMarkdown(out.results)).toContain('estimate vs quote');
  });
});

describe('smoke sessions and existing deployments', () => {
  test('smoke-model names an existing endpoint: it is used as is, nothing is created', async () => {
    const { provider, calls } = stub('together');
    const rec = recorder();
    const s = await settings({ 'smoke-tests': 'smoke.yml', 'smoke-model': 'acme/my-endpoint', 'smoke-compare': 'none', 'together-api-key': 'tk' });
    const r = await runSmokeStage({ settings: s, target: null, provider, model: 'acme/Qwen3-8B-support-abc', baseModel: 'Qwen/Qwen3-8B', io: rec.io, workspace: ws, tempRoot: ws });
    expect(r?.failed).toBe(false);
    expect(calls.opened).toEqual([{ model: 'acme/my-endpoint', opts: { existing: 'acme/my-endpoint' } }]);
  });

  test('the tuned model without smoke-model opens a session of its own (a new endpoint on Together)', async () => {
    const { provider, calls } = stub('together');
    const rec = recorder();
    const s = await settings({ 'smoke-tests': 'smoke.yml', 'smoke-compare': 'none' });
    await runSmokeStage({ settings: s, target: null, provider, model: 'acme/Qwen3-8B-support-abc', baseModel: 'Qwen/Qwen3-8B', io: rec.io, workspace: ws, tempRoot: ws });
    expect(calls.opened).toEqual([{ model: 'acme/Qwen3-8B-support-abc', opts: {} }]);
  });

  test('Azure without smoke-model: skipped with a warning that says how to make a deployment', async () => {
    const { provider, calls } = stub('azure');
    const rec = recorder();
    const s = await settings({ 'smoke-tests': 'smoke.yml', provider: 'azure' });
    const r = await runSmokeStage({
      settings: s,
      target: null,
      provider,
      model: 'gpt-4.1-mini-2025-04-14.ft-0123456789abcdef0123456789abcdef',
      baseModel: 'gpt-4.1-mini-2025-04-14',
      io: rec.io,
      workspace: ws,
      tempRoot: ws,
    });
    expect(r).toBeNull();
    expect(calls.opened).toEqual([]);
    expect(rec.warnings.join('\n')).toMatch(/deployment .*set smoke-model/);
  });
});
