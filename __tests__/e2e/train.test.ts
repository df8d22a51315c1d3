/**
 * The train journey end to end, as the runner runs it: `node dist/index.js` on a push to the
 * default branch, INPUT_* variables, a temporary git repository as the workspace, the real
 * `openai` client → Prism (OpenAI's spec, --errors) → the stateful fake. The fake's jobs move
 * on its own clock, which this file moves on by POLL_STEP_MS at every read of a job: a job goes
 * through its phases in a fixed number of polls, however fast or slow the machine is (a default
 * job, 1 s validating, 2 s queued, 10 s running in fake time, is seen running on several polls).
 *
 * Needs a current dist: `flock /tmp/finetune-ci-build.lock npm run build`.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { followJob } from '../../src/journeys/train.js';
import { OpenAIProvider } from '../../src/providers/openai.js';
import { BUNDLE, runAction, type ActionRun } from '../support/action-run.js';
import { INVALID_N_EXAMPLES } from '../support/fake-openai.js';
import { startGithubHarness, type GithubHarness } from '../support/github-harness.js';
import { makeTempRepo, type TempRepo } from '../support/github-temp-repo.js';
import { startOpenAIStack, type OpenAIStack } from '../support/prism.js';

const API_KEY = 'sk-e2e-train-NEVER-PRINT-4f1c2a9b';
/** Fake milliseconds each read of a job (GET /fine_tuning/jobs/:id) moves the fake clock on. */
const POLL_STEP_MS = 2_000;

let stack: OpenAIStack;
let gh: GithubHarness;
let scratch: string;
const repos: TempRepo[] = [];

beforeAll(async () => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run build first`);
  [stack, gh] = await Promise.all([startOpenAIStack(), startGithubHarness()]);
  stack.fake.onRequest = (e) => {
    if (e.method === 'GET' && /^\/fine_tuning\/jobs\/[^/]+$/.test(e.path)) stack.fake.clock.advance(POLL_STEP_MS);
  };
  scratch = mkdtempSync(join(tmpdir(), 'ftci-e2e-train-'));
}, 180_000);

afterAll(async () => {
  await Promise.all([stack?.stop(), gh?.stop()]);
  for (const r of repos) r.remove();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------

/** 12 valid chat examples, unique per `variant` (so each test has its own job key). */
function dataset(variant: string, padding = 0): string {
  const rows: string[] = [];
  for (let i = 0; i < 12; i++) {
    rows.push(
      JSON.stringify({
        messages: [
          { role: 'system', content: 'You answer support questions briefly.' },
          { role: 'user', content: `How do I reset my password? (${variant} #${i}) ${'x'.repeat(padding)}` },
          { role: 'assistant', content: `Open Settings, then Security, then Reset (${i}).` },
        ],
      }),
    );
  }
  return rows.join('\n') + '\n';
}

interface Workspace {
  repo: TempRepo;
  sha: string;
  /** The push event's payload. */
  payload: unknown;
}

function workspace(variant: string, padding = 0): Workspace {
  const repo = makeTempRepo();
  repos.push(repo);
  const sha = repo.commit('data', { 'data/train.jsonl': dataset(variant, padding) });
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
function run(
  ws: Workspace,
  inputs: Record<string, string>,
  opts: { env?: Record<string, string>; onOutput?: (stdout: string, kill: (s: NodeJS.Signals) => void) => void; timeoutMs?: number } = {},
): Promise<RunResult> {
  return runAction({
    workspace: ws.repo.dir,
    // Only what each test gives, like the suite always did (no comment, no token by default).
    defaults: false,
    eventName: 'push',
    payload: ws.payload,
    tempRoot: scratch,
    timeoutMs: opts.timeoutMs,
    onOutput: opts.onOutput,
    env: { GITHUB_SHA: ws.sha, GITHUB_REF: 'refs/heads/main', ...opts.env },
    inputs: {
      'openai-api-key': API_KEY,
      'openai-base-url': stack.url,
      'training-file': 'data/train.jsonl',
      model: 'gpt-4o-mini-2024-07-18',
      'n-epochs': '2',
      'poll-interval': '0.05',
      'timeout-minutes': '0.5',
      comment: 'false',
      ...inputs,
    },
  });
}

/** The API key appears nowhere: logs, outputs, summary, JSON report. */
function expectNoKey(r: RunResult): void {
  // `::add-mask::<key>` is how main.ts asks the runner to mask it: the runner consumes that line.
  const stdout = r.stdout
    .split('\n')
    .filter((l) => l !== `::add-mask::${API_KEY}`)
    .join('\n');
  expect(r.stdout).toContain(`::add-mask::${API_KEY}`);
  expect(stdout).not.toContain(API_KEY);
  expect(r.stderr).not.toContain(API_KEY);
  expect(r.outputText).not.toContain(API_KEY);
  expect(r.summary).not.toContain(API_KEY);
  if (r.outputs.report && existsSync(r.outputs.report)) expect(readFileSync(r.outputs.report, 'utf8')).not.toContain(API_KEY);
}

function jobsWithKey(key: string) {
  return stack.fake.jobList().filter((j) => (j.job.metadata as Record<string, string> | null)?.finetune_ci_key === key);
}

function keyOf(jobId: string): string {
  return (stack.fake.jobs.get(jobId)!.job.metadata as Record<string, string>).finetune_ci_key!;
}

function debug(r: RunResult): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout.slice(-6000)}\n--- stderr\n${r.stderr.slice(-3000)}`;
}

// ---------------------------------------------------------------------------------------------

describe('train mode: node dist/index.js on a push to main', () => {
  test('happy path: upload, start, follow to success, report, outputs, commit comment', async () => {
    const ws = workspace('happy');
    const creates = stack.fake.jobCreates;
    const r = await run(ws, { comment: 'true', 'github-token': 'ghs_e2e_token_never_print' }, { env: { GITHUB_API_URL: gh.apiUrl } });
    expect({ code: r.code, why: r.code === 0 ? '' : debug(r) }).toEqual({ code: 0, why: '' });
    expect(stack.fake.jobCreates).toBe(creates + 1);
    const id = r.outputs['job-id']!;
    expect(id).toMatch(/^ftjob-/);
    const stored = stack.fake.jobs.get(id)!;
    expect(r.outputs).toMatchObject({
      'job-status': 'succeeded',
      'fine-tuned-model': stored.job.fine_tuned_model,
      'trained-tokens': '6810',
      // 6,810 trained tokens × $3.00 / 1M (gpt-4o-mini-2024-07-18).
      'actual-cost': '0.0204',
      'training-file-id': stored.job.training_file,
      'validation-file-id': '',
    });
    expect(Number(r.outputs['estimated-cost'])).toBeGreaterThan(0);
    // The upload is named after the content hash.
    const file = stack.fake.files.get(r.outputs['training-file-id']!)!;
    expect(file.filename).toMatch(/^train\.[0-9a-f]{16}\.jsonl$/);
    // Tagged for the rerun.
    expect(stored.job.metadata).toMatchObject({
      finetune_ci_commit: ws.sha,
      finetune_ci_repository: 'acme/datasets',
      finetune_ci_target: 'default',
    });
    expect(keyOf(id)).toMatch(/^[0-9a-f]{64}$/);
    // Each event printed once, in order; metrics compact; heartbeat.
    expect(r.stdout.split('Fine-tuning job started').length - 1).toBe(1);
    expect(r.stdout.split('The job has successfully completed').length - 1).toBe(1);
    const order = ['Created fine-tuning job', 'Files validated', 'Fine-tuning job started', 'step 1/4 · train loss', 'step 4/4', 'New fine-tuned model created'];
    const at = order.map((s) => r.stdout.indexOf(s));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(r.stdout).toMatch(/⏱ ftjob-\S+: status running · elapsed/);
    // Report: summary, JSON, comment.
    expect(r.summary).toContain('✅ default: succeeded');
    expect(r.summary).toContain(String(stored.job.fine_tuned_model).replace(/_/g, '&#95;'));
    expect(r.summary).toMatch(/6,810 \(estimated [\d,]+\)/);
    expect(r.summary).toMatch(/vs estimate/);
    const json = JSON.parse(readFileSync(r.outputs.report!, 'utf8')) as { failed: boolean; targets: { jobId: string; outcome: string }[] };
    expect(json.failed).toBe(false);
    expect(json.targets).toEqual([expect.objectContaining({ jobId: id, outcome: 'succeeded' })]);
    const comments = gh.fake.commitComments(ws.sha);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('<!-- finetune-ci:train-default -->');
    expect(comments[0]!.body).toContain('succeeded');
    expect(comments[0]!.body).not.toContain(API_KEY);
    expect(r.outputs['comment-url']).toMatch(/^https?:\/\//);
    expect(gh.violations()).toEqual([]);
    expectNoKey(r);
  }, 90_000);

  test('a job that fails (invalid_n_examples) fails the step with the error and the request id', async () => {
    const ws = workspace('fails');
    stack.fake.planNextJob({ outcome: 'failed', error: INVALID_N_EXAMPLES });
    const r = await run(ws, {});
    expect(r.code).toBe(1);
    expect(r.outputs['job-status']).toBe('failed');
    expect(r.stdout).toMatch(/::error::finetune-ci: .*invalid_n_examples.*Training file has 7 example\(s\).*request id req_[0-9a-f]+/);
    // In code spans, as written (entities would show literally there).
    expect(r.summary).toContain('code `invalid_n_examples`');
    expect(r.summary).toMatch(/request id `req_[0-9a-f]+`/);
    expectNoKey(r);
  }, 60_000);

  test('429s, 5xx, resets and a lost create answer: the step survives and exactly one job exists', async () => {
    const ws = workspace('faults');
    const f = stack.fake;
    f.inject('POST /fine_tuning/jobs', { kind: 'status', status: 500 });
    f.inject('POST /fine_tuning/jobs', { kind: 'rate-limit', retryAfter: 1 });
    f.inject('POST /fine_tuning/jobs', { kind: 'drop-after' });
    f.inject('GET /fine_tuning/jobs/:id', { kind: 'rate-limit', retryAfter: 1 }, 2);
    f.inject('GET /fine_tuning/jobs/:id', { kind: 'status', status: 503 });
    f.inject('GET /fine_tuning/jobs/:id/events', { kind: 'reset' });
    f.inject('GET /fine_tuning/jobs/:id/events', { kind: 'status', status: 502 });
    const creates = f.jobCreates;
    const r = await run(ws, {});
    f.clearFaults();
    expect({ code: r.code, why: r.code === 0 ? '' : debug(r) }).toEqual({ code: 0, why: '' });
    expect(r.outputs['job-status']).toBe('succeeded');
    // The dropped create did make a job; it was found, not duplicated.
    expect(f.jobCreates).toBe(creates + 1);
    expect(jobsWithKey(keyOf(r.outputs['job-id']!))).toHaveLength(1);
    expect(f.faultCount('POST /fine_tuning/jobs')).toBe(3);
    expect(f.faultCount('GET /fine_tuning/jobs/:id')).toBe(3);
    expect(r.stdout.split('Fine-tuning job started').length - 1).toBe(1);
    expectNoKey(r);
  }, 90_000);

  test('insufficient_quota fails fast with the billing hint', async () => {
    const ws = workspace('quota');
    stack.fake.inject('POST /fine_tuning/jobs', { kind: 'quota' });
    const creates = stack.fake.jobCreates;
    const before = stack.fake.requests.length;
    const faults = stack.fake.faultCount('POST /fine_tuning/jobs');
    const r = await run(ws, {});
    stack.fake.clearFaults();
    expect(r.code).toBe(1);
    // Fast means no retry: one create, refused, and nothing after it (counted, not timed).
    const creating = stack.fake.requests.slice(before).filter((q) => q.method === 'POST' && q.path === '/fine_tuning/jobs');
    expect(creating).toHaveLength(1);
    expect(stack.fake.faultCount('POST /fine_tuning/jobs')).toBe(faults + 1);
    expect(stack.fake.jobCreates).toBe(creates);
    expect(r.stdout).toMatch(/::error::finetune-ci: .*insufficient_quota.*billing/);
    expectNoKey(r);
  }, 60_000);

  test('a timeout exits cleanly with the job id; a rerun of the same commit attaches to the same job', async () => {
    const ws = workspace('rerun');
    stack.fake.planNextJob({ runningMs: 150_000 }); // 77 polls to end: a 0.6 s timeout cannot see it finish
    const creates = stack.fake.jobCreates;
    const first = await run(ws, { 'timeout-minutes': '0.01' });
    expect({ code: first.code, why: first.code === 0 ? '' : debug(first) }).toEqual({ code: 0, why: '' });
    const id = first.outputs['job-id']!;
    expect(id).toMatch(/^ftjob-/);
    expect(['validating_files', 'queued', 'running']).toContain(first.outputs['job-status']);
    expect(first.stdout).toContain(`job-id: ${id}`);
    expect(first.summary).toContain('still running (timeout-minutes reached)');
    expect(first.summary).toContain(`job-id: ${id}`);
    expect(first.stdout).toMatch(/::notice title=finetune-ci%3A job still running::/);

    const before = stack.fake.requests.length;
    const second = await run(ws, { 'timeout-minutes': '1' });
    expect({ code: second.code, why: second.code === 0 ? '' : debug(second) }).toEqual({ code: 0, why: '' });
    expect(second.stdout).toContain(`attaching to job ${id}`);
    expect(second.outputs['job-id']).toBe(id);
    expect(second.outputs['job-status']).toBe('succeeded');
    expect(stack.fake.jobCreates).toBe(creates + 1);
    expect(jobsWithKey(keyOf(id))).toHaveLength(1);
    // Attaching needs no upload at all.
    expect(stack.fake.requests.slice(before).filter((q) => q.method === 'POST')).toEqual([]);
    expect(second.outputs['training-file-id']).toBe(first.outputs['training-file-id']);
    expectNoKey(first);
    expectNoKey(second);
  }, 90_000);

  test('a timeout, then a second run with job-id follows that job to the end', async () => {
    const ws = workspace('resume-by-id');
    stack.fake.planNextJob({ runningMs: 100_000 });
    const first = await run(ws, { 'timeout-minutes': '0.01' });
    expect(first.code).toBe(0);
    const id = first.outputs['job-id']!;
    expect(id).toMatch(/^ftjob-/);
    const creates = stack.fake.jobCreates;
    const second = await run(ws, { 'timeout-minutes': '1', 'job-id': id });
    expect({ code: second.code, why: second.code === 0 ? '' : debug(second) }).toEqual({ code: 0, why: '' });
    expect(second.stdout).toContain(`Following job ${id}`);
    expect(second.outputs).toMatchObject({ 'job-id': id, 'job-status': 'succeeded', 'trained-tokens': '6810', 'actual-cost': '0.0204' });
    expect(stack.fake.jobCreates).toBe(creates);
    expectNoKey(second);
  }, 90_000);

  test('on schedule: follows the unfinished job found by its key, starts none', async () => {
    const ws = workspace('schedule');
    stack.fake.planNextJob({ runningMs: 100_000 });
    const first = await run(ws, { 'timeout-minutes': '0.01' });
    expect(first.code).toBe(0);
    const id = first.outputs['job-id']!;
    const creates = stack.fake.jobCreates;
    const scheduled = await run(ws, { 'timeout-minutes': '1' }, { env: { GITHUB_EVENT_NAME: 'schedule' } });
    expect({ code: scheduled.code, why: scheduled.code === 0 ? '' : debug(scheduled) }).toEqual({ code: 0, why: '' });
    expect(scheduled.stdout).toContain(`Resuming job ${id}`);
    expect(scheduled.outputs).toMatchObject({ 'job-id': id, 'job-status': 'succeeded' });
    expect(stack.fake.jobCreates).toBe(creates);
    // Nothing left to resume: a later scheduled run starts nothing and succeeds.
    const again = await run(ws, {}, { env: { GITHUB_EVENT_NAME: 'schedule' } });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already succeeded; nothing to resume/);
    expect(stack.fake.jobCreates).toBe(creates);
  }, 90_000);

  test('SIGINT with cancel-on-abort: prints the job id, cancels the job at the provider, exits non-zero', async () => {
    const ws = workspace('sigint');
    stack.fake.planNextJob({ runningMs: 3_600_000 });
    let sent = false;
    const r = await run(
      ws,
      { 'cancel-on-abort': 'true', 'timeout-minutes': '2' },
      {
        onOutput: (out, kill) => {
          if (!sent && /Following job ftjob-/.test(out)) {
            sent = true;
            kill('SIGINT');
          }
        },
      },
    );
    expect(sent).toBe(true);
    // It exited by itself (not killed), failing: the cancellation was handled, not timed out.
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    const id = /Following job (ftjob-\S+?):/.exec(r.stdout)![1]!;
    expect(r.stdout).toContain(`SIGINT received: the workflow was cancelled. Fine-tuning job: ${id}`);
    expect(stack.fake.jobs.get(id)!.job.status).toBe('cancelled');
    expect(r.stdout).toContain(`cancelled job ${id} at the provider`);
    expect(r.outputs['job-id']).toBe(id);
    expectNoKey(r);
  }, 60_000);

  test('a file above upload-part-threshold-mb goes through the Uploads API (wait: false exits at once)', async () => {
    const ws = workspace('uploads', 200);
    const before = stack.fake.requests.length;
    const r = await run(ws, { 'upload-part-threshold-mb': '0.001', wait: 'false' });
    expect({ code: r.code, why: r.code === 0 ? '' : debug(r) }).toEqual({ code: 0, why: '' });
    const reqs = stack.fake.requests.slice(before).map((q) => `${q.method} ${q.path.replace(/\/(upload|file|ftjob)[-_][^/]+/, '/:id')}`);
    expect(reqs).toContain('POST /uploads');
    expect(reqs).toContain('POST /uploads/:id/parts');
    expect(reqs).toContain('POST /uploads/:id/complete');
    expect(reqs).not.toContain('POST /files');
    expect(r.stdout).toContain('Uploads API');
    const file = stack.fake.files.get(r.outputs['training-file-id']!)!;
    expect(file.bytes).toBe(Buffer.byteLength(dataset('uploads', 200)));
    expect(r.outputs['job-id']).toMatch(/^ftjob-/);
    expect(r.summary).toContain('started, not waited for (wait: false)');
    expectNoKey(r);
  }, 60_000);

  test('a dataset with errors is refused before any upload', async () => {
    const repo = makeTempRepo();
    repos.push(repo);
    const sha = repo.commit('bad', { 'data/train.jsonl': '{"messages": [{"role": "user", "content": "hi"}]}\nnot json\n' });
    const payload = { ref: 'refs/heads/main', after: sha, repository: { name: 'datasets', owner: { login: 'acme' }, default_branch: 'main' } };
    const before = stack.fake.requests.length;
    const r = await run({ repo, sha, payload }, {});
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/nothing was uploaded/);
    expect(stack.fake.requests.slice(before).filter((q) => q.method === 'POST')).toEqual([]);
    expectNoKey(r);
  }, 60_000);
});

// Prism turns `paused` (not in the spec's enum) into a 500, so this one talks to the fake directly.
test('a job reported as paused (a status outside the spec) is followed until it resumes and ends', async () => {
  const p = new OpenAIProvider({ apiKey: API_KEY, baseURL: stack.directUrl, retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 } });
  const path = join(scratch, 'paused.jsonl');
  writeFileSync(path, dataset('paused'));
  const file = await p.upload(path, { purpose: 'fine-tune', name: 'train.paused.jsonl' });
  stack.fake.planNextJob({ runningMs: 20_000 });
  const job = await p.createJob({ model: 'gpt-4o-mini-2024-07-18', method: 'supervised', trainingFileId: file.id, tag: { key: 'paused-test' } });
  stack.fake.forceJobStatus(job.id, 'paused');
  const warnings: string[] = [];
  const lines: string[] = [];
  let polls = 0;
  const r = await followJob(p, {
    jobId: job.id,
    pollMs: 20,
    deadline: Date.now() + 20_000,
    now: Date.now,
    sleep: async (ms) => {
      if (++polls === 5) stack.fake.forceJobStatus(job.id, null);
      await new Promise((res) => setTimeout(res, ms));
    },
    log: (l) => lines.push(l),
    warn: (l) => warnings.push(l),
  });
  expect(r.end).toBe('terminal');
  expect(r.job?.status).toBe('succeeded');
  expect(warnings.filter((w) => /"paused"/.test(w))).toHaveLength(1);
  expect(lines.some((l) => /status paused/.test(l))).toBe(true);
}, 30_000);
