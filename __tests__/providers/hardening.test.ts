/** Failure paths found in review: a key that would leak through fetch, a worker that dies silently. */
import { describe, expect, test } from '@jest/globals';
import { createProvider, ProviderSetupError } from '../../src/providers/index.js';
import { suffixMatches } from '../../src/providers/together/adapter.js';
import { runInWorkers } from '../../src/dataset/workers.js';
import { PROFILES } from '../../src/catalog/index.js';
import type { LineBatch } from '../../src/dataset/read.js';

describe('an API key with a line break', () => {
  test.each(['openai', 'azure', 'together'] as const)('%s: refused up front, without repeating the key', async (name) => {
    const key = 'sk-proj-abc\r\nDEF1234567890';
    const p = createProvider({ name, apiKey: key, azureEndpoint: 'https://x.openai.azure.com' });
    await expect(p).rejects.toBeInstanceOf(ProviderSetupError);
    await p.catch((e: Error) => {
      expect(e.message).toMatch(/contains spaces, line breaks or non-ASCII characters/);
      expect(e.message).not.toContain('abc');
      expect(e.message).not.toContain('DEF1234567890');
    });
  });
});

describe('Together rerun safety', () => {
  test('a suffix read from a model name may carry a prefix; other suffixes do not match', () => {
    expect(suffixMatches('support-1a2b3c4d', 'support-1a2b3c4d')).toBe(true);
    expect(suffixMatches('Llama-3.1-8B-Instruct-support-1a2b3c4d', 'support-1a2b3c4d')).toBe(true);
    expect(suffixMatches('Llama-3.1-8B-Instruct-xsupport-1a2b3c4d', 'support-1a2b3c4d')).toBe(false);
    expect(suffixMatches('support-9f9f9f9f', 'support-1a2b3c4d')).toBe(false);
    expect(suffixMatches(null, 'support-1a2b3c4d')).toBe(false);
  });
});

describe('the analysis worker pool', () => {
  test('a worker that exits without an error event fails the run instead of hanging', async () => {
    async function* batches(): AsyncGenerator<LineBatch> {
      yield { lines: [{ line: 1, offset: 0, bytes: Buffer.from('{"messages":[]}') }], problems: [], bytesRead: 15 };
    }
    const dies = new URL('data:text/javascript,process.exit(7)');
    const ctx = { method: null, encoding: 'o200k_base' as const, profile: PROFILES.openai };
    const run = runInWorkers(batches(), ctx, { threads: 1, url: dies, always: true }, { problem() {}, result() {}, progress() {} });
    await expect(run).rejects.toThrow(/analysis worker exited \(code 7\)/);
  }, 20_000);
});
