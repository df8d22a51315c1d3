/**
 * The Together provider over real HTTP: the adapter's own fetch → Prism (proxy, --errors,
 * Together's published spec, see prism-together.ts for its quirks) → the stateful fake.
 * Prism starts once for this file. The fake's clock moves only when the adapter sleeps (polls)
 * or a test advances it, so nothing here waits in real time.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProviderError } from '../../src/providers/errors.js';
import { createProvider } from '../../src/providers/index.js';
import { TogetherProvider, keyTag, mapTogetherStatus, taggedSuffix, type TogetherProviderOptions } from '../../src/providers/together/adapter.js';
import type { ChatSession, JobSpec } from '../../src/providers/types.js';
import { startTogetherStack, type TogetherStack } from '../support/prism-together.js';

let stack: TogetherStack;
let dir: string;
const API_KEY = 'tgp-test-never-print-me';
const logs: string[] = [];

beforeAll(async () => {
  stack = await startTogetherStack();
  dir = mkdtempSync(join(tmpdir(), 'ftci-together-'));
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  stack.fake.clearFaults();
  stack.fake.overrideEstimate(null);
  expect(logs.join('\n')).not.toContain(API_KEY);
  logs.length = 0;
});

function provider(extra: Partial<TogetherProviderOptions> = {}): TogetherProvider {
  return new TogetherProvider({
    apiKey: API_KEY,
    baseURL: stack.url,
    retry: { attempts: 5, baseDelayMs: 5, maxDelayMs: 20 },
    filePollIntervalMs: 500,
    endpointPollIntervalMs: 5_000,
    // Polls move the fake clock instead of waiting.
    sleep: async (ms) => stack.fake.clock.advance(ms),
    now: () => stack.fake.clock.now(),
    log: (l) => logs.push(l),
    ...extra,
  });
}

let fileCounter = 0;
function dataset(lines: number, bad?: { line: number; text: string }): { path: string; name: string; bytes: number } {
  const rows: string[] = [];
  for (let i = 0; i < lines; i++) {
    rows.push(
      JSON.stringify({
        messages: [
          { role: 'user', content: `question ${i} ${fileCounter}` },
          { role: 'assistant', content: `answer ${i}` },
        ],
      }),
    );
  }
  if (bad) rows[bad.line - 1] = bad.text;
  const text = rows.join('\n') + '\n';
  const path = join(dir, `d${++fileCounter}.jsonl`);
  writeFileSync(path, text);
  const hash = createHash('sha256').update(text).digest('hex');
  return { path, name: `train.${hash.slice(0, 16)}.jsonl`, bytes: Buffer.byteLength(text) };
}

async function uploaded(p: TogetherProvider): Promise<string> {
  const d = dataset(12);
  return (await p.upload(d.path, { purpose: 'fine-tune', name: d.name })).id;
}

let keyCounter = 0;
function spec(trainingFileId: string, extra: Partial<JobSpec> = {}): JobSpec {
  const key = createHash('sha256').update(`key-${++keyCounter}-${Date.now()}`).digest('hex');
  return {
    model: 'Qwen/Qwen3-8B',
    method: 'supervised',
    trainingFileId,
    hyperparameters: { n_epochs: 2, batch_size: 8, learning_rate_multiplier: 2 },
    suffix: 'support',
    seed: 7,
    tag: { key, commit: 'abc123', repository: 'acme/data', target: 'support' },
    ...extra,
  };
}

/** Advance the fake clock and read the job, until it is terminal (bounded). */
async function follow(p: TogetherProvider, jobId: string): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < 40; i++) {
    const j = await p.getJob(jobId);
    if (seen[seen.length - 1] !== j.providerStatus) seen.push(j.providerStatus);
    if (['succeeded', 'failed', 'cancelled'].includes(j.status)) break;
    stack.fake.clock.advance(1_000);
  }
  return seen;
}

describe('the whole run: upload → processing → estimate → job → completion → endpoint → chat → endpoint deleted', () => {
  test('happy path', async () => {
    const p = provider();
    const d = dataset(20);
    const progress: number[] = [];
    const file = await p.upload(d.path, { purpose: 'fine-tune', name: d.name, onProgress: (n) => progress.push(n) });
    expect(file).toMatchObject({ name: d.name, bytes: d.bytes, reused: false, via: 'files' });
    expect(progress).toEqual([d.bytes]);
    const stored = stack.fake.files.get(file.id)!;
    expect(stored.content.toString()).toContain('question 0');
    expect(stored.file.processing_status).toBe('COMPLETED');
    const polls = stack.fake.requests.filter((r) => r.method === 'GET' && r.path === `/files/${file.id}`);
    expect(polls.length).toBeGreaterThanOrEqual(2); // PENDING / RUNNING first, then COMPLETED
    expect(stack.fake.requests.every((r) => r.bearer)).toBe(true);

    const s = spec(file.id);
    const est = await p.estimate(s);
    expect(est.allowedToProceed).toBe(true);
    expect(est.currency).toBe('USD');
    expect(est.trainTokens).toBe(Math.ceil(d.bytes / 4) * 2);
    expect(est.totalPrice).toBeCloseTo((est.trainTokens! * 0.48) / 1e6, 6);
    expect(est.userLimit).toBe(100);
    const estBody = stack.fake.estimates[stack.fake.estimates.length - 1]!;
    expect(estBody).toMatchObject({ training_file: file.id, model: 'Qwen/Qwen3-8B', n_epochs: 2, training_type: { type: 'Lora' } });

    expect(await p.findJob(s.tag.key, { trainingFileId: file.id, suffix: s.suffix })).toBeNull();
    const job = await p.createJob(s);
    const body = stack.fake.jobs.get(job.id)!.body;
    expect(body).toMatchObject({
      model: 'Qwen/Qwen3-8B',
      training_file: file.id,
      n_epochs: 2,
      batch_size: 8,
      learning_rate: 2e-5,
      random_seed: 7,
      suffix: `support-${s.tag.key.slice(0, 8)}`,
      training_method: { method: 'sft', train_on_inputs: false },
      training_type: { type: 'Lora', lora_r: 64, lora_alpha: 128 },
    });
    expect(job).toMatchObject({ status: 'queued', providerStatus: 'pending', model: 'Qwen/Qwen3-8B', trainingFileId: file.id, method: 'supervised', metadata: {} });
    expect(job.fineTunedModel).toBeNull();

    const statuses = await follow(p, job.id);
    expect(statuses).toEqual(['pending', 'queued', 'running', 'compressing', 'uploading', 'completed']);
    const done = await p.getJob(job.id);
    expect(done.status).toBe('succeeded');
    expect(done.requestId).toMatch(/^req-/);
    expect(done.fineTunedModel).toBe(stack.fake.jobs.get(job.id)!.job.model_output_name);
    expect(done.trainedTokens).toBe(Math.ceil(d.bytes / 4) * 2);
    // total_price is nanodollars on the wire; dollars here.
    expect(stack.fake.jobs.get(job.id)!.job.total_price).toBe(Math.round(((Math.ceil(d.bytes / 4) * 2 * 0.48) / 1e6) * 1e9));
    expect(done.totalPrice).toBeCloseTo((Math.ceil(d.bytes / 4) * 2 * 0.48) / 1e6, 8);
    expect(done.hyperparameters).toMatchObject({ n_epochs: 2, batch_size: 8, learning_rate_multiplier: 2 });

    const events = await p.listEvents(job.id);
    expect(events.length).toBeGreaterThanOrEqual(8);
    const times = events.map((e) => e.createdAt);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(events[0]!.message).toBe('Fine tune request created');
    expect(events[events.length - 1]!.message).toMatch(/^Job finished/);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    const after = await p.listEvents(job.id, events[3]!.id);
    expect(after.map((e) => e.id)).toEqual(events.slice(4).map((e) => e.id));
    expect(await p.listEvents(job.id, events[events.length - 1]!.id)).toEqual([]);

    const cps = await p.listCheckpoints(job.id);
    expect(cps.map((c) => c.stepNumber)).toEqual([2, 4]);

    const found = await p.findJob(s.tag.key, { trainingFileId: file.id, suffix: s.suffix });
    expect(found?.id).toBe(job.id);

    // Smoke test on a dedicated endpoint: created, waited for, used, deleted.
    const postsBefore = stack.fake.requests.filter((r) => r.method === 'POST' && r.path === '/endpoints').length;
    const session = await p.openChatSession(done.fineTunedModel!);
    expect(stack.fake.requests.filter((r) => r.method === 'POST' && r.path === '/endpoints').length).toBe(postsBefore + 1);
    const endpointId = session.handle!.endpointId as string;
    const ep = stack.fake.endpoints.get(endpointId)!;
    expect(ep.body).toMatchObject({
      model: done.fineTunedModel,
      hardware: '1x_nvidia_h100_80gb_sxm',
      autoscaling: { min_replicas: 1, max_replicas: 1 },
      inactive_timeout: 10,
    });
    expect(session).toMatchObject({ provider: 'together', model: done.fineTunedModel, target: ep.endpoint.name, needsClose: true });
    expect(stack.fake.liveEndpoints().find((e) => e.id === endpointId)?.state).toBe('STARTED');

    const r = await p.chat(
      session,
      [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: 'hello' },
      ],
      { temperature: 0, max_tokens: 20, seed: 1 },
    );
    expect(r.text).toBe('echo: hello');
    expect(r.usage?.totalTokens).toBeGreaterThan(0);
    expect(r.finishReason).toBe('stop');
    expect(r.requestId).toMatch(/^req-/);

    await p.closeChatSession(session);
    expect(stack.fake.endpoints.has(endpointId)).toBe(false);
    expect(stack.fake.deletedEndpoints).toContain(endpointId);
    expect(session.needsClose).toBe(false);
    await p.closeChatSession(session); // closing twice is a no-op
    expect(logs.join('\n')).toMatch(/billed per minute/);
  });
});

describe('upload', () => {
  test('a file with the same name and size is reused, not uploaded again', async () => {
    const p = provider();
    const d = dataset(12);
    const first = await p.upload(d.path, { purpose: 'fine-tune', name: d.name });
    const uploads = stack.fake.requests.filter((r) => r.path === '/files/upload').length;
    const second = await p.upload(d.path, { purpose: 'fine-tune', name: d.name });
    expect(second).toMatchObject({ id: first.id, reused: true, via: null, bytes: d.bytes });
    expect(stack.fake.requests.filter((r) => r.path === '/files/upload').length).toBe(uploads);
  });

  test('an INVALID_FORMAT file is refused with the validation report and its line', async () => {
    const p = provider();
    const d = dataset(6, { line: 3, text: '{"input": "no messages here"}' });
    const err = await p.upload(d.path, { purpose: 'fine-tune', name: d.name }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    const pe = err as ProviderError;
    expect(pe.kind).toBe('invalid');
    expect(pe.code).toBe('invalid_format');
    expect(pe.line).toBe(3);
    expect(pe.message).toContain(d.name);
    expect(pe.message).toMatch(/line 3/);
    expect(pe.describe()).toMatch(/line 3/);
    // A failed file is never reused: the fixed file (same name, other size) or even a retry uploads anew.
    const again = await p.upload(d.path, { purpose: 'fine-tune', name: d.name }).catch((e: unknown) => e);
    expect((again as ProviderError).kind).toBe('invalid');
    expect(stack.fake.requests.filter((r) => r.path === '/files/upload' && r.status === 200).length).toBeGreaterThanOrEqual(2);
  });

  test('FAILED with a structured report still names the line', async () => {
    const p = provider();
    const d = dataset(5);
    stack.fake.failNextFile('FAILED', { error: { message: 'Tokenization failed: example too long', line: 4 } });
    const err = (await p.upload(d.path, { purpose: 'fine-tune', name: d.name }).catch((e: unknown) => e)) as ProviderError;
    expect(err.kind).toBe('invalid');
    expect(err.line).toBe(4);
    expect(err.message).toMatch(/at line 4: Tokenization failed/);
  });

  test('an upload whose answer is lost is found by name and size, not uploaded twice', async () => {
    const p = provider();
    const d = dataset(12);
    stack.fake.inject('POST /files/upload', { kind: 'drop-after' });
    const f = await p.upload(d.path, { purpose: 'fine-tune', name: d.name });
    expect([...stack.fake.files.values()].filter((x) => x.file.filename === d.name)).toHaveLength(1);
    expect(f.name).toBe(d.name);
  });

  test('a 503 on upload is retried; a reset while polling too', async () => {
    const p = provider();
    const d = dataset(8);
    const served = [stack.fake.faultCount('POST /files/upload'), stack.fake.faultCount('GET /files/:id')];
    stack.fake.inject('POST /files/upload', { kind: 'status', status: 503 });
    stack.fake.inject('GET /files/:id', { kind: 'reset' });
    const f = await p.upload(d.path, { purpose: 'fine-tune', name: d.name });
    expect(f.reused).toBe(false);
    expect([stack.fake.faultCount('POST /files/upload') - served[0]!, stack.fake.faultCount('GET /files/:id') - served[1]!]).toEqual([1, 1]);
    expect(logs.join('\n')).toMatch(/uploadFile: HTTP 503/);
  });
});

describe('price check', () => {
  test('allowed_to_proceed: false comes back as allowedToProceed false (the journey refuses)', async () => {
    const p = provider();
    const fileId = await uploaded(p);
    stack.fake.overrideEstimate({ allowed_to_proceed: false, estimated_total_price: 250.5 });
    const est = await p.estimate(spec(fileId));
    expect(est).toMatchObject({ allowedToProceed: false, totalPrice: 250.5, currency: 'USD' });
  });

  test('over the credit limit: not allowed; an unavailable estimate has no price', async () => {
    const p = provider();
    const fileId = await uploaded(p);
    const limit = stack.fake.userLimit;
    stack.fake.userLimit = 0;
    try {
      expect((await p.estimate(spec(fileId))).allowedToProceed).toBe(false);
    } finally {
      stack.fake.userLimit = limit;
    }
    stack.fake.overrideEstimate({ estimation_available: false });
    expect((await p.estimate(spec(fileId))).totalPrice).toBeNull();
  });

  test('DPO maps beta to dpo_beta; a validation file adds n_evals; Full training on request', async () => {
    const p = provider();
    const train = await uploaded(p);
    const val = await uploaded(p);
    const s = spec(train, {
      method: 'dpo',
      validationFileId: val,
      hyperparameters: { n_epochs: 1, beta: 0.2 },
      providerOptions: { training_type: 'full' },
    });
    const est = await p.estimate(s);
    expect(est.evalTokens).toBeGreaterThan(0);
    expect(stack.fake.estimates[stack.fake.estimates.length - 1]).toMatchObject({
      validation_file: val,
      n_evals: 1,
      training_method: { method: 'dpo', dpo_beta: 0.2 },
      training_type: { type: 'Full' },
    });
    const job = await p.createJob(s);
    expect(job.method).toBe('dpo');
    expect(job.hyperparameters.beta).toBe(0.2);
  });

  test('reinforcement is refused before any request', async () => {
    const p = provider();
    const n = stack.fake.requests.length;
    const err = (await p.estimate(spec('file-x', { method: 'reinforcement' })).catch((e: unknown) => e)) as ProviderError;
    expect(err.kind).toBe('invalid');
    expect(stack.fake.requests.length).toBe(n);
  });
});

describe('jobs', () => {
  test('a failed job: status failed, raw error, the error event as message', async () => {
    const p = provider();
    stack.fake.planNextJob({ outcome: 'error', errorMessage: 'Training failed: CUDA out of memory on step 3' });
    const job = await p.createJob(spec(await uploaded(p)));
    const seen = await follow(p, job.id);
    expect(seen[seen.length - 1]).toBe('error');
    const j = await p.getJob(job.id);
    expect(j).toMatchObject({ status: 'failed', providerStatus: 'error', fineTunedModel: null, trainedTokens: null });
    expect(j.error).toEqual({ code: 'job_error', message: 'Training failed: CUDA out of memory on step 3', param: null });
    const events = await p.listEvents(job.id);
    expect(events[events.length - 1]).toMatchObject({ level: 'error', message: 'Training failed: CUDA out of memory on step 3' });
  });

  test('rerun safety: found again by suffix + training file; another file or key is not a match', async () => {
    const p = provider();
    const fileId = await uploaded(p);
    const other = await uploaded(p);
    const s = spec(fileId);
    const job = await p.createJob(s);
    expect((await p.findJob(s.tag.key, { trainingFileId: fileId, suffix: 'support', model: s.model }))?.id).toBe(job.id);
    // Without hints: any job whose suffix ends with the key's 8 hex.
    expect((await p.findJob(s.tag.key))?.id).toBe(job.id);
    expect(await p.findJob(s.tag.key, { trainingFileId: other, suffix: 'support' })).toBeNull();
    expect(await p.findJob(s.tag.key, { trainingFileId: fileId, suffix: 'other' })).toBeNull();
    expect(await p.findJob(createHash('sha256').update('another key').digest('hex'), { trainingFileId: fileId, suffix: 'support' })).toBeNull();
  });

  test('a live job wins over a failed one with the same suffix and file', async () => {
    const p = provider();
    const fileId = await uploaded(p);
    const s = spec(fileId);
    stack.fake.planNextJob({ outcome: 'error' });
    const failed = await p.createJob(s);
    await follow(p, failed.id);
    expect((await p.findJob(s.tag.key, { trainingFileId: fileId, suffix: s.suffix }))?.id).toBe(failed.id);
    stack.fake.clock.advance(1_000);
    const again = await p.createJob(s);
    expect((await p.findJob(s.tag.key, { trainingFileId: fileId, suffix: s.suffix }))?.id).toBe(again.id);
  });

  test('a create whose answer is lost leaves exactly one job', async () => {
    const p = provider();
    const s = spec(await uploaded(p));
    const creates = stack.fake.jobCreates;
    stack.fake.inject('POST /fine-tunes', { kind: 'drop-after' });
    const job = await p.createJob(s);
    expect(stack.fake.jobCreates - creates).toBe(1);
    const mine = stack.fake.jobList().filter((j) => j.body.suffix === taggedSuffix('support', s.tag.key));
    expect(mine).toHaveLength(1);
    expect(mine[0]!.job.id).toBe(job.id);
    expect(logs.join('\n')).toMatch(/lost/);
  });

  test('a create refused with 500 then 429 (retry-after) is tried again and succeeds once', async () => {
    const p = provider();
    const s = spec(await uploaded(p));
    const creates = stack.fake.jobCreates;
    stack.fake.inject('POST /fine-tunes', { kind: 'status', status: 500 });
    stack.fake.inject('POST /fine-tunes', { kind: 'rate-limit', retryAfterMs: 1 });
    const job = await p.createJob(s);
    expect(stack.fake.jobCreates - creates).toBe(1);
    expect(job.id).toMatch(/^ft-/);
    expect(logs.join('\n')).toMatch(/HTTP 429/);
  });

  test('out of credit (402) is a quota error, never retried, with a billing hint', async () => {
    const p = provider();
    const s = spec(await uploaded(p));
    const served = stack.fake.faultCount('POST /fine-tunes');
    stack.fake.inject('POST /fine-tunes', { kind: 'quota' }, 3);
    const err = (await p.createJob(s).catch((e: unknown) => e)) as ProviderError;
    expect(err).toBeInstanceOf(ProviderError);
    expect([err.kind, err.status, err.code, err.message]).toEqual(['quota', 402, 'insufficient_balance', expect.any(String)]);
    expect(err.hint).toMatch(/credit/);
    expect(stack.fake.faultCount('POST /fine-tunes') - served).toBe(1);
  });

  test('a 401 is an auth error; an unknown job is not-found', async () => {
    const bad = provider({ apiKey: 'wrong' });
    stack.fake.inject('GET /fine-tunes/:id', { kind: 'status', status: 401, code: 'invalid_api_key', message: 'Invalid API key provided.' });
    const e1 = (await bad.getJob('ft-00000000-0000-0000-0000-000000000000').catch((e: unknown) => e)) as ProviderError;
    expect(e1.kind).toBe('auth');
    const e2 = (await provider()
      .getJob('ft-00000000-0000-0000-0000-000000000000')
      .catch((e: unknown) => e)) as ProviderError;
    expect(e2.kind).toBe('not-found');
    expect(e2.requestId).toMatch(/^req-/);
  });

  test('cancel: cancel_requested then cancelled, both mapped to cancelled; cancelling again is harmless', async () => {
    const p = provider();
    const job = await p.createJob(spec(await uploaded(p)));
    stack.fake.clock.advance(4_000);
    const c = await p.cancelJob(job.id);
    expect(c).toMatchObject({ status: 'cancelled', providerStatus: 'cancel_requested' });
    stack.fake.clock.advance(2_000);
    expect(await p.getJob(job.id)).toMatchObject({ status: 'cancelled', providerStatus: 'cancelled' });
    expect((await p.cancelJob(job.id)).status).toBe('cancelled');
  });

  test('status mapping keeps unknown words', () => {
    expect(mapTogetherStatus('pending')).toBe('queued');
    expect(mapTogetherStatus('uploading')).toBe('running');
    expect(mapTogetherStatus('completed')).toBe('succeeded');
    expect(mapTogetherStatus('error')).toBe('failed');
    expect(mapTogetherStatus('paused')).toBe('paused');
    expect(keyTag('ABCDEF0123')).toBe('abcdef01');
    expect(keyTag('not-hex')).toMatch(/^[0-9a-f]{8}$/);
    expect(taggedSuffix(null, 'abcdef0123')).toBe('ftci-abcdef01');
    expect(taggedSuffix('x'.repeat(60), 'abcdef0123').length).toBeLessThanOrEqual(40);
  });

  test('getModel lists the base models', async () => {
    const p = provider();
    expect(await p.getModel('Qwen/Qwen3-8B')).toMatchObject({ id: 'Qwen/Qwen3-8B', ownedBy: 'Qwen', shutdownDate: null });
    expect(await p.getModel('nope/none')).toBeNull();
  });
});

describe('endpoints', () => {
  async function tunedModel(p: TogetherProvider): Promise<string> {
    const job = await p.createJob(spec(await uploaded(p)));
    await follow(p, job.id);
    return (await p.getJob(job.id)).fineTunedModel!;
  }

  test('a cancelled run still deletes its endpoint: chat fails, closeChatSession runs from finally', async () => {
    const p = provider();
    const model = await tunedModel(p);
    const controller = new AbortController();
    let session: ChatSession | null = null;
    let endpointId = '';
    const run = async () => {
      session = await p.openChatSession(model);
      endpointId = session.handle!.endpointId as string;
      try {
        stack.fake.scriptChat(session.target, { status: 400, code: 'invalid_request' });
        controller.abort(); // the workflow is cancelled while the smoke suite runs
        await p.chat(session, [{ role: 'user', content: 'hi' }]);
      } finally {
        await p.closeChatSession(session);
      }
    };
    const err = (await run().catch((e: unknown) => e)) as ProviderError;
    expect(controller.signal.aborted).toBe(true);
    expect(err.kind).toBe('invalid');
    expect(stack.fake.endpoints.has(endpointId)).toBe(false);
    expect(stack.fake.deletedEndpoints).toContain(endpointId);
  });

  test('a 503 right after STARTED is retried; a lost delete answer still ends deleted', async () => {
    const p = provider();
    const model = await tunedModel(p);
    const session = await p.openChatSession(model);
    stack.fake.scriptChat(session.target, { status: 503, headers: { 'retry-after-ms': '1' } });
    try {
      expect((await p.chat(session, [{ role: 'user', content: 'again' }])).text).toBe('echo: again');
    } finally {
      stack.fake.inject('DELETE /endpoints/:id', { kind: 'drop-after' });
      await p.closeChatSession(session);
    }
    expect(stack.fake.endpoints.has(session.handle!.endpointId as string)).toBe(false);
  });

  test('an endpoint that ends in ERROR is deleted and the open fails', async () => {
    const p = provider();
    const model = await tunedModel(p);
    stack.fake.failNextEndpoint();
    const before = new Set(stack.fake.endpoints.keys());
    const err = (await p.openChatSession(model).catch((e: unknown) => e)) as ProviderError;
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toMatch(/ERROR instead of STARTED/);
    expect([...stack.fake.endpoints.keys()].filter((k) => !before.has(k))).toEqual([]);
  });

  test('an endpoint that never starts is deleted after the timeout', async () => {
    const p = provider({ endpointStartTimeoutMs: 20_000 });
    const model = await tunedModel(p);
    const before = new Set(stack.fake.endpoints.keys());
    const err = (await p.openChatSession(model).catch((e: unknown) => e)) as ProviderError;
    expect(err.message).toMatch(/still (PENDING|STARTING)/);
    expect([...stack.fake.endpoints.keys()].filter((k) => !before.has(k))).toEqual([]);
  });

  test('a create-endpoint answer lost is found by its display name, not created twice', async () => {
    const p = provider();
    const model = await tunedModel(p);
    const before = stack.fake.endpoints.size;
    stack.fake.inject('POST /endpoints', { kind: 'drop-after' });
    const session = await p.openChatSession(model);
    expect(stack.fake.endpoints.size).toBe(before + 1);
    await p.closeChatSession(session);
    expect(stack.fake.endpoints.size).toBe(before);
  });

  test('an existing endpoint (smoke-model) is used as is: nothing created, nothing deleted', async () => {
    const p = provider();
    stack.fake.servedModels.add('acme/my-existing-endpoint');
    const n = stack.fake.requests.filter((r) => r.path.startsWith('/endpoints')).length;
    const session = await p.openChatSession('acme/Qwen3-8B-support-1234', { existing: 'acme/my-existing-endpoint' });
    expect(session).toMatchObject({ target: 'acme/my-existing-endpoint', needsClose: false });
    expect((await p.chat(session, [{ role: 'user', content: 'x' }])).text).toBe('echo: x');
    await p.closeChatSession(session);
    expect(stack.fake.requests.filter((r) => r.path.startsWith('/endpoints')).length).toBe(n);
  });
});

describe('createProvider', () => {
  test('together is wired, and an empty key is a setup error naming the input', async () => {
    const p = await createProvider({ name: 'together', apiKey: API_KEY, baseUrl: stack.url });
    expect(p.name).toBe('together');
    expect(typeof p.estimate).toBe('function');
    await expect(createProvider({ name: 'together', apiKey: '' })).rejects.toThrow(/together-api-key/);
    expect((p as TogetherProvider).baseURL).toBe(stack.url);
    const d = await createProvider({ name: 'together', apiKey: API_KEY });
    expect((d as TogetherProvider).baseURL).toBe(process.env.TOGETHER_BASE_URL?.trim() || 'https://api.together.ai/v1');
  });

  test('Prism saw no contract violations (only the undeclared statuses of injected faults)', () => {
    const out = stack.prism.output();
    expect(out).toMatch(/\[PROXY\]/); // it did proxy
    expect(out).not.toMatch(/\[VALIDATOR\] ✖|VIOLATIONS/);
    const warnings = out.split('\n').filter((l) => /\[VALIDATOR\] ⚠/.test(l));
    for (const w of warnings) expect(w).toMatch(/Unable to match the returned status code/);
  });
});

describe('the contract check itself', () => {
  test("a response that breaks Together's spec is stopped by Prism", async () => {
    const mark = stack.prism.output().length;
    stack.fake.tamper('GET /fine-tunes/:id', (v) => ({ ...(v as object), status: 'exploded' }));
    try {
      const p = provider({ retry: { attempts: 1 } });
      const job = await p.createJob(spec(await uploaded(p)));
      const err = (await p.getJob(job.id).catch((e: unknown) => e)) as ProviderError;
      expect(err).toBeInstanceOf(ProviderError);
      expect(err.status).toBe(500);
    } finally {
      stack.fake.tamper('GET /fine-tunes/:id', null);
    }
    // Prism writes its log a moment after answering.
    for (let i = 0; i < 200 && !/VIOLATIONS/.test(stack.prism.output().slice(mark)); i++) await new Promise((r) => setTimeout(r, 50));
    expect(stack.prism.output().slice(mark)).toMatch(/VIOLATIONS: Request\/Response not valid/);
  });
});

describe('catalog: Together models', () => {
  test('resolveModel honours the provider; open-weight counts are approximate; prices unknown', async () => {
    const { resolveModel, findModel, TOGETHER_MODELS } = await import('../../src/catalog/index.js');
    const q = resolveModel('Qwen/Qwen3-8B', {}, 'together');
    expect(q).toMatchObject({ provider: 'together', approximateTokens: true, trainingPricePerMillion: null, asOf: '2026-11-25' });
    expect(q.methods).toEqual(['supervised', 'dpo']);
    expect(q.unconfirmed).toEqual(expect.arrayContaining(['encoding', 'trainingPricePerMillion']));
    expect(resolveModel('qwen/qwen3-8b', {}, 'together').id).toBe('Qwen/Qwen3-8B');
    expect(resolveModel('Qwen/Qwen3-8B', { pricePerMillion: 0.5 }, 'together').trainingPricePerMillion).toBe(0.5);
    // An unknown model on Together: approximate even when its name looks like OpenAI's.
    const u = resolveModel('someone/gpt-4o-clone', {}, 'together');
    expect(u).toMatchObject({ provider: 'together', approximateTokens: true, methods: ['supervised', 'dpo'] });
    expect(resolveModel('gpt-4.1-mini-2025-04-14', {}, 'together')).toMatchObject({ provider: 'together', approximateTokens: true, trainingPricePerMillion: null });
    // Without a provider nothing changes for OpenAI ids.
    expect(findModel('gpt-4.1-mini-2025-04-14')?.provider).toBe('openai');
    // Approximate until a model's own tokenizer is fetched; rows priced from Together's 2026-12-02
    // figures carry that date and the source URL, the others their 2026-11-25 facts.
    for (const m of TOGETHER_MODELS) {
      expect(m).toMatchObject({ provider: 'together', approximateTokens: true });
      expect(m.asOf).toBe(m.priceSource ? m.priceSource.asOf : '2026-11-25');
    }
  });
});
