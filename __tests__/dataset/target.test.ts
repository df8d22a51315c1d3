/**
 * `checkTarget`: what the model and provider add to the file checks (method support,
 * shutdown dates with an explicit `today`, platform closing dates, unknown price/context,
 * approximate tokens), the minimum-examples override, the validation file, and the estimate.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { checkTarget, type TargetSpec } from '../../src/dataset/target.js';
import { cleanup, goodChat, goodDpo, many, writeJsonl } from './helpers.js';

afterAll(cleanup);

const ten = () => writeJsonl(many(10));
const spec = (trainingFile: string, over: Partial<TargetSpec> = {}): TargetSpec => ({
  name: 't',
  trainingFile,
  model: 'gpt-4.1-mini-2025-04-14',
  method: null,
  epochs: 'auto',
  ...over,
});
const noticeCodes = (r: { notices: { code: string }[] }) => r.notices.map((n) => n.code);

describe('a clean target', () => {
  test('gpt-4.1-mini, 10 examples, a quiet day: no diagnostics or notices, a cost', async () => {
    const r = await checkTarget(spec(ten()), { today: '2025-06-01' });
    expect(r.training.diagnostics).toEqual([]);
    expect(r.notices).toEqual([]);
    expect([r.errors, r.warnings]).toEqual([0, 0]);
    expect(r.method).toBe('supervised');
    expect(r.model.id).toBe('gpt-4.1-mini-2025-04-14');
    expect(r.estimate.epochs).toBe(10);
    expect(r.estimate.trainedTokens).toBe(10 * r.training.tokens.billable);
    expect(r.estimate.costUsd).toBeCloseTo((r.estimate.trainedTokens * 5) / 1e6, 10);
    expect(r.overBudget).toBe(false);
    expect(r.validation).toBeNull();
  });
});

describe('method-not-supported', () => {
  test('DPO data on gpt-3.5-turbo-0125 (supervised only) is an error', async () => {
    const r = await checkTarget(spec(writeJsonl(many(10, goodDpo)), { model: 'gpt-3.5-turbo-0125' }), { today: '2025-06-01' });
    expect(r.method).toBe('dpo');
    const n = r.notices.find((x) => x.code === 'method-not-supported')!;
    expect(n.severity).toBe('error');
    expect(n.message).toContain('"dpo"');
    expect(n.message).toContain('supervised');
    expect(n.line).toBeNull();
    expect(n.file).toBe(r.training.path);
    expect(r.errors).toBe(1);
  });

  test('reinforcement on gpt-4.1-mini is an error; DPO on gpt-4.1-mini is not', async () => {
    const rft = await checkTarget(spec(writeJsonl(many(10, (i) => ({ messages: [{ role: 'user', content: `q${i}` }] }))), { method: 'reinforcement' }), { today: '2025-06-01' });
    expect(noticeCodes(rft)).toContain('method-not-supported');
    const dpo = await checkTarget(spec(writeJsonl(many(10, goodDpo))), { today: '2025-06-01' });
    expect(noticeCodes(dpo)).not.toContain('method-not-supported');
    expect(dpo.method).toBe('dpo');
  });
});

describe('model-shut-down / model-shutdown-soon (90-day window, explicit today)', () => {
  test.each([
    ['2026-11-25', 'gpt-4.1-nano-2025-04-14', 'model-shut-down'],
    ['2026-10-23', 'gpt-4.1-nano-2025-04-14', 'model-shut-down'], // on the day itself
    ['2026-10-22', 'gpt-4.1-nano-2025-04-14', 'model-shutdown-soon'], // 1 day before
    ['2026-11-25', 'gpt-4.1-mini-2025-04-14', 'model-shutdown-soon'], // 50 days
    ['2026-10-16', 'gpt-4.1-mini-2025-04-14', 'model-shutdown-soon'], // exactly 90 days
  ])('on %s, %s → %s', async (today, model, code) => {
    const r = await checkTarget(spec(ten(), { model }), { today });
    const n = r.notices.find((x) => x.code === code);
    expect(n).toBeDefined();
    // Shut down: the merge could not train, so the check fails; before the date, a warning.
    expect(n!.severity).toBe(code === 'model-shut-down' ? 'error' : 'warning');
    expect(r.errors > 0).toBe(code === 'model-shut-down');
    expect(n!.message).toContain(model === 'gpt-4.1-nano-2025-04-14' ? '2026-10-23' : '2027-01-14');
    const other = code === 'model-shut-down' ? 'model-shutdown-soon' : 'model-shut-down';
    expect(noticeCodes(r)).not.toContain(other);
  });

  test('91 days before: no shutdown notice', async () => {
    const r = await checkTarget(spec(ten()), { today: '2026-10-15' });
    expect(noticeCodes(r)).not.toContain('model-shutdown-soon');
    expect(noticeCodes(r)).not.toContain('model-shut-down');
  });

  test('the days are in the message, singular for one day', async () => {
    const r = await checkTarget(spec(ten(), { model: 'gpt-4.1-nano-2025-04-14' }), { today: '2026-10-22' });
    expect(r.notices.find((n) => n.code === 'model-shutdown-soon')!.message).toContain('(in 1 day)');
    const f = await checkTarget(spec(ten()), { today: '2026-11-25' });
    expect(f.notices.find((n) => n.code === 'model-shutdown-soon')!.message).toContain('(in 50 days)');
  });

  test("an ft: model warns under the name the user gave, with its base model's date", async () => {
    const id = 'ft:gpt-4.1-mini-2025-04-14:acme:support:AbC123';
    const r = await checkTarget(spec(ten(), { model: id }), { today: '2026-12-01' });
    const n = r.notices.find((x) => x.code === 'model-shutdown-soon')!;
    expect(n.message).toContain(id);
    expect(n.message).toContain('2027-01-14');
  });

  test('a user shutdown date overrides the catalog', async () => {
    const r = await checkTarget(spec(ten(), { overrides: { shutdownDate: '2025-07-01' } }), { today: '2025-06-01' });
    expect(noticeCodes(r)).toContain('model-shutdown-soon');
  });
});

describe('provider-closing', () => {
  test.each([
    ['2026-03-01', '2026-05-07'],
    ['2026-05-08', '2026-07-02'],
    ['2026-11-25', '2027-01-06'],
  ])('on %s: the %s event is announced', async (today, date) => {
    const r = await checkTarget(spec(ten()), { today });
    const n = r.notices.filter((x) => x.code === 'provider-closing');
    expect(n).toHaveLength(1);
    expect(n[0]!.message).toContain(date);
    expect(n[0]!.severity).toBe('warning');
  });

  test('secondary-source events say so', async () => {
    const r = await checkTarget(spec(ten()), { today: '2026-11-25' });
    expect(r.notices.find((x) => x.code === 'provider-closing')!.message).toContain('secondary sources');
  });

  test('far from any event: no notice', async () => {
    const r = await checkTarget(spec(ten()), { today: '2025-06-01' });
    expect(noticeCodes(r)).not.toContain('provider-closing');
  });
});

describe('price-unknown / context-unknown / approximate-tokens', () => {
  test('o4-mini has no training price and no known context (info notices, no cost)', async () => {
    const rows = many(10, (i) => ({ messages: [{ role: 'user', content: `q${i}` }] }));
    const r = await checkTarget(spec(writeJsonl(rows), { model: 'o4-mini-2025-04-16', method: 'reinforcement' }), { today: '2025-06-01' });
    expect(noticeCodes(r)).toEqual(expect.arrayContaining(['price-unknown', 'context-unknown']));
    expect(r.notices.find((n) => n.code === 'price-unknown')!.severity).toBe('info');
    expect(r.estimate.costUsd).toBeNull();
    expect(r.overBudget).toBe(false);
  });

  test('davinci-002: context unknown, price known', async () => {
    const r = await checkTarget(spec(writeJsonl(many(10, (i) => ({ prompt: `p${i}`, completion: ` c${i}` }))), { model: 'davinci-002' }), { today: '2025-06-01' });
    expect(noticeCodes(r)).toEqual(['context-unknown']);
    expect(r.training.tokens.billable).toBe(r.training.tokens.total);
    expect(r.estimate.costUsd).not.toBeNull();
  });

  test('a model the catalog does not know: approximate tokens, unknown price and context, unless the user gives them', async () => {
    const bare = await checkTarget(spec(ten(), { model: 'acme-llm-7b', provider: 'together' }), { today: '2025-06-01' });
    expect(noticeCodes(bare).sort()).toEqual(['approximate-tokens', 'context-unknown', 'price-unknown']);
    expect(bare.notices.every((n) => n.severity === 'info')).toBe(true);
    expect(bare.errors).toBe(0);
    const described = await checkTarget(spec(ten(), { model: 'acme-llm-7b', overrides: { encoding: 'cl100k_base', trainingContext: 8192, pricePerMillion: 2 } }), { today: '2025-06-01' });
    expect(described.notices).toEqual([]);
    expect(described.model.encoding).toBe('cl100k_base');
    expect(described.estimate.costUsd).toBeCloseTo((described.estimate.trainedTokens * 2) / 1e6, 10);
  });

  test.each(['openai', 'azure'] as const)('%s: an id the catalog does not know is an error, with the nearest ids', async (provider) => {
    const r = await checkTarget(spec(ten(), { model: 'gpt-4.1-mini-2025-04-15', provider }), { today: '2025-06-01' });
    const n = r.notices.find((x) => x.code === 'unknown-model')!;
    expect(n.severity).toBe('error');
    expect(n.message).toContain('did you mean gpt-4.1-mini-2025-04-14');
    expect(n.hint).toContain('price-per-million');
    expect(r.errors).toBeGreaterThan(0);
    // The user's figures make it a model they describe, as before.
    const described = await checkTarget(spec(ten(), { model: 'gpt-4.1-mini-2025-04-15', provider, overrides: { pricePerMillion: 5 } }), { today: '2025-06-01' });
    expect(noticeCodes(described)).not.toContain('unknown-model');
  });

  test('a known model: none of the three', async () => {
    const r = await checkTarget(spec(ten(), { model: 'gpt-4o-mini-2024-07-18' }), { today: '2025-06-01' });
    expect(r.notices).toEqual([]);
  });
});

describe('minExamples and validation', () => {
  test('the target may lower (or raise) the minimum', async () => {
    const few = writeJsonl(many(3));
    const strict = await checkTarget(spec(few), { today: '2025-06-01' });
    expect(strict.training.diagnostics.map((d) => d.code)).toEqual(['too-few-examples']);
    const lax = await checkTarget(spec(few, { minExamples: 3 }), { today: '2025-06-01' });
    expect(lax.training.diagnostics).toEqual([]);
    expect(lax.profile.minExamples).toBe(3);
    const raised = await checkTarget(spec(ten(), { minExamples: 11 }), { today: '2025-06-01' });
    expect(raised.training.diagnostics.map((d) => d.code)).toEqual(['too-few-examples']);
  });

  test('a provider profile (together: minimum 1)', async () => {
    const r = await checkTarget(spec(writeJsonl(many(2)), { provider: 'together' }), { today: '2025-06-01' });
    expect(r.training.diagnostics).toEqual([]);
  });

  test('a validation file: checked, no minimum, repeats of training examples flagged', async () => {
    const val = writeJsonl([goodChat(50), goodChat(4)], 'val.jsonl');
    const r = await checkTarget(spec(ten(), { validationFile: val }), { today: '2025-06-01' });
    expect(r.validation).not.toBeNull();
    expect(r.validation!.role).toBe('validation');
    expect(r.validation!.diagnostics.map((d) => [d.code, d.line])).toEqual([['in-training-and-validation', 2]]);
    expect(r.warnings).toBe(1);
    // the estimate is priced on the training file only
    expect(r.estimate.billableTokens).toBe(r.training.tokens.billable);
  });
});

describe('estimate and budget', () => {
  test('given epochs and a budget: trained tokens, cost, over budget', async () => {
    const r = await checkTarget(spec(ten(), { epochs: 4, maxCost: 0 }), { today: '2025-06-01' });
    expect(r.estimate.epochs).toBe(4);
    expect(r.estimate.epochsSource).toBe('user');
    expect(r.estimate.trainedTokens).toBe(4 * r.training.tokens.billable);
    expect(r.overBudget).toBe(true);
    expect(r.maxCost).toBe(0);
    const ok = await checkTarget(spec(ten(), { epochs: 4, maxCost: 100 }), { today: '2025-06-01' });
    expect(ok.overBudget).toBe(false);
  });

  test('progress is reported per file', async () => {
    const seen = new Set<string>();
    const val = writeJsonl([goodChat(50)], 'v.jsonl');
    const train = ten();
    await checkTarget(spec(train, { validationFile: val }), { today: '2025-06-01', onProgress: (f) => seen.add(f) });
    expect(seen).toEqual(new Set([train, val]));
  });
});

describe('a budget that cannot be checked', () => {
  test('max-cost with an unknown price is an error (budget-unchecked), not a silent pass', async () => {
    const { checkTarget } = await import('../../src/dataset/target.js');
    const { fileURLToPath } = await import('node:url');
    const file = fileURLToPath(new URL('../../examples/chat.jsonl', import.meta.url));
    const unknown = await checkTarget(
      { name: 't', trainingFile: file, model: 'acme-llm-7b', method: null, epochs: 'auto', maxCost: 5, overrides: { encoding: 'o200k_base' } },
      { today: '2026-11-25' },
    );
    expect(unknown.notices.map((n) => n.code)).toContain('budget-unchecked');
    expect(unknown.errors).toBeGreaterThan(0);
    const priced = await checkTarget(
      { name: 't', trainingFile: file, model: 'acme-llm-7b', method: null, epochs: 'auto', maxCost: 5, overrides: { encoding: 'o200k_base', pricePerMillion: 2 } },
      { today: '2026-11-25' },
    );
    expect(priced.notices.map((n) => n.code)).not.toContain('budget-unchecked');
  });
});
