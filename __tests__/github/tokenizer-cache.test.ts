/**
 * Which tokenizer folders the Action keeps in the Actions cache between runs: one per pinned
 * tokenizer the targets' models count with, keyed by pin and revision. (The cache service
 * itself is GitHub's; outside a runner it is not available and restore is a no-op.)
 */
import { describe, expect, test } from '@jest/globals';
import { TOKENIZER_PINS } from '../../src/catalog/tokenizers.js';
import { pinsFor, restoreTokenizerCache, tokenizerCacheKey } from '../../src/github/tokenizer-cache.js';

describe('tokenizer cache between runs', () => {
  test('one entry per pinned tokenizer the targets need, none for other models', () => {
    const pins = pinsFor([
      { model: 'Qwen/Qwen3-8B', provider: 'together' },
      { model: 'qwen/qwen3-32b', provider: 'together' },
      { model: 'openai/gpt-oss-120b', provider: 'together' },
      { model: 'meta-llama/Llama-3.3-70B-Instruct-Reference', provider: 'together' },
      { model: 'gpt-4.1-mini-2025-04-14', provider: 'openai' },
    ]);
    expect(pins.map((p) => p.id).sort()).toEqual(['gpt-oss', 'qwen3']);
    expect(tokenizerCacheKey(TOKENIZER_PINS.qwen3!)).toBe(`finetune-ci-tokenizer-qwen3-${TOKENIZER_PINS.qwen3!.revision}`);
  });

  test('outside a runner (no cache service) restore and save do nothing and do not fail', async () => {
    const logs: string[] = [];
    const c = await restoreTokenizerCache([{ model: 'Qwen/Qwen3-8B', provider: 'together' }], { info: (m) => logs.push(m) });
    await c.save();
    expect(logs).toEqual([]);
  });
});
