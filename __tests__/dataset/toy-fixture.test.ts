import { describe, expect, test } from '@jest/globals';
import { checkTarget } from '../../src/dataset/target.js';
import { sharedFile } from '../support/shared-data.js';

const TOY = await sharedFile('fixtures/toy_chat_fine_tuning.jsonl');
const run = { today: '2026-11-25' };

describe('the cookbook toy dataset gives the facts sheet billed-rule figures', () => {
  test('cl100k_base (gpt-3.5-turbo-0125, 16,385 context)', async () => {
    const r = await checkTarget({ name: 't', trainingFile: TOY, model: 'gpt-3.5-turbo-0125', method: null, epochs: 'auto' }, run);
    expect(Array.from(r.training.keys.tokens)).toEqual([43, 109, 24, 26, 8030]);
    expect(r.training.tokens.billable).toBe(8232);
    expect(r.estimate.epochs).toBe(20);
    expect(r.estimate.trainedTokens).toBe(164640);
    expect(r.training.stats.missingSystem).toBe(1);
    expect(r.training.stats.missingUser).toBe(1);
    const codes = r.training.diagnostics.map((d) => d.code);
    expect(codes).toContain('too-few-examples');
    expect(r.errors).toBeGreaterThan(0);
  });

  test('o200k_base (gpt-4o-mini-2024-07-18)', async () => {
    const r = await checkTarget({ name: 't', trainingFile: TOY, model: 'gpt-4o-mini-2024-07-18', method: null, epochs: 'auto' }, run);
    expect(Array.from(r.training.keys.tokens)).toEqual([41, 104, 24, 25, 8029]);
    expect(r.training.tokens.billable).toBe(8223);
    expect(r.estimate.trainedTokens).toBe(164460);
  });

  test('a 4,096 cap (gpt-3.5-turbo-0613) truncates the long example', async () => {
    const r = await checkTarget({ name: 't', trainingFile: TOY, model: 'gpt-3.5-turbo-0613', method: null, epochs: 'auto' }, run);
    expect(r.training.tokens.billable).toBe(4298);
    expect(r.estimate.trainedTokens).toBe(85960);
    expect(r.training.tokens.overContext).toBe(1);
    expect(r.training.diagnostics.find((d) => d.code === 'over-context')?.line).toBe(5);
  });
});
