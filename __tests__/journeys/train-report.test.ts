/** The training report renderer (pure): success, failure, timeout, refusal, several targets. */
import { describe, expect, test } from '@jest/globals';
import { actualCost, differencePct, emptyResult, formatDuration, formatPct, isFailure, renderTrainMarkdown, toTrainJson, type TrainTargetResult } from '../../src/report/train.js';

function success(): TrainTargetResult {
  return {
    ...emptyResult('support', 'openai', 'gpt-4o-mini-2024-07-18'),
    method: 'supervised',
    outcome: 'succeeded',
    action: 'created',
    jobId: 'ftjob-abc',
    status: 'succeeded',
    jobKey: 'f'.repeat(64),
    fineTunedModel: 'ft:gpt-4o-mini-2024-07-18:org:bot:abc',
    trainedTokens: 6810,
    estimatedTokens: 7010,
    estimatedCostUsd: 0.02103,
    pricePerMillion: 3,
    actualCostUsd: actualCost(6810, 3),
    costDifferencePct: differencePct(actualCost(6810, 3), 0.02103),
    metrics: { step: 4, trainLoss: 0.4, validLoss: 0.44, fullValidLoss: 0.45, trainAccuracy: 0.9, validAccuracy: null },
    durationSeconds: 75,
    trainingFile: { id: 'file-1', name: 'train.0123456789abcdef.jsonl', bytes: 2048, reused: false, via: 'files' },
  };
}

describe('numbers', () => {
  test('actual cost and difference', () => {
    expect(actualCost(6810, 3)).toBeCloseTo(0.02043, 6);
    expect(actualCost(null, 3)).toBeNull();
    expect(differencePct(110, 100)).toBeCloseTo(10);
    expect(differencePct(1, 0)).toBeNull();
    expect(formatPct(-2.853)).toBe('−2.9%');
    expect(formatPct(0.01)).toBe('±0%');
    expect(formatDuration(3725)).toBe('1h 2m 5s');
    expect(formatDuration(null)).toBe('unknown');
  });
});

describe('renderTrainMarkdown', () => {
  test('success: model, tokens, cost vs estimate, metrics, duration', () => {
    const md = renderTrainMarkdown([success()], { where: 'acme/datasets at abc1234' });
    expect(md).toContain('finetune-ci training — acme/datasets at abc1234');
    expect(md).toContain('✅ support: succeeded');
    expect(md).toContain('**ft:gpt-4o-mini-2024-07-18:org:bot:abc**');
    expect(md).toContain('6,810 (estimated 7,010)');
    expect(md).toContain('$0.0204 (estimated $0.0210, −2.9% vs estimate) at $3.00/1M');
    expect(md).toContain('step 4 · train loss 0.4000 · valid loss 0.4400 · full valid loss 0.4500 · train accuracy 90.0%');
    expect(md).toContain('| duration | 1m 15s |');
    expect(md).toContain('train.0123456789abcdef.jsonl, 2,048 bytes, Files API');
    expect(isFailure(success())).toBe(false);
  });

  test('failure: the job error with code, param and request id; untrusted text escaped', () => {
    const r: TrainTargetResult = {
      ...emptyResult('support', 'openai', 'gpt-4o-mini-2024-07-18'),
      outcome: 'failed',
      jobId: 'ftjob-x',
      status: 'failed',
      error: { code: 'invalid_n_examples', message: 'Training file has 7 example(s) <b>@team</b>', param: 'training_file' },
      requestId: 'req_123',
    };
    const md = renderTrainMarkdown([r]);
    expect(md).toContain('❌ support: failed');
    // Inside code spans entities would show literally: ids stay copyable as they are.
    expect(md).toContain('code `invalid_n_examples`');
    expect(md).toContain('param `training_file`');
    expect(md).toContain('request id `req_123`');
    expect(md).not.toContain('<b>');
    expect(md).not.toMatch(/@team/);
    expect(isFailure(r)).toBe(true);
  });

  test('timeout: says how to resume', () => {
    const r: TrainTargetResult = { ...emptyResult('support', 'openai', 'm'), outcome: 'timeout', jobId: 'ftjob-slow', status: 'running' };
    const md = renderTrainMarkdown([r]);
    expect(md).toContain('still running (timeout-minutes reached)');
    expect(md).toContain('`job-id: ftjob-slow`');
    expect(md).toMatch(/scheduled\s+workflow/);
    expect(isFailure(r)).toBe(false);
  });

  test('refused: lists the problems; smoke markdown is included; several targets are counted', () => {
    const refused: TrainTargetResult = {
      ...emptyResult('faq', 'openai', 'm'),
      outcome: 'refused',
      reason: '2 errors in the data',
      problems: ['data/faq.jsonl:3: missing-assistant-message: no assistant message'],
    };
    const ok = { ...success(), smoke: { markdown: '#### Smoke tests\n\n3 of 3 passed', failed: false } };
    const md = renderTrainMarkdown([ok, refused]);
    expect(md).toContain('2 targets, 1 succeeded, 1 failed.');
    expect(md).toContain('⛔ faq: refused before upload');
    expect(md).toContain('missing-assistant-message');
    expect(md).toContain('#### Smoke tests');
    const json = toTrainJson([ok, refused], { commit: 'abc' });
    expect(json).toMatchObject({ kind: 'finetune-ci/train', failed: true, commit: 'abc' });
    expect((json.targets as unknown[]).length).toBe(2);
  });

  test('a failed smoke run fails the target', () => {
    expect(isFailure({ ...success(), smoke: { markdown: 'x', failed: true } })).toBe(true);
  });
});
