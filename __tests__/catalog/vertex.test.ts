/** The `vertex` validation profile and catalog rows, through `checkTarget` as a pull request sees them. */
import { afterAll, describe, expect, test } from '@jest/globals';
import { PROFILES, resolveModel, VERTEX_MODELS } from '../../src/catalog/index.js';
import { checkTarget } from '../../src/dataset/target.js';
import { cleanup, many, writeJsonl } from '../dataset/helpers.js';

afterAll(cleanup);

describe('vertex profile and Gemini rows', () => {
  test('each tunable Gemini row has a price, the 131,072-token limit, a source and a date, and counts are approximate', () => {
    expect(VERTEX_MODELS.map((m) => m.id)).toEqual(['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.5-flash-lite']);
    for (const m of VERTEX_MODELS) {
      expect(m.provider).toBe('vertex');
      expect(m.trainingContext).toBe(131_072);
      expect(m.trainingPricePerMillion).toBeGreaterThan(0);
      expect(m.approximateTokens).toBe(true);
      expect(m.source).toMatch(/Vertex AI/);
      expect(m.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(PROFILES.vertex.maxValidationExamples).toBe(5_000);
    expect(PROFILES.vertex.maxExamples).toBe(1_000_000);
  });

  test('an unknown Gemini id on vertex is supervised-only and approximate, not an OpenAI guess', () => {
    const p = resolveModel('gemini-9-flash', {}, 'vertex');
    expect(p.provider).toBe('vertex');
    expect(p.methods).toEqual(['supervised']);
    expect(p.approximateTokens).toBe(true);
  });

  test('a chat dataset on gemini-2.5-flash is priced at $5 per 1M trained tokens, with no errors', async () => {
    const r = await checkTarget({ name: 't', trainingFile: writeJsonl(many(20)), model: 'gemini-2.5-flash', method: null, epochs: 3, provider: 'vertex' }, { today: '2026-12-02' });
    expect(r.errors).toBe(0);
    expect(r.model.id).toBe('gemini-2.5-flash');
    expect(r.estimate.trainedTokens).toBe(3 * r.training.tokens.billable);
    expect(r.estimate.costUsd).toBeCloseTo((r.estimate.trainedTokens * 5) / 1e6, 10);
  });

  test('a validation file over 5,000 examples is an error on vertex, not on openai', async () => {
    const train = writeJsonl(many(20));
    const valid = writeJsonl(many(5_001));
    const spec = { name: 't', trainingFile: train, validationFile: valid, method: null, epochs: 1 } as const;
    const v = await checkTarget({ ...spec, model: 'gemini-2.5-flash', provider: 'vertex' }, { today: '2026-12-02' });
    expect(v.validation!.diagnostics.map((d) => d.code)).toContain('too-many-examples');
    const o = await checkTarget({ ...spec, model: 'gpt-4.1-mini-2025-04-14', provider: 'openai' }, { today: '2026-12-02' });
    expect(o.validation!.diagnostics.map((d) => d.code)).not.toContain('too-many-examples');
  });
});

describe('after 2027-01-14: shut-down models name what replaces them', () => {
  test('gpt-4.1-mini, shut down, points at gemini-2.5-flash on vertex', async () => {
    const { modelNotices } = await import('../../src/catalog/index.js');
    const n = modelNotices(resolveModel('gpt-4.1-mini-2025-04-14'), '2027-01-20').find((x) => x.code === 'model-shut-down')!;
    expect(n.hint).toMatch(/provider: vertex, model: gemini-2\.5-flash/);
    const soon = modelNotices(resolveModel('gpt-4o-2024-08-06'), '2026-12-02').find((x) => x.code === 'model-shutdown-soon')!;
    expect(soon.hint).toMatch(/gemini-2\.5-pro/);
    // Every replacement is a catalog row that still takes jobs.
    const { REPLACEMENTS, findModel } = await import('../../src/catalog/index.js');
    for (const list of Object.values(REPLACEMENTS)) {
      for (const r of list) {
        const row = findModel(r.model, r.provider);
        expect(row?.id).toBe(r.model);
        expect(row!.shutdownDate).toBeNull();
      }
    }
  });
});

describe('data already in Vertex form', () => {
  const vx = (i: number) => ({
    systemInstruction: { role: 'system', parts: [{ text: 'Be brief.' }] },
    contents: [
      { role: 'user', parts: [{ text: `question ${i}` }] },
      { role: 'model', parts: [{ text: `answer number ${i}` }] },
    ],
  });

  test('is checked and counted as it is on the vertex profile', async () => {
    const r = await checkTarget({ name: 't', trainingFile: writeJsonl(many(20, vx)), model: 'gemini-2.5-flash', method: null, epochs: 1, provider: 'vertex' }, { today: '2026-12-02' });
    expect(r.errors).toBe(0);
    expect(r.training.validExamples).toBe(20);
    expect(r.training.tokens.total).toBeGreaterThan(20 * 4);
  });

  test('a Vertex line with a bad role or no final model turn is a located error', async () => {
    const rows = [vx(1), { contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] }, { contents: [{ role: 'user', parts: [{ text: 'q' }] }] }];
    const r = await checkTarget({ name: 't', trainingFile: writeJsonl(rows), model: 'gemini-2.5-flash', method: null, epochs: 1, provider: 'vertex' }, { today: '2026-12-02' });
    const d = r.training.diagnostics.filter((x) => x.severity === 'error').map((x) => [x.line, x.code, x.path]);
    expect(d).toEqual(
      expect.arrayContaining([
        [2, 'vertex-bad-role', 'contents[0].role'],
        [3, 'vertex-no-final-model-turn', 'contents[0]'],
      ]),
    );
  });

  test('on another provider, Vertex lines are not a known format', async () => {
    const r = await checkTarget({ name: 't', trainingFile: writeJsonl(many(12, vx)), model: 'gpt-4.1-mini-2025-04-14', method: null, epochs: 1 }, { today: '2026-12-02' });
    expect(r.training.diagnostics.map((x) => x.code)).toContain('unknown-format');
  });
});
