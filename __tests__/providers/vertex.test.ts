/**
 * The Vertex adapter driving the real `@google/genai` and `@google-cloud/storage` clients over
 * HTTP against the stateful fake (support/fake-vertex.ts), authenticated with an
 * external_account (Workload Identity Federation) credentials file whose token exchange is the
 * fake: no Google network.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isProviderError, TAG_KEYS, type JobSpec } from '../../src/providers/index.js';
import { createVertexProvider, findCredentials, labelValue, VertexProvider } from '../../src/providers/vertex/adapter.js';
import { startFakeVertex, type FakeVertex } from '../support/fake-vertex.js';

let fake: FakeVertex;
let dir: string;
let creds: string;
const sleeps: number[] = [];

const chatLine = (i: number) =>
  JSON.stringify({
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: `question ${i}` },
      { role: 'assistant', content: `answer ${i}` },
    ],
  });

function provider(extra: Partial<ConstructorParameters<typeof VertexProvider>[0]> = {}): VertexProvider {
  return new VertexProvider({
    project: 'proj-1',
    location: 'us-central1',
    bucket: 'gs://ft-bucket/finetune-ci',
    baseUrl: fake.url,
    storageBaseUrl: fake.url,
    httpRetry: { attempts: 1 },
    // @google/genai's own fetch fails inside Jest's ESM sandbox; the sandbox's fetch is the same undici.
    fetch: (u, i) => fetch(u, i),
    createRetry: { attempts: 4 },
    sleep: async (ms) => void sleeps.push(ms),
    now: () => fake.clock.now(),
    tempRoot: dir,
    ...extra,
  });
}

const KEY = 'a'.repeat(24) + '0123456789abcdef0123456789abcdef01234567';
const spec = (trainingFileId: string, over: Partial<JobSpec> = {}): JobSpec => ({
  model: 'gemini-2.5-flash',
  method: 'supervised',
  trainingFileId,
  hyperparameters: { n_epochs: 3, learning_rate_multiplier: 1 },
  suffix: 'support',
  tag: { key: KEY, commit: 'ABCDEF0123', repository: 'Acme/Support-Bot', target: 'support' },
  ...over,
});

let trainPath: string;
beforeAll(async () => {
  fake = await startFakeVertex();
  dir = await mkdtemp(join(tmpdir(), 'vertex-adapter-'));
  creds = await fake.credentialsFile(dir);
  // ADC as google-github-actions/auth leaves it: an external_account file named by this variable.
  process.env.GOOGLE_APPLICATION_CREDENTIALS = creds;
  trainPath = join(dir, 'train.jsonl');
  await writeFile(trainPath, Array.from({ length: 20 }, (_, i) => chatLine(i)).join('\n') + '\n');
});
afterAll(async () => {
  delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  sleeps.length = 0;
});

describe('upload', () => {
  test('converts, uploads under a content-hash name, and reuses it the second time', async () => {
    const p = provider();
    const first = await p.upload(trainPath, { purpose: 'fine-tune', name: 'train.0011223344556677.jsonl' });
    expect(first.reused).toBe(false);
    expect(first.id).toMatch(/^gs:\/\/ft-bucket\/finetune-ci\/train\.[0-9a-f]{16}\.jsonl$/);
    const stored = fake.objects.get(first.id)!.data.toString('utf8').trim().split('\n');
    expect(stored).toHaveLength(20);
    expect(JSON.parse(stored[0]!)).toEqual({
      systemInstruction: { role: 'system', parts: [{ text: 'Be brief.' }] },
      contents: [
        { role: 'user', parts: [{ text: 'question 0' }] },
        { role: 'model', parts: [{ text: 'answer 0' }] },
      ],
    });
    const again = await p.upload(trainPath, { purpose: 'fine-tune', name: 'train.0011223344556677.jsonl' });
    expect(again).toMatchObject({ id: first.id, reused: true, bytes: first.bytes });
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/upload/'))).toHaveLength(1);
  });

  test('a line that cannot be converted stops the upload with its line number', async () => {
    const bad = join(dir, 'bad.jsonl');
    await writeFile(bad, `${chatLine(1)}\n{"messages":[{"role":"user","content":"no answer"}]}\n`);
    const e = await provider()
      .upload(bad, { purpose: 'fine-tune', name: 'train.x.jsonl' })
      .catch((x: unknown) => x);
    expect(isProviderError(e) && e.kind).toBe('invalid');
    expect(isProviderError(e) && e.line).toBe(2);
    expect(String((e as Error).message)).toMatch(/bad\.jsonl:2 .*no-final-model-turn/);
  });
});

describe('jobs', () => {
  test('upload → job → states → success: labels carry the key, the tuned endpoint and billable tokens are reported', async () => {
    const p = provider();
    const f = await p.upload(trainPath, { purpose: 'fine-tune', name: 'train.x.jsonl' });
    fake.nextPlan = { pendingMs: 60_000, runningMs: 120_000, billableTokens: 1234 };
    const job = await p.createJob(spec(f.id));
    expect(job.status).toBe('queued');
    const sent = fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/tuningJobs')).at(-1)!.body as Record<string, any>;
    expect(sent.baseModel).toBe('gemini-2.5-flash');
    expect(sent.supervisedTuningSpec.trainingDatasetUri).toBe(f.id);
    expect(Number(sent.supervisedTuningSpec.hyperParameters.epochCount)).toBe(3);
    expect(sent.labels[TAG_KEYS.key]).toBe(KEY);
    expect(sent.labels[TAG_KEYS.repository]).toBe('acme-support-bot');
    expect(sent.labels[TAG_KEYS.commit]).toBe('abcdef0123');
    fake.clock.advance(61_000);
    const running = await p.getJob(job.id);
    expect(running.status).toBe('running');
    expect(running.trainedTokens).toBe(1234 * 3);
    fake.clock.advance(120_000);
    const done = await p.getJob(job.id);
    expect(done.status).toBe('succeeded');
    expect(done.fineTunedModel).toBe(`projects/proj-1/locations/us-central1/endpoints/${job.id.split('/').pop()}`);
    const events = await p.listEvents(job.id);
    expect(events.map((e) => e.message.split(',')[0])).toEqual(['JOB_STATE_RUNNING', 'JOB_STATE_SUCCEEDED']);
    expect(await p.listEvents(job.id, events[0]!.id)).toHaveLength(1);
    // A rerun of the same commit attaches: found by its key label.
    const found = await p.findJob(KEY);
    expect(found?.id).toBe(job.id);
    expect(await p.findJob('f'.repeat(64))).toBeNull();
  });

  test("a failed job reports Vertex's error", async () => {
    const p = provider();
    const f = await p.upload(trainPath, { purpose: 'fine-tune', name: 'train.x.jsonl' });
    fake.nextPlan = { pendingMs: 1_000, runningMs: 1_000, outcome: 'failed', errorMessage: 'Tuning failed: out of quota for accelerators' };
    const job = await p.createJob(spec(f.id, { tag: { key: 'b'.repeat(64) } }));
    fake.clock.advance(5_000);
    const j = await p.getJob(job.id);
    expect(j.status).toBe('failed');
    expect(j.error?.message).toMatch(/out of quota/);
  });

  test('a dataset Vertex refuses fails the job with the line (the fake validates like the service)', async () => {
    const p = provider();
    const raw = join(dir, 'raw.jsonl');
    await writeFile(raw, '{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}\n');
    const f = await p.upload(raw, { purpose: 'fine-tune', name: 'train.x.jsonl' });
    const job = await p.createJob(spec(f.id, { tag: { key: 'c'.repeat(64) } }));
    fake.clock.advance(61_000);
    const j = await p.getJob(job.id);
    expect(j.status).toBe('failed');
    expect(j.error?.message).toMatch(/line 1: the last content is not from the model/);
  });

  test('a cancelled run: cancel, CANCELLING, then CANCELLED; a finished job cannot be cancelled', async () => {
    const p = provider();
    const f = await p.upload(trainPath, { purpose: 'fine-tune', name: 'train.x.jsonl' });
    const job = await p.createJob(spec(f.id, { tag: { key: 'd'.repeat(64) } }));
    fake.clock.advance(61_000);
    const c = await p.cancelJob(job.id);
    expect(c.providerStatus).toBe('JOB_STATE_CANCELLING');
    fake.clock.advance(31_000);
    expect((await p.getJob(job.id)).status).toBe('cancelled');
    const again = await p.cancelJob(job.id).catch((x: unknown) => x);
    expect(isProviderError(again) && again.kind).toBe('invalid');
  });

  test('429 then 503 during create: retried with backoff, one job in the end', async () => {
    const p = provider();
    const f = await p.upload(trainPath, { purpose: 'fine-tune', name: 'train.x.jsonl' });
    const before = fake.jobs.length;
    fake.inject('POST tuningJobs', { status: 429, retryAfter: 2 });
    fake.inject('POST tuningJobs', { status: 503 });
    const job = await p.createJob(spec(f.id, { tag: { key: 'e'.repeat(64) } }));
    expect(fake.jobs.length - before).toBe(1);
    // Two backoffs (the client's ApiError carries no retry-after, so the Retrier's own delays).
    expect(sleeps).toHaveLength(2);
    expect(sleeps.every((ms) => ms > 0)).toBe(true);
    expect(job.metadata[TAG_KEYS.key]).toBe('e'.repeat(64));
  });

  test('a 503 after the job was made: found by its create id, not made twice', async () => {
    const p = provider();
    const f = await p.upload(trainPath, { purpose: 'fine-tune', name: 'train.x.jsonl' });
    const before = fake.jobs.length;
    fake.inject('POST tuningJobs', { status: 503, afterCreate: true });
    const job = await p.createJob(spec(f.id, { tag: { key: '1'.repeat(64) } }));
    expect(fake.jobs.length - before).toBe(1);
    expect(job.id).toBe(fake.jobs.at(-1)!.job.name);
  });

  test("reads use the client's own retries; a create is never re-sent by the client", async () => {
    const p = provider({ httpRetry: { attempts: 3, initialDelay: 0.001, maxDelay: 0.002 } });
    const f = await p.upload(trainPath, { purpose: 'fine-tune', name: 'train.x.jsonl' });
    const before = fake.jobs.length;
    fake.inject('POST tuningJobs', { status: 503, afterCreate: true });
    const job = await p.createJob(spec(f.id, { tag: { key: '3'.repeat(64) } }));
    expect(fake.jobs.length - before).toBe(1);
    fake.inject('GET tuningJob', { status: 503, times: 2 });
    expect((await p.getJob(job.id)).id).toBe(job.id);
  });

  test('the fake refuses what Vertex refuses: bad labels, unknown models', async () => {
    const p = provider();
    const f = await p.upload(trainPath, { purpose: 'fine-tune', name: 'train.x.jsonl' });
    const e = await p.createJob(spec(f.id, { model: 'gemini-1.0-ultra' })).catch((x: unknown) => x);
    expect(isProviderError(e) && e.kind).toBe('invalid');
    expect(String((e as Error).message)).toMatch(/not supported for supervised tuning/);
    expect(labelValue('Owner/Repo.Name')).toBe('owner-repo-name');
  });
});

describe('chat and setup', () => {
  test('generateContent on the tuned endpoint and on the base model', async () => {
    const p = provider();
    const f = await p.upload(trainPath, { purpose: 'fine-tune', name: 'train.x.jsonl' });
    fake.nextPlan = { pendingMs: 1, runningMs: 1 };
    const job = await p.createJob(spec(f.id, { tag: { key: '2'.repeat(64) } }));
    fake.clock.advance(10);
    const done = await p.getJob(job.id);
    for (const model of [done.fineTunedModel!, 'gemini-2.5-flash']) {
      const s = await p.openChatSession(model);
      const r = await p.chat(
        s,
        [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
        ],
        { temperature: 0, max_tokens: 20 },
      );
      expect(r.text).toBe(`answer from ${model}`);
      expect(r.usage).toEqual({ promptTokens: 7, completionTokens: 3, totalTokens: 10 });
      await p.closeChatSession(s);
    }
    const last = fake.chats.at(-1)!.body as Record<string, any>;
    expect(last.systemInstruction).toEqual({ role: 'system', parts: [{ text: 'Be brief.' }] });
    expect(last.generationConfig).toMatchObject({ temperature: 0, maxOutputTokens: 20 });
    expect(await p.getModel('gemini-2.5-flash')).not.toBeNull();
    expect(await p.getModel('gemini-0-nope')).toBeNull();
  });

  test('missing inputs and missing credentials are named', async () => {
    await expect(createVertexProvider({ name: 'vertex', project: 'p' })).rejects.toThrow(/vertex-location, input vertex-bucket are empty/);
    await expect(createVertexProvider({ name: 'vertex', project: 'p', location: 'l', bucket: 'my-bucket' })).rejects.toThrow(/gs:\/\//);
    expect(() => findCredentials({ HOME: dir, CLOUDSDK_CONFIG: join(dir, 'none') })).toThrow(/google-github-actions\/auth/);
    expect(() => findCredentials({ GOOGLE_APPLICATION_CREDENTIALS: join(dir, 'missing.json') })).toThrow(/does not exist/);
    expect(findCredentials({ GOOGLE_APPLICATION_CREDENTIALS: creds })).toBe(creds);
  });
});
