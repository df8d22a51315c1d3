/**
 * The train journey end to end for the other providers (issue 6, "the same end-to-end scenarios
 * as the OpenAI journey, run for each provider"): `node dist/index.js` on a push to main, INPUT_*
 * variables, a temporary git repository as the workspace, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY.
 *
 * - Together: the adapter → Prism (Together's spec, --errors) → the stateful fake Together.
 *   Upload → processing → estimate-price → job (suffix carries the key) → completion →
 *   dedicated endpoint → chat → endpoint deleted.
 * - Azure: the OpenAI adapter with `${azure-endpoint}/openai/v1/` → a tiny path-rewriting proxy
 *   (`/openai/v1/…` → `/v1/…`) → the fake OpenAI in Azure mode. No Prism: Azure's answers break
 *   OpenAI's spec (file statuses `pending` / `running`), as in __tests__/providers/azure.test.ts.
 *
 * The fakes move on their own clocks; this file advances them with real time (50× faster).
 * Needs a current dist: `flock /tmp/finetune-ci-build.lock npm run build`.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLE, runAction, type ActionRun } from '../support/action-run.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { makeTempRepo, type TempRepo } from '../support/github-temp-repo.js';
import { startTogetherStack, type TogetherStack } from '../support/prism-together.js';

const TOGETHER_KEY = 'tgp-e2e-together-NEVER-PRINT-7d3e91ab';
const AZURE_KEY = 'az-e2e-azure-NEVER-PRINT-52c0ffee1234';
/** Fake milliseconds per real millisecond. */
const SPEED = 50;
const TOGETHER_MODEL = 'Qwen/Qwen3-8B';
const AZURE_MODEL = 'gpt-4.1-mini-2025-04-14';

let together: TogetherStack;
let azure: FakeOpenAI;
let azureProxy: http.Server;
let azureEndpoint: string;
/** Paths the Azure proxy received, as the adapter sent them. */
const azurePaths: string[] = [];
/** `api-key` / Authorization headers seen by the Azure proxy. */
const azureAuth: { apiKey: boolean; bearer: boolean }[] = [];
let tick: NodeJS.Timeout;
let scratch: string;
const repos: TempRepo[] = [];

/** Azure's v1 API lives under `/openai/v1/`; the fake serves `/v1/`. Rewrite and forward. */
function startAzureProxy(upstream: string): Promise<http.Server> {
  const target = new URL(upstream);
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    azurePaths.push(`${req.method} ${url}`);
    azureAuth.push({ apiKey: typeof req.headers['api-key'] === 'string', bearer: /^Bearer /.test(String(req.headers.authorization ?? '')) });
    const path = url.replace(/^\/openai\/v1(?=\/|$|\?)/, '/v1');
    const up = http.request({ host: target.hostname, port: target.port, method: req.method, path, headers: { ...req.headers, host: target.host } }, (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.pipe(res);
    });
    up.on('error', () => {
      res.destroy();
    });
    req.pipe(up);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run build first`);
  [together, azure] = await Promise.all([
    // The endpoint comes up after 10 s fake (0.2 s real): the adapter has to wait for it.
    startTogetherStack({ endpointStartMs: 10_000 }),
    startFakeOpenAI({ azure: true, fileProcessingMs: 9_000 }),
  ]);
  azureProxy = await startAzureProxy(azure.url);
  azureEndpoint = `http://127.0.0.1:${(azureProxy.address() as AddressInfo).port}`;
  let last = Date.now();
  tick = setInterval(() => {
    const t = Date.now();
    together.fake.clock.advance((t - last) * SPEED);
    azure.clock.advance((t - last) * SPEED);
    last = t;
  }, 10);
  scratch = mkdtempSync(join(tmpdir(), 'ftci-e2e-providers-'));
}, 180_000);

afterAll(async () => {
  clearInterval(tick);
  azureProxy?.closeAllConnections();
  await Promise.all([together?.stop(), azure?.close(), azureProxy ? new Promise<void>((r) => azureProxy.close(() => r())) : undefined]);
  for (const r of repos) r.remove();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------

/** 12 valid chat examples, unique per `variant` (so each test has its own job key). */
function dataset(variant: string): string {
  const rows: string[] = [];
  for (let i = 0; i < 12; i++) {
    rows.push(
      JSON.stringify({
        messages: [
          { role: 'system', content: 'You answer support questions briefly.' },
          { role: 'user', content: `How do I reset my password? (${variant} #${i})` },
          { role: 'assistant', content: `Open Settings, then Security, then Reset (${i}).` },
        ],
      }),
    );
  }
  return rows.join('\n') + '\n';
}

/** Two cases the fakes' echo replies pass (`echo: <prompt>`). */
const SUITE = `description: Provider smoke
threshold: 1
defaults: { temperature: 0, max_tokens: 50 }
cases:
  - name: Beijing
    prompt: "What's the weather in Beijing?"
    assert:
      - { type: icontains, value: beijing }
  - name: London
    prompt: "Rain in London?"
    assert:
      - { type: icontains, value: london }
`;

interface Workspace {
  repo: TempRepo;
  sha: string;
  /** The push event's payload. */
  payload: unknown;
}

function workspace(variant: string): Workspace {
  const repo = makeTempRepo();
  repos.push(repo);
  const sha = repo.commit('data', { 'data/train.jsonl': dataset(variant), 'smoke/suite.yml': SUITE });
  const payload = {
    ref: 'refs/heads/main',
    before: '0000000000000000000000000000000000000000',
    after: sha,
    repository: { name: 'datasets', full_name: 'acme/datasets', owner: { login: 'acme' }, default_branch: 'main' },
  };
  return { repo, sha, payload };
}

type RunResult = ActionRun;

/** The bundle on a push to main (through the shared runner, ../support/action-run.ts). */
function run(ws: Workspace, inputs: Record<string, string>, timeoutMs = 60_000): Promise<RunResult> {
  return runAction({
    workspace: ws.repo.dir,
    // Only what each test gives, like the suite always did (no comment, no token by default).
    defaults: false,
    eventName: 'push',
    payload: ws.payload,
    tempRoot: scratch,
    timeoutMs,
    env: { GITHUB_SHA: ws.sha, GITHUB_REF: 'refs/heads/main' },
    inputs: {
      'training-file': 'data/train.jsonl',
      'n-epochs': '2',
      'poll-interval': '0.05',
      'timeout-minutes': '0.5',
      comment: 'false',
      ...inputs,
    },
  });
}

/** The key appears nowhere but in the `::add-mask::` line the runner consumes. */
function expectNoKey(r: RunResult, key: string): void {
  const stdout = r.stdout
    .split('\n')
    .filter((l) => l !== `::add-mask::${key}`)
    .join('\n');
  expect(r.stdout).toContain(`::add-mask::${key}`);
  expect(stdout).not.toContain(key);
  expect(r.stderr).not.toContain(key);
  expect(r.outputText).not.toContain(key);
  expect(r.summary).not.toContain(key);
  for (const out of ['report', 'smoke-report']) {
    const p = r.outputs[out];
    if (p && existsSync(p)) expect(readFileSync(p, 'utf8')).not.toContain(key);
  }
}

function debug(r: RunResult): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout.slice(-6000)}\n--- stderr\n${r.stderr.slice(-3000)}`;
}

function expectExit(r: RunResult, code: number): void {
  expect({ code: r.code, why: r.code === code ? '' : debug(r) }).toEqual({ code, why: '' });
}

/** The job key from the JSON report (the `report` output). */
function reportedKey(r: RunResult): string {
  const json = JSON.parse(readFileSync(r.outputs.report!, 'utf8')) as { targets: { jobKey?: string }[] };
  return json.targets[0]!.jobKey!;
}

// ---------------------------------------------------------------------------------------------

describe('provider: together (node dist/index.js → Prism → fake Together)', () => {
  const inputs = (extra: Record<string, string> = {}) => ({
    provider: 'together',
    'together-api-key': TOGETHER_KEY,
    'together-base-url': together.url,
    model: TOGETHER_MODEL,
    'price-per-million': '0.48',
    suffix: 'support',
    ...extra,
  });

  test('happy path: upload, processing, estimate, job with the key in its suffix, completion, cost, endpoint → chat → deleted', async () => {
    const ws = workspace('together-happy');
    const f = together.fake;
    const creates = f.jobCreates;
    const before = f.requests.length;
    const endpointsBefore = f.endpoints.size;
    const r = await run(ws, inputs({ 'smoke-tests': 'smoke/suite.yml', 'smoke-compare': 'none' }));
    expectExit(r, 0);
    expect(f.jobCreates).toBe(creates + 1);

    const id = r.outputs['job-id']!;
    expect(id).toMatch(/^ft-[0-9a-f-]{36}$/);
    const stored = f.jobs.get(id)!;
    expect(stored.job.status).toBe('completed');
    // Rerun safety without metadata: `<suffix>-<first 8 hex of the job key>`.
    const key = reportedKey(r);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.body.suffix).toBe(`support-${key.slice(0, 8)}`);
    expect(stored.body.model).toBe(TOGETHER_MODEL);
    // LoRA by default.
    expect(stored.job.training_type).toMatchObject({ type: 'Lora' });

    // The upload, waited on until COMPLETED, is the job's training file.
    const file = f.files.get(String(stored.job.training_file))!;
    expect(file).toBeDefined();
    expect(file.file.filename).toMatch(/^train\.[0-9a-f]{16}\.jsonl$/);
    const reqs = f.requests.slice(before).map((q) => `${q.method} ${q.path.replace(/\/(file|ft|endpoint)-[0-9a-f-]+/, '/:id')}`);
    expect(reqs).toContain('POST /files/upload');
    expect(reqs).toContain('GET /files/:id');
    // The price is asked for before the job is created, for the same file.
    expect(reqs.indexOf('POST /fine-tunes/estimate-price')).toBeGreaterThanOrEqual(0);
    expect(reqs.indexOf('POST /fine-tunes/estimate-price')).toBeLessThan(reqs.indexOf('POST /fine-tunes'));
    expect(f.estimates.at(-1)).toMatchObject({ training_file: stored.job.training_file, model: TOGETHER_MODEL });
    expect(r.stdout).toMatch(/together quotes \$[\d.]+ .*allowed to proceed: true/);
    // Every request carried the key as a Bearer token.
    expect(f.requests.slice(before).every((q) => q.bearer)).toBe(true);

    // Outputs: the fine-tuned model, and the actual cost from total_price (nanodollars).
    const actualUsd = Number(stored.job.total_price) / 1e9;
    expect(actualUsd).toBeGreaterThan(0);
    expect(r.outputs).toMatchObject({
      'job-id': id,
      'job-status': 'succeeded',
      'fine-tuned-model': String(stored.job.model_output_name),
      'training-file-id': String(stored.job.training_file),
    });
    expect(Number(r.outputs['actual-cost'])).toBeCloseTo(actualUsd, 4);
    expect(r.summary).toContain('succeeded');

    // Smoke: a dedicated endpoint for the tuned model, waited for, used for the chats, deleted.
    const created = f.requests.slice(before).filter((q) => q.method === 'POST' && q.path === '/endpoints');
    expect(created).toHaveLength(1);
    expect(f.endpoints.size).toBe(endpointsBefore); // none left running
    const deleted = f.deletedEndpoints.at(-1)!;
    expect(deleted).toMatch(/^endpoint-/);
    expect(reqs).toContain('GET /endpoints/:id'); // it was PENDING at first: waited for
    const chats = reqs.filter((q) => q === 'POST /chat/completions');
    expect(chats).toHaveLength(2);
    expect(reqs.lastIndexOf('DELETE /endpoints/:id')).toBeGreaterThan(reqs.lastIndexOf('POST /chat/completions'));
    expect(r.stdout).toMatch(/Started dedicated endpoint endpoint-\S+ .* for acme\/Qwen3-8B-support-/);
    expect(r.outputs['smoke-pass-rate']).toMatch(/^(1|1\.0+|100%?)$/);
    expectNoKey(r, TOGETHER_KEY);
  }, 90_000);

  test('an estimate with allowed_to_proceed: false refuses before any job (exit 1)', async () => {
    const ws = workspace('together-refused');
    const f = together.fake;
    const creates = f.jobCreates;
    const jobs = f.jobs.size;
    f.overrideEstimate({ allowed_to_proceed: false });
    let r: RunResult;
    try {
      r = await run(ws, inputs());
    } finally {
      f.overrideEstimate(null);
    }
    expectExit(r, 1);
    expect(f.jobCreates).toBe(creates);
    expect(f.jobs.size).toBe(jobs);
    expect(r.stdout).toMatch(/::error::.*together would refuse this job/);
    expect(r.outputs['job-id'] ?? '').toBe('');
    expectNoKey(r, TOGETHER_KEY);
  }, 60_000);

  test('a timeout exits with the job id; a rerun of the same commit attaches to that job (one job at the fake)', async () => {
    const ws = workspace('together-rerun');
    const f = together.fake;
    f.planNextJob({ runningMs: 150_000 }); // ≈ 3 s real
    const creates = f.jobCreates;
    const first = await run(ws, inputs({ 'timeout-minutes': '0.01' }));
    expectExit(first, 0);
    const id = first.outputs['job-id']!;
    expect(id).toMatch(/^ft-/);
    expect(first.outputs['job-status']).not.toBe('succeeded');
    expect(first.summary).toContain(`job-id: ${id}`);

    const before = f.requests.length;
    const second = await run(ws, inputs({ 'timeout-minutes': '1' }));
    expectExit(second, 0);
    expect(second.stdout).toContain(`attaching to job ${id}`);
    expect(second.outputs).toMatchObject({ 'job-id': id, 'job-status': 'succeeded' });
    expect(f.jobCreates).toBe(creates + 1);
    const key = reportedKey(second);
    expect(f.jobList().filter((j) => j.body.suffix === `support-${key.slice(0, 8)}`)).toHaveLength(1);
    // Attaching uploads, quotes and creates nothing.
    expect(f.requests.slice(before).filter((q) => q.method === 'POST')).toEqual([]);
    expect(Number(second.outputs['actual-cost'])).toBeCloseTo(Number(f.jobs.get(id)!.job.total_price) / 1e9, 4);
    expectNoKey(first, TOGETHER_KEY);
    expectNoKey(second, TOGETHER_KEY);
  }, 90_000);
});

// ---------------------------------------------------------------------------------------------

describe('provider: azure (node dist/index.js → /openai/v1 → fake OpenAI in Azure mode)', () => {
  const inputs = (extra: Record<string, string> = {}) => ({
    provider: 'azure',
    'azure-api-key': AZURE_KEY,
    'azure-endpoint': azureEndpoint,
    model: AZURE_MODEL,
    // The catalog has no Azure training price for this model ("unknown — set price-per-million").
    'price-per-million': '3',
    ...extra,
  });

  test('happy path: file waited on until processed, job succeeded; smoke skipped with the deployment warning', async () => {
    const ws = workspace('azure-happy');
    const creates = azure.jobCreates;
    const before = azure.requests.length;
    const proxied = azurePaths.length;
    const r = await run(ws, inputs({ 'smoke-tests': 'smoke/suite.yml', 'smoke-compare': 'none' }));
    expectExit(r, 0);
    expect(azure.jobCreates).toBe(creates + 1);
    // Azure's v1 base URL, with the api-key header.
    const paths = azurePaths.slice(proxied);
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.every((p) => / \/openai\/v1\//.test(p))).toBe(true);
    expect(azureAuth.slice(proxied).every((a) => a.apiKey)).toBe(true);

    const id = r.outputs['job-id']!;
    expect(id).toMatch(/^ftjob-/);
    const stored = azure.jobs.get(id)!;
    expect(stored.job.status).toBe('succeeded');
    expect(r.outputs).toMatchObject({
      'job-status': 'succeeded',
      'fine-tuned-model': stored.job.fine_tuned_model,
      'training-file-id': stored.job.training_file,
    });
    // 6,810 trained tokens × $3.00 / 1M.
    expect(r.outputs).toMatchObject({ 'trained-tokens': '6810', 'actual-cost': '0.0204' });
    // The file went uploaded → pending → running → processed; the job started only after.
    const file = azure.files.get(r.outputs['training-file-id']!)!;
    expect(file.status).toBe('processed');
    const reqs = azure.requests.slice(before).map((q) => `${q.method} ${q.path.replace(/\/(file|ftjob)-[^/]+/, '/:id')}`);
    expect(reqs.filter((q) => q === 'GET /files/:id').length).toBeGreaterThanOrEqual(2);
    expect(reqs.lastIndexOf('GET /files/:id')).toBeLessThan(reqs.indexOf('POST /fine_tuning/jobs'));
    // No smoke-model: skipped with the deployment warning, no chat call, the run still passes.
    expect(r.stdout).toMatch(/::warning::Smoke tests skipped: on Azure OpenAI a tuned model answers only through a deployment/);
    expect(reqs).not.toContain('POST /chat/completions');
    expect(r.outputs['smoke-pass-rate'] ?? '').toBe('');
    expectNoKey(r, AZURE_KEY);
  }, 90_000);

  test('with smoke-model naming a deployment, the suite runs against that deployment', async () => {
    const ws = workspace('azure-deployment');
    // A deployment is a name Azure serves chat under; the fake knows it only through this script.
    azure.scriptChat('my-deployment', { text: 'Sunny in Beijing.' }, { text: 'Rain in London, yes.' });
    const before = azure.requests.length;
    const r = await run(ws, inputs({ 'smoke-tests': 'smoke/suite.yml', 'smoke-compare': 'none', 'smoke-model': 'my-deployment' }));
    expectExit(r, 0);
    expect(r.outputs['job-status']).toBe('succeeded');
    const reqs = azure.requests.slice(before).map((q) => `${q.method} ${q.path}`);
    expect(reqs.filter((q) => q === 'POST /chat/completions')).toHaveLength(2);
    // Both scripted replies used (an unscripted, unknown model would be a 404): the calls went to the deployment.
    expect(r.stdout).toContain('my-deployment');
    expect(r.stdout).not.toMatch(/Smoke tests skipped/);
    expect(r.stdout).not.toMatch(/does not list the model my-deployment/);
    expect(r.outputs['smoke-pass-rate']).toMatch(/^(1|1\.0+|100%?)$/);
    expect(r.outputs['smoke-report']).toBeTruthy();
    const report = JSON.parse(readFileSync(r.outputs['smoke-report']!, 'utf8')) as { models: { model: string; passed: number; total: number }[] };
    expect(report.models[0]).toMatchObject({ model: 'my-deployment', passed: 2, total: 2 });
    expectNoKey(r, AZURE_KEY);
  }, 90_000);
});
