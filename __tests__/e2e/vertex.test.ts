/**
 * Provider vertex end to end: `node dist/index.js` on a push to main, as the runner runs it
 * (INPUT_* variables, a temporary git repository as the workspace, GITHUB_OUTPUT /
 * GITHUB_STEP_SUMMARY), with Application Default Credentials the way google-github-actions/auth
 * leaves them (GOOGLE_APPLICATION_CREDENTIALS → an external_account file) against the fake
 * Vertex AI + Cloud Storage + STS (support/fake-vertex.ts). The bundle uses @google/genai and
 * @google-cloud/storage exactly as shipped.
 *
 * The fake moves on its own clock; this file advances it with real time (50× faster).
 * Needs a current dist: `flock /tmp/finetune-ci-build.lock npm run build`.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeVertex, type FakeVertex } from '../support/fake-vertex.js';
import { makeTempRepo, type TempRepo } from '../support/github-temp-repo.js';
import { PROJECT_ROOT } from '../support/prism.js';

const DIST = join(PROJECT_ROOT, 'dist', 'index.js');
const SPEED = 50;
let fake: FakeVertex;
let scratch: string;
let creds: string;
let tick: NodeJS.Timeout;
const repos: TempRepo[] = [];

beforeAll(async () => {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run npm run build first`);
  fake = await startFakeVertex();
  // The fakes answer "echo: <last user text>" so that the suite's contains-checks pass.
  fake.reply = (_model, contents) => {
    const last = contents[contents.length - 1] as { parts: { text?: string }[] };
    return `echo: ${last.parts.map((p) => p.text ?? '').join('')}`;
  };
  scratch = mkdtempSync(join(tmpdir(), 'ftci-e2e-vertex-'));
  creds = await fake.credentialsFile(scratch);
  let last = Date.now();
  tick = setInterval(() => {
    const t = Date.now();
    fake.clock.advance((t - last) * SPEED);
    last = t;
  }, 10);
});

afterAll(async () => {
  clearInterval(tick);
  await fake?.close();
  for (const r of repos) r.remove();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function dataset(variant: string): string {
  return (
    Array.from({ length: 12 }, (_, i) =>
      JSON.stringify({
        messages: [
          { role: 'system', content: 'You answer support questions briefly.' },
          { role: 'user', content: `How do I reset my password? (${variant} #${i})` },
          { role: 'assistant', content: `Open Settings, then Security, then Reset (${i}).` },
        ],
      }),
    ).join('\n') + '\n'
  );
}

const SUITE = `description: Vertex smoke
threshold: 1
defaults: { temperature: 0, max_tokens: 50 }
cases:
  - name: Beijing
    prompt: "What's the weather in Beijing?"
    assert:
      - { type: icontains, value: beijing }
`;

function workspace(variant: string) {
  const repo = makeTempRepo();
  repos.push(repo);
  const sha = repo.commit('data', { 'data/train.jsonl': dataset(variant), 'smoke/suite.yml': SUITE });
  const eventPath = join(repo.dir, '..', `event-${variant}.json`);
  writeFileSync(
    eventPath,
    JSON.stringify({
      ref: 'refs/heads/main',
      before: '0000000000000000000000000000000000000000',
      after: sha,
      repository: { name: 'datasets', full_name: 'acme/datasets', owner: { login: 'acme' }, default_branch: 'main' },
    }),
  );
  return { repo, sha, eventPath };
}

let n = 0;
function run(
  ws: ReturnType<typeof workspace>,
  inputs: Record<string, string>,
  env: Record<string, string> = { GOOGLE_APPLICATION_CREDENTIALS: creds },
  onOutput?: (out: string, kill: (sig: NodeJS.Signals) => void) => void,
) {
  const i = ++n;
  const outputFile = join(scratch, `output-${i}`);
  const summaryFile = join(scratch, `summary-${i}`);
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const all: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: scratch,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: ws.eventPath,
    GITHUB_REPOSITORY: 'acme/datasets',
    GITHUB_SHA: ws.sha,
    GITHUB_REF: 'refs/heads/main',
    GITHUB_WORKSPACE: ws.repo.dir,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: mkdtempSync(join(scratch, `temp-${i}-`)),
    FINETUNE_CI_NOW: '2026-12-02',
    'INPUT_TRAINING-FILE': 'data/train.jsonl',
    'INPUT_N-EPOCHS': '2',
    'INPUT_POLL-INTERVAL': '0.05',
    'INPUT_TIMEOUT-MINUTES': '0.5',
    INPUT_COMMENT: 'false',
    INPUT_PROVIDER: 'vertex',
    'INPUT_VERTEX-PROJECT': 'proj-1',
    'INPUT_VERTEX-LOCATION': 'us-central1',
    'INPUT_VERTEX-BUCKET': 'gs://ft-bucket/finetune-ci/',
    'INPUT_VERTEX-BASE-URL': fake.url,
    'INPUT_VERTEX-STORAGE-URL': fake.url,
    ...env,
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  };
  return new Promise<{ code: number | null; stdout: string; outputs: Record<string, string>; summary: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [DIST], { cwd: ws.repo.dir, env: all, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString('utf8');
      onOutput?.(stdout, (sig) => child.kill(sig));
    });
    child.stderr.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`node dist/index.js did not finish:\n${stdout.slice(-4000)}`));
    }, 90_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const outputs: Record<string, string> = {};
      const lines = readFileSync(outputFile, 'utf8').split('\n');
      for (let j = 0; j < lines.length; j++) {
        const m = /^([^<]+)<<(.+)$/.exec(lines[j]!);
        if (!m) continue;
        const v: string[] = [];
        for (j++; j < lines.length && lines[j] !== m[2]; j++) v.push(lines[j]!);
        outputs[m[1]!] = v.join('\n');
      }
      resolve({ code, stdout, outputs, summary: readFileSync(summaryFile, 'utf8') });
    });
  });
}

describe('provider: vertex (node dist/index.js → fake Vertex AI + Cloud Storage)', () => {
  test('happy path: converted upload, labelled job, success, tuned endpoint, billable tokens, smoke beside the base model; a rerun attaches', async () => {
    const ws = workspace('happy');
    fake.nextPlan = { pendingMs: 5_000, runningMs: 20_000, billableTokens: 600 };
    const before = fake.jobs.length;
    const r = await run(ws, { model: 'gemini-2.5-flash', 'smoke-tests': 'smoke/suite.yml', 'smoke-compare': 'base' });
    expect({ code: r.code, log: r.code === 0 ? '' : r.stdout.slice(-5000) }).toEqual({ code: 0, log: '' });
    expect(fake.jobs.length - before).toBe(1);
    const job = fake.jobViews().at(-1)!;
    expect(job.state).toBe('JOB_STATE_SUCCEEDED');
    const report = JSON.parse(readFileSync(r.outputs.report!, 'utf8')) as { targets: { jobKey: string }[] };
    expect((job.labels as Record<string, string>).finetune_ci_key).toBe(report.targets[0]!.jobKey);
    expect((job.labels as Record<string, string>).finetune_ci_repository).toBe('acme-datasets');
    const uri = (job.supervisedTuningSpec as { trainingDatasetUri: string }).trainingDatasetUri;
    expect(uri).toMatch(/^gs:\/\/ft-bucket\/finetune-ci\/train\.[0-9a-f]{16}\.jsonl$/);
    expect(JSON.parse(fake.objects.get(uri)!.data.toString('utf8').split('\n')[0]!).contents[1].role).toBe('model');
    expect(r.outputs['job-id']).toBe(job.name);
    expect(r.outputs['fine-tuned-model']).toBe((job.tunedModel as { endpoint: string }).endpoint);
    // The job's own billable count (600 per epoch × 2 epochs) is what the report compares with our estimate.
    expect(r.outputs['trained-tokens']).toBe('1200');
    expect(Number(r.outputs['smoke-pass-rate'])).toBe(1);
    const models = new Set(fake.chats.map((c) => c.model));
    expect(models).toEqual(new Set([r.outputs['fine-tuned-model'], 'gemini-2.5-flash']));

    const again = await run(ws, { model: 'gemini-2.5-flash' });
    expect(again.code).toBe(0);
    expect(fake.jobs.length - before).toBe(1);
    expect(again.outputs['job-id']).toBe(job.name);
  }, 180_000);

  test('SIGINT with cancel-on-abort: the tuning job is cancelled at Vertex', async () => {
    const ws = workspace('sigint');
    fake.nextPlan = { pendingMs: 1_000, runningMs: 3_600_000 };
    let sent = false;
    const r = await run(ws, { model: 'gemini-2.5-flash', 'cancel-on-abort': 'true', 'timeout-minutes': '2' }, undefined, (out, kill) => {
      if (!sent && /Following job projects\//.test(out)) {
        sent = true;
        kill('SIGINT');
      }
    });
    expect(sent).toBe(true);
    expect(r.code).not.toBe(0);
    const job = fake.jobViews().at(-1)!;
    expect(['JOB_STATE_CANCELLING', 'JOB_STATE_CANCELLED']).toContain(job.state);
    expect(r.stdout).toContain(`cancelled job ${job.name as string} at the provider`);
    expect(fake.requests.some((q) => q.method === 'POST' && q.path.endsWith(':cancel'))).toBe(true);
  }, 120_000);

  test('no Google credentials: a clear error before anything is uploaded', async () => {
    const ws = workspace('nocreds');
    const uploads = fake.objects.size;
    const r = await run(ws, { model: 'gemini-2.5-flash' }, {});
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/no Google Cloud credentials found for provider vertex: add a google-github-actions\/auth step/);
    expect(fake.objects.size).toBe(uploads);
  }, 120_000);
});
