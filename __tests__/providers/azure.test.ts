/**
 * Azure OpenAI through the OpenAI adapter (`name: 'azure'`), over real HTTP, against the fake
 * OpenAI server in Azure mode: files go uploaded → pending → running → processed, job creation
 * takes `trainingType`, errors carry `inner_error`, and request ids come as `apim-request-id`.
 *
 * Not behind Prism: those Azure differences are exactly what OpenAI's spec does not allow
 * (file statuses `pending` / `running`, the `trainingType` body field), so a Prism loaded with
 * OpenAI's contract would reject them. The shapes shared with OpenAI are contract-tested in
 * openai.test.ts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProviderError } from '../../src/providers/errors.js';
import { createProvider } from '../../src/providers/index.js';
import { OpenAIProvider, describeInnerError, type OpenAIProviderOptions } from '../../src/providers/openai.js';
import { TAG_KEYS, type JobSpec } from '../../src/providers/types.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';

let fake: FakeOpenAI;
let dir: string;
const API_KEY = 'azure-key-never-print-me';
const logs: string[] = [];

beforeAll(async () => {
  fake = await startFakeOpenAI({ azure: true, fileProcessingMs: 9_000 });
  dir = mkdtempSync(join(tmpdir(), 'ftci-azure-'));
});

afterAll(async () => {
  await fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  fake.clearFaults();
  expect(logs.join('\n')).not.toContain(API_KEY);
  logs.length = 0;
});

function provider(extra: Partial<OpenAIProviderOptions> = {}): OpenAIProvider {
  return new OpenAIProvider({
    apiKey: API_KEY,
    baseURL: fake.url,
    name: 'azure',
    defaultHeaders: { 'api-key': API_KEY },
    retry: { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 },
    filePollIntervalMs: 1_000,
    // Polls move the fake clock instead of waiting.
    sleep: async (ms) => fake.clock.advance(ms),
    log: (l) => logs.push(l),
    ...extra,
  });
}

let n = 0;
function dataset(lines: number): { path: string; name: string; bytes: number } {
  const rows: string[] = [];
  for (let i = 0; i < lines; i++) {
    rows.push(
      JSON.stringify({
        messages: [
          { role: 'user', content: `q ${i} ${n}` },
          { role: 'assistant', content: `a ${i}` },
        ],
      }),
    );
  }
  const text = rows.join('\n') + '\n';
  const path = join(dir, `a${++n}.jsonl`);
  writeFileSync(path, text);
  return { path, name: `train.${createHash('sha256').update(text).digest('hex').slice(0, 16)}.jsonl`, bytes: Buffer.byteLength(text) };
}

function spec(trainingFileId: string, extra: Partial<JobSpec> = {}): JobSpec {
  return {
    model: 'gpt-4.1-mini-2025-04-14',
    method: 'supervised',
    trainingFileId,
    hyperparameters: { n_epochs: 2 },
    suffix: 'support',
    tag: { key: createHash('sha256').update(`azure-${++n}`).digest('hex'), commit: 'abc123', target: 'support' },
    ...extra,
  };
}

describe('files', () => {
  test('upload waits through uploaded → pending → running → processed', async () => {
    const p = provider();
    const d = dataset(12);
    const before = fake.requests.length;
    const f = await p.upload(d.path, { purpose: 'fine-tune', name: d.name });
    expect(f).toMatchObject({ name: d.name, bytes: d.bytes, reused: false, via: 'files' });
    expect(fake.files.get(f.id)!.status).toBe('processed');
    const polls = fake.requests.slice(before).filter((r) => r.method === 'GET' && r.path === `/files/${f.id}`);
    // 9 s of processing polled every second: it did wait, through the middle states.
    expect(polls.length).toBeGreaterThanOrEqual(9);
    // A job can be created at once (the fake refuses files that are not processed).
    const job = await p.createJob(spec(f.id));
    expect(job.status).toBe('validating_files');
  });

  test('a file that ends in error is refused with its status_details', async () => {
    const p = provider();
    const d = dataset(12);
    fake.failNextFileProcessing('Line 4: The assistant message is missing.');
    const err = (await p.upload(d.path, { purpose: 'fine-tune', name: d.name }).catch((e: unknown) => e)) as ProviderError;
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'invalid', provider: 'azure', operation: 'upload' });
    expect(err.message).toContain('Line 4: The assistant message is missing.');
  });

  test('a file still processing after the timeout is a transient error', async () => {
    const p = provider({ fileProcessTimeoutMs: 0, sleep: async () => {} });
    const d = dataset(5);
    const err = (await p.upload(d.path, { purpose: 'fine-tune', name: d.name }).catch((e: unknown) => e)) as ProviderError;
    expect(err.kind).toBe('transient');
    expect(err.message).toMatch(/still "(uploaded|pending|running)"/);
  });
});

describe('jobs', () => {
  test('trainingType is passed through providerOptions; metadata tags the job', async () => {
    const p = provider();
    const f = await p.upload(dataset(12).path, { purpose: 'fine-tune', name: `train.dev${n}.jsonl` });
    const s = spec(f.id, { providerOptions: { trainingType: 'developerTier' } });
    const job = await p.createJob(s);
    const stored = fake.jobs.get(job.id)!;
    expect(stored.body.trainingType).toBe('developerTier');
    expect(job.metadata[TAG_KEYS.key]).toBe(s.tag.key);
    expect((await p.findJob(s.tag.key))?.id).toBe(job.id);
    const got = await p.getJob(job.id);
    // No x-request-id from Azure: the apim-request-id is what support asks for.
    const entry = fake.requests.filter((r) => r.path === `/fine_tuning/jobs/${job.id}`).pop()!;
    expect(got.requestId).toBe(entry.requestId);
  });

  test("Azure's error body: inner_error in the message, apim-request-id as the request id", async () => {
    const p = provider();
    const f = await p.upload(dataset(12).path, { purpose: 'fine-tune', name: `train.err${n}.jsonl` });
    fake.inject('POST /fine_tuning/jobs', {
      kind: 'status',
      status: 400,
      code: 'invalidPayload',
      message: 'The job could not be created.',
      innerError: { code: 'ResponsibleAIPolicyViolation', message: 'The training data failed the content check.' },
    });
    const err = (await p.createJob(spec(f.id)).catch((e: unknown) => e)) as ProviderError;
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'invalid', provider: 'azure', status: 400, code: 'invalidPayload' });
    expect(err.message).toBe('The job could not be created. (inner error: ResponsibleAIPolicyViolation: The training data failed the content check.)');
    const entry = fake.requests.filter((r) => r.method === 'POST' && r.path === '/fine_tuning/jobs').pop()!;
    expect(err.requestId).toBe(entry.requestId);
    expect(err.describe()).toContain(`request id ${entry.requestId}`);
  });

  test('a 429 is retried with the apim request id in the log; 403 gets the Azure hint', async () => {
    const p = provider();
    const f = await p.upload(dataset(12).path, { purpose: 'fine-tune', name: `train.rl${n}.jsonl` });
    fake.inject('POST /fine_tuning/jobs', { kind: 'rate-limit', retryAfterMs: 1 });
    const job = await p.createJob(spec(f.id));
    expect(job.id).toMatch(/^ftjob-/);
    expect(logs.join('\n')).toMatch(/createJob: HTTP 429 .*\(request id req_/);
    fake.inject('POST /fine_tuning/jobs', { kind: 'status', status: 403, code: 'PermissionDenied', message: 'Principal does not have access.' });
    const err = (await p.createJob(spec(f.id)).catch((e: unknown) => e)) as ProviderError;
    expect(err.kind).toBe('permission');
    expect(err.hint).toMatch(/may create fine-tuning jobs on this resource/);
    expect(err.hint).not.toMatch(/OpenAI is winding down/);
  });

  test('describeInnerError', () => {
    expect(describeInnerError(undefined)).toBeNull();
    expect(describeInnerError({})).toBeNull();
    expect(describeInnerError({ code: 'X' })).toBe('X');
    expect(describeInnerError({ code: 'X', message: 'y' })).toBe('X: y');
  });
});

describe('smoke tests against a deployment', () => {
  test('openChatSession with an existing deployment: chat uses its name, nothing to close', async () => {
    const p = provider();
    fake.scriptChat('my-ft-deployment', { text: 'hello from azure' });
    const s = await p.openChatSession('gpt-4.1-mini-2025-04-14.ft-0123456789abcdef0123456789abcdef', { existing: 'my-ft-deployment' });
    expect(s).toMatchObject({ provider: 'azure', target: 'my-ft-deployment', needsClose: false });
    const r = await p.chat(s, [{ role: 'user', content: 'hi' }]);
    expect(r.text).toBe('hello from azure');
    const entry = fake.requests.filter((x) => x.path === '/chat/completions').pop()!;
    expect(r.requestId).toBe(entry.requestId);
    await p.closeChatSession(s);
  });

  test('a deployment that is still warming up (503) is retried until it answers', async () => {
    const p = provider();
    fake.scriptChat('warming-deployment', { status: 503, headers: { 'retry-after-ms': '1' } }, { text: 'ready' });
    const s = await p.openChatSession('m', { existing: 'warming-deployment' });
    expect((await p.chat(s, [{ role: 'user', content: 'x' }])).text).toBe('ready');
  });
});

describe('createProvider', () => {
  test('azure builds the v1 base URL from azure-endpoint and sends api-key', async () => {
    const p = (await createProvider({ name: 'azure', apiKey: API_KEY, azureEndpoint: 'https://my-res.openai.azure.com/' })) as OpenAIProvider;
    expect(p.name).toBe('azure');
    expect(p.baseURL).toBe('https://my-res.openai.azure.com/openai/v1/');
    await expect(createProvider({ name: 'azure', apiKey: API_KEY })).rejects.toThrow(/azure-endpoint/);
    await expect(createProvider({ name: 'azure', apiKey: '' })).rejects.toThrow(/azure-api-key/);
  });
});

describe('catalog: Azure models', () => {
  test("resolveModel(id, {}, 'azure') picks Azure's row; GPT counts stay exact, open-weight ones approximate", async () => {
    const { resolveModel, findModel, AZURE_MODELS, MODELS } = await import('../../src/catalog/index.js');
    const g = resolveModel('gpt-4.1-mini', {}, 'azure');
    expect(g).toMatchObject({ id: 'gpt-4.1-mini-2025-04-14', provider: 'azure', encoding: 'o200k_base', approximateTokens: false, trainingPricePerMillion: null, shutdownDate: null });
    expect(g.source).toMatch(/no earlier than 2027-04/);
    expect(resolveModel('gpt-4.1-mini-2025-04-14.ft-0123456789abcdef0123456789abcdef', {}, 'azure').provider).toBe('azure');
    expect(resolveModel('gpt-oss-20b', {}, 'azure')).toMatchObject({ provider: 'azure', approximateTokens: true });
    // OpenAI's row is untouched and still the default; ids stay unique in MODELS.
    expect(findModel('gpt-4.1-mini-2025-04-14')).toMatchObject({ provider: 'openai', trainingPricePerMillion: 5 });
    expect(new Set(MODELS.map((m) => m.id)).size).toBe(MODELS.length);
    expect(AZURE_MODELS.filter((m) => m.provider !== 'azure')).toEqual([]);
  });
});
