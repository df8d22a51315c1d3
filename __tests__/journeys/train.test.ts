/**
 * The train journey's pure parts: job key, upload names, redaction, and the follow loop over an
 * in-memory provider with an injected clock and sleep (statuses it does not know, transient
 * errors, quota, timeouts, abort, backoff while queued).
 */
import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { followJob, heartbeatLine, jobHyperparameters, jobKey, normalizeHyperparameters, redactor, sha256File, uploadName, type FollowOptions } from '../../src/journeys/train.js';
import { ProviderError } from '../../src/providers/errors.js';
import type { Job, JobEvent } from '../../src/providers/types.js';

const base = {
  trainingSha256: 'a'.repeat(64),
  validationSha256: null,
  model: 'gpt-4o-mini-2024-07-18',
  method: 'supervised' as const,
  hyperparameters: { n_epochs: 2 },
  suffix: 'bot',
};

describe('jobKey', () => {
  test('is a stable sha256 of the run definition', () => {
    const k = jobKey(base);
    expect(k).toMatch(/^[0-9a-f]{64}$/);
    expect(jobKey({ ...base })).toBe(k);
    // Key order of the hyperparameters does not matter.
    expect(jobKey({ ...base, hyperparameters: { batch_size: 'auto', n_epochs: 2 } })).toBe(k);
  });

  test('absent and auto hyperparameters mean the same run', () => {
    expect(jobKey({ ...base, hyperparameters: { n_epochs: 2, learning_rate_multiplier: 'auto' } })).toBe(jobKey(base));
  });

  test('changes with every part that defines the run', () => {
    const k = jobKey(base);
    const variants = [
      { trainingSha256: 'b'.repeat(64) },
      { validationSha256: 'c'.repeat(64) },
      { model: 'gpt-4.1-mini-2025-04-14' },
      { method: 'dpo' as const },
      { hyperparameters: { n_epochs: 3 } },
      { hyperparameters: { n_epochs: 2, batch_size: 4 } },
      { suffix: 'other' },
      { suffix: null },
      { seed: 7 },
    ];
    const keys = new Set(variants.map((v) => jobKey({ ...base, ...v })));
    expect(keys.size).toBe(variants.length);
    expect(keys.has(k)).toBe(false);
  });

  test('beta counts for DPO only', () => {
    expect(jobKey({ ...base, hyperparameters: { n_epochs: 2, beta: 0.2 } })).toBe(jobKey(base));
    const dpo = { ...base, method: 'dpo' as const };
    expect(jobKey({ ...dpo, hyperparameters: { n_epochs: 2, beta: 0.2 } })).not.toBe(jobKey(dpo));
    expect(normalizeHyperparameters({}, 'dpo')).toEqual({ n_epochs: 'auto', batch_size: 'auto', learning_rate_multiplier: 'auto', beta: 'auto' });
    expect(jobHyperparameters({ n_epochs: 2, beta: 0.1 }, 'supervised')).toEqual({ n_epochs: 2 });
    expect(jobHyperparameters({ n_epochs: 2, beta: 0.1 }, 'dpo')).toEqual({ n_epochs: 2, beta: 0.1 });
  });
});

test('upload names carry the first 16 hex of the content hash', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ftci-train-unit-'));
  const p = join(dir, 'x.jsonl');
  writeFileSync(p, 'hello\n');
  const sha = await sha256File(p);
  expect(sha).toBe('5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03');
  expect(uploadName('training', sha)).toBe('train.5891b5b522d5df08.jsonl');
  expect(uploadName('validation', sha)).toBe('valid.5891b5b522d5df08.jsonl');
});

test('redactor removes every secret and leaves short strings alone', () => {
  const r = redactor(['sk-secret-123', '', undefined, 'ab']);
  expect(r('key sk-secret-123 and sk-secret-123!')).toBe('key *** and ***!');
  expect(r('ab stays')).toBe('ab stays');
});

// ---------------------------------------------------------------------------------------------
// follow loop

function job(status: string, extra: Partial<Job> = {}): Job {
  return {
    id: 'ftjob-1',
    status,
    providerStatus: status,
    model: 'gpt-4o-mini-2024-07-18',
    fineTunedModel: null,
    trainedTokens: null,
    createdAt: 1_000,
    finishedAt: null,
    estimatedFinish: null,
    error: null,
    metadata: {},
    trainingFileId: 'file-1',
    validationFileId: null,
    method: 'supervised',
    hyperparameters: {},
    seed: null,
    totalPrice: null,
    ...extra,
  };
}

type Step = Job | ProviderError;

/** A provider whose getJob walks through `steps`; events appear with the steps. */
function scripted(steps: Step[], eventsAt: Record<number, JobEvent[]> = {}) {
  let i = 0;
  const all: JobEvent[] = [];
  const calls: { afterId: string | null | undefined }[] = [];
  return {
    calls,
    provider: {
      async getJob(): Promise<Job> {
        const s = steps[Math.min(i, steps.length - 1)]!;
        const n = i++;
        for (const e of eventsAt[n] ?? []) all.push(e);
        if (s instanceof ProviderError) throw s;
        return s;
      },
      async listEvents(_id: string, afterId?: string | null): Promise<JobEvent[]> {
        calls.push({ afterId });
        const from = afterId ? all.findIndex((e) => e.id === afterId) + 1 : 0;
        return all.slice(from);
      },
    },
  };
}

function ev(id: string, message: string, data?: Record<string, unknown>): JobEvent {
  return { id, createdAt: 1_000, level: 'info', message, type: data ? 'metrics' : 'message', data: data ?? null };
}

function harness(extra: Partial<FollowOptions> = {}) {
  let t = 0;
  const sleeps: number[] = [];
  const lines: string[] = [];
  const opts: FollowOptions = {
    jobId: 'ftjob-1',
    pollMs: 1000,
    deadline: null,
    now: () => t,
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
    log: (l) => lines.push(l),
    ...extra,
  };
  return { opts, sleeps, lines, advance: (ms: number) => (t += ms) };
}

const transient = () => new ProviderError({ kind: 'transient', provider: 'openai', operation: 'getJob', message: 'rate limited', status: 429, retryAfterMs: 3000 });

describe('followJob', () => {
  test('prints each event once and in order, metrics compactly, and ends on a terminal status', async () => {
    const { provider, calls } = scripted([job('validating_files'), job('running'), job('running'), job('succeeded', { fineTunedModel: 'ft:x', trainedTokens: 100, finishedAt: 1_060 })], {
      0: [ev('e1', 'Created fine-tuning job')],
      1: [ev('e2', 'Fine-tuning job started'), ev('e3', 'Step 1/2', { step: 1, train_loss: 1.5, valid_loss: 1.6, total_steps: 2 })],
      3: [ev('e4', 'Step 2/2', { step: 2, train_loss: 0.5, valid_loss: 0.55, total_steps: 2 }), ev('e5', 'The job has successfully completed')],
    });
    const h = harness();
    const r = await followJob(provider, h.opts);
    expect(r.end).toBe('terminal');
    expect(r.job?.status).toBe('succeeded');
    expect(r.events).toBe(5);
    const eventLines = h.lines.filter((l) => l.startsWith('  '));
    expect(eventLines.map((l) => l.slice(11))).toEqual([
      'Created fine-tuning job',
      'Fine-tuning job started',
      'step 1/2 · train loss 1.5000 · valid loss 1.6000',
      'step 2/2 · train loss 0.5000 · valid loss 0.5500',
      'The job has successfully completed',
    ]);
    expect(r.metrics).toMatchObject({ step: 2, trainLoss: 0.5, validLoss: 0.55 });
    // Every metrics event is kept for the loss chart of the training report.
    expect(r.curve).toEqual([
      { step: 1, trainLoss: 1.5, validLoss: 1.6 },
      { step: 2, trainLoss: 0.5, validLoss: 0.55 },
    ]);
    // Each poll asks only for events after the last one seen.
    expect(calls.map((c) => c.afterId ?? null)).toEqual([null, 'e1', 'e3', 'e3']);
    // Heartbeats on status changes.
    expect(h.lines.filter((l) => l.startsWith('⏱')).map((l) => /status (\S+)/.exec(l)![1])).toEqual(['validating_files', 'running', 'succeeded']);
  });

  test('backs off while the job waits, polls at the interval while it runs', async () => {
    const { provider } = scripted([job('queued'), job('queued'), job('queued'), job('queued'), job('queued'), job('running'), job('running'), job('succeeded')]);
    const h = harness({ pollMs: 1000, maxWaitingPollMs: 3000 });
    await followJob(provider, h.opts);
    expect(h.sleeps).toEqual([1500, 2250, 3000, 3000, 3000, 1000, 1000]);
  });

  test('tolerates a status it does not know (paused) and keeps following', async () => {
    const { provider } = scripted([job('running'), job('paused'), job('paused'), job('running'), job('succeeded')]);
    const h = harness();
    const warnings: string[] = [];
    const r = await followJob(provider, { ...h.opts, warn: (l) => warnings.push(l) });
    expect(r.end).toBe('terminal');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/status "paused", which finetune-ci does not know.*following it as still in progress/);
  });

  test('survives transient errors, waiting at least retry-after', async () => {
    const { provider } = scripted([job('running'), transient(), transient(), job('succeeded')]);
    const h = harness({ pollMs: 1000 });
    const warnings: string[] = [];
    const r = await followJob(provider, { ...h.opts, warn: (l) => warnings.push(l) });
    expect(r.end).toBe('terminal');
    expect(r.transientErrors).toBe(2);
    expect(h.sleeps).toEqual([1000, 3000, 4000]);
    expect(warnings[0]).toMatch(/still following/);
  });

  test('a quota error is not waited out', async () => {
    const quota = new ProviderError({ kind: 'quota', provider: 'openai', operation: 'getJob', message: 'You exceeded your current quota', hint: 'add credit' });
    const { provider } = scripted([job('running'), quota]);
    await expect(followJob(provider, harness().opts)).rejects.toBe(quota);
  });

  test('stops at the deadline with the last view of the job', async () => {
    const { provider } = scripted([job('running')]);
    const h = harness({ pollMs: 1000, deadline: 2500 });
    const r = await followJob(provider, h.opts);
    expect(r.end).toBe('timeout');
    expect(r.job?.status).toBe('running');
    expect(h.sleeps).toEqual([1000, 1000, 500]);
  });

  test('returns promptly when aborted while waiting', async () => {
    const ac = new AbortController();
    const { provider } = scripted([job('running')]);
    const h = harness({
      signal: ac.signal,
      sleep: async () => {
        ac.abort();
      },
    });
    const r = await followJob(provider, h.opts);
    expect(r.end).toBe('aborted');
  });

  test('returns promptly when aborted during a hanging request', async () => {
    const ac = new AbortController();
    const provider = {
      getJob: () => new Promise<Job>(() => {}),
      listEvents: async () => [],
    };
    setTimeout(() => ac.abort(), 20);
    const r = await followJob(provider, { ...harness().opts, signal: ac.signal });
    expect(r.end).toBe('aborted');
  });
});

test('heartbeat: status, elapsed, estimated finish', () => {
  const line = heartbeatLine(job('running', { createdAt: 1_000, estimatedFinish: 1_600 }), 1_120_000, 1_100_000);
  expect(line).toBe('⏱ ftjob-1: status running · elapsed 2m 0s · estimated finish 1970-01-01 00:26:40 UTC (in 8m 0s)');
  // A job clock far from ours falls back to the time spent following.
  expect(heartbeatLine(job('queued', { createdAt: 10 }), 90 * 86_400_000, 90 * 86_400_000 - 5_000)).toContain('elapsed 5s');
});
