/**
 * Together's prices and limits as catalog data: per method (SFT/DPO) and adapter (LoRA/Full),
 * the minimum charge, sequence limits per method, and a PR check that prices a Together target
 * with no price-per-million.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { TOGETHER_MODELS, forMethod, resolveModel } from '../../src/catalog/index.js';
import { checkTarget } from '../../src/dataset/target.js';
import { estimate } from '../../src/estimate.js';
import { cleanup, goodChat, goodDpo, many, writeJsonl } from '../dataset/helpers.js';

afterAll(cleanup);

describe('the catalog', () => {
  test('lists the newer tunable families, each priced row with a source URL and date', () => {
    const ids = TOGETHER_MODELS.map((m) => m.id);
    for (const id of ['Qwen/Qwen3.5-9B', 'google/gemma-4-31B-it', 'openai/gpt-oss-20b', 'openai/gpt-oss-120b', 'meta-llama/Llama-3.3-70B-Instruct-Reference']) {
      expect(ids).toContain(id);
    }
    for (const m of TOGETHER_MODELS.filter((x) => x.methodPrices)) {
      expect(m.priceSource?.url).toMatch(/^https:\/\//);
      expect(m.priceSource?.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  test('SFT and DPO have their own LoRA price and sequence limit', () => {
    const oss = resolveModel('openai/gpt-oss-20b', {}, 'together');
    expect(forMethod(oss, 'supervised')).toMatchObject({ trainingPricePerMillion: 0.4, trainingContext: 16_384 });
    expect(forMethod(oss, 'dpo')).toMatchObject({ trainingPricePerMillion: 1.0, trainingContext: 8_192 });
    // The user's price wins over every method's.
    expect(forMethod(resolveModel('openai/gpt-oss-20b', { pricePerMillion: 9 }, 'together'), 'dpo').trainingPricePerMillion).toBe(9);
  });

  test('the minimum charge raises a small job to it, and says so', () => {
    const oss = forMethod(resolveModel('openai/gpt-oss-120b', {}, 'together'), 'supervised');
    const small = estimate(10, 1_000, oss, 1);
    expect(small.costUsd).toBe(oss.minimumChargeUsd);
    expect(small.minimumChargeUsd).toBe(oss.minimumChargeUsd);
    const big = estimate(10, 10_000_000, oss, 1);
    expect(big.costUsd).toBeCloseTo(25, 6);
    expect(big.minimumChargeUsd).toBeNull();
  });
});

describe('a PR check of a Together target', () => {
  test('is priced with no price-per-million, at the method the data needs', async () => {
    const sft = await checkTarget({ name: 't', trainingFile: writeJsonl(many(3, goodChat)), model: 'openai/gpt-oss-20b', method: null, epochs: 1, provider: 'together' }, { today: '2026-12-02' });
    expect(sft.estimate.pricePerMillion).toBe(0.4);
    expect(sft.estimate.costUsd).not.toBeNull();
    expect(sft.notices.map((n) => n.code)).not.toContain('price-unknown');
    const dpo = await checkTarget({ name: 't', trainingFile: writeJsonl(many(3, goodDpo)), model: 'openai/gpt-oss-20b', method: null, epochs: 1, provider: 'together' }, { today: '2026-12-02' });
    expect(dpo.method).toBe('dpo');
    expect(dpo.estimate.pricePerMillion).toBe(1.0);
    expect(dpo.model.trainingContext).toBe(8_192);
  });
});

describe('epochs on auto', () => {
  test('Together trains one epoch when none is given, not the OpenAI rule', () => {
    const oss = forMethod(resolveModel('openai/gpt-oss-20b', {}, 'together'), 'supervised');
    expect(estimate(10, 1_000_000, oss, 'auto')).toMatchObject({ epochs: 1, epochsSource: 'auto', trainedTokens: 1_000_000 });
    // OpenAI's rule is unchanged: 10 examples → 10 epochs.
    expect(estimate(10, 1_000, resolveModel('gpt-4o-mini-2024-07-18'), 'auto').epochs).toBe(10);
  });
});
