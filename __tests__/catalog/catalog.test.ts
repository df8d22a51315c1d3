/**
 * The catalog: resolving model ids (dated, aliases, ft:, Azure), user overrides and unknown
 * models, "today" from FINETUNE_CI_NOW, day arithmetic, shutdown and platform notices, and the
 * data itself against the facts sheet (§4).
 */
import { describe, expect, test } from '@jest/globals';
import { ALIASES, CatalogError, MODELS, PROFILES, baseModelId, daysBetween, findModel, modelNotices, platformNotices, resolveModel, today } from '../../src/catalog/index.js';

describe('resolveModel', () => {
  test('a dated snapshot', () => {
    const m = resolveModel('gpt-4.1-mini-2025-04-14');
    expect(m).toMatchObject({ id: 'gpt-4.1-mini-2025-04-14', encoding: 'o200k_base', trainingContext: 65_536, trainingPricePerMillion: 5, shutdownDate: '2027-01-14', approximateTokens: false });
    expect(m.methods).toEqual(['supervised', 'dpo']);
  });

  test('an ft: fine-tune resolves to its base model (o200k_base, not a tiktoken prefix guess)', () => {
    const m = resolveModel('ft:gpt-4.1-mini-2025-04-14:my-org:custom-suffix:9abcDEF1');
    expect(m.id).toBe('gpt-4.1-mini-2025-04-14');
    expect(m.encoding).toBe('o200k_base');
    expect(m.trainingPricePerMillion).toBe(5);
    expect(baseModelId('ft:gpt-3.5-turbo-0613:org::abc')).toBe('gpt-3.5-turbo-0613');
    expect(resolveModel('ft:gpt-3.5-turbo-0613:org::abc').trainingContext).toBe(4096);
  });

  test('aliases resolve to one dated snapshot, also inside ft: names', () => {
    for (const [alias, id] of Object.entries(ALIASES)) expect(resolveModel(alias).id).toBe(id);
    expect(resolveModel('gpt-4o-mini').id).toBe('gpt-4o-mini-2024-07-18');
    expect(resolveModel('gpt-3.5-turbo').encoding).toBe('cl100k_base');
    expect(resolveModel('ft:gpt-4o-mini:org:x:id1').id).toBe('gpt-4o-mini-2024-07-18');
  });

  test('a model named like an Object.prototype property is just an unknown model', () => {
    for (const id of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(baseModelId(id)).toBe(id);
      expect(resolveModel(id).id).toBe(id);
    }
  });

  test('Azure fine-tune ids <base>.ft-<32 hex>', () => {
    const m = resolveModel('gpt-4.1-mini-2025-04-14.ft-0123456789abcdef0123456789ABCDEF');
    expect(m.id).toBe('gpt-4.1-mini-2025-04-14');
    expect(m.approximateTokens).toBe(false);
    expect(baseModelId('gpt-4o-mini.ft-0123456789abcdef0123456789abcdef')).toBe('gpt-4o-mini-2024-07-18');
    // not hex: not an Azure suffix
    expect(baseModelId('gpt-4o-mini.ft-notahexsuffixzz')).toBe('gpt-4o-mini.ft-notahexsuffixzz');
  });

  test('surrounding whitespace is ignored', () => {
    expect(resolveModel('  gpt-4o-2024-08-06 \n').id).toBe('gpt-4o-2024-08-06');
  });

  test('overrides on a known model: values replaced, no longer unconfirmed, source says so', () => {
    const base = resolveModel('gpt-4.1-2025-04-14');
    expect(base.unconfirmed).toContain('trainingContext');
    const m = resolveModel('gpt-4.1-2025-04-14', { trainingContext: 32_768, pricePerMillion: 20, shutdownDate: '2030-01-01' });
    expect(m.trainingContext).toBe(32_768);
    expect(m.trainingPricePerMillion).toBe(20);
    expect(m.shutdownDate).toBe('2030-01-01');
    expect(m.unconfirmed).not.toContain('trainingContext');
    expect(m.source).toContain('set by the user: trainingContext, trainingPricePerMillion, shutdownDate');
    // the catalog itself is untouched
    expect(findModel('gpt-4.1-2025-04-14')!.trainingContext).toBe(65_536);
    expect(resolveModel('gpt-4.1-2025-04-14').unconfirmed).toContain('trainingContext');
  });

  test('an unknown model: guessed encoding by family, unknown figures, approximate only when no family matches', () => {
    const gpt5 = resolveModel('gpt-5-2026-01-01');
    expect(gpt5).toMatchObject({ id: 'gpt-5-2026-01-01', encoding: 'o200k_base', approximateTokens: false, trainingContext: null, trainingPricePerMillion: null, shutdownDate: null });
    expect(resolveModel('gpt-4-0613').encoding).toBe('cl100k_base');
    const llama = resolveModel('meta-llama/Llama-3.1-8B');
    expect(llama.approximateTokens).toBe(true);
    expect(llama.encoding).toBe('o200k_base');
    expect(llama.methods).toEqual(['supervised', 'dpo', 'reinforcement']);
    expect(llama.unconfirmed).toEqual(expect.arrayContaining(['encoding', 'trainingContext', 'trainingPricePerMillion']));
  });

  test('an unknown model described by the user', () => {
    const m = resolveModel('meta-llama/Llama-3.1-8B', { encoding: 'cl100k_base', trainingContext: 8192, pricePerMillion: 0.5 });
    expect(m).toMatchObject({ encoding: 'cl100k_base', approximateTokens: false, trainingContext: 8192, trainingPricePerMillion: 0.5 });
    expect(m.unconfirmed).toEqual(['methods']);
  });

  test('an unknown encoding is a CatalogError with a hint', () => {
    expect(() => resolveModel('gpt-4o', { encoding: 'p50k_base' as never })).toThrow(CatalogError);
    try {
      resolveModel('gpt-4o', { encoding: 'p50k_base' as never });
    } catch (e) {
      expect((e as CatalogError).hint).toContain('o200k_base');
    }
  });
});

describe('today() and FINETUNE_CI_NOW', () => {
  test('FINETUNE_CI_NOW sets the date', () => {
    expect(today({ FINETUNE_CI_NOW: '2026-12-01' })).toBe('2026-12-01');
    expect(today({ FINETUNE_CI_NOW: ' 2027-01-14T10:00:00Z ' })).toBe('2027-01-14');
  });

  test('without it, the clock (UTC date)', () => {
    const before = new Date().toISOString().slice(0, 10);
    const t = today({});
    const after = new Date().toISOString().slice(0, 10);
    expect([before, after]).toContain(t);
    expect(today({ FINETUNE_CI_NOW: '   ' })).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  test('a value that is not a date is an error naming it', () => {
    expect(() => today({ FINETUNE_CI_NOW: 'next tuesday' })).toThrow(/FINETUNE_CI_NOW="next tuesday"/);
  });
});

describe('daysBetween', () => {
  test('whole days, negative backwards, across a leap day and a DST change', () => {
    expect(daysBetween('2026-11-25', '2027-01-14')).toBe(50);
    expect(daysBetween('2027-01-14', '2026-11-25')).toBe(-50);
    expect(daysBetween('2028-02-28', '2028-03-01')).toBe(2);
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2);
    expect(daysBetween('2026-10-16', '2027-01-14')).toBe(90);
  });
});

describe('modelNotices and platformNotices', () => {
  test('no shutdown date, no model notice', () => {
    expect(modelNotices(resolveModel('davinci-002'), '2025-01-01')).toEqual([]);
  });

  test('past, on, and within 90 days of the shutdown date', () => {
    const nano = resolveModel('gpt-4.1-nano-2025-04-14');
    expect(modelNotices(nano, '2026-12-01').map((n) => n.code)).toContain('model-shut-down');
    expect(modelNotices(nano, '2026-10-23').map((n) => n.code)).toContain('model-shut-down');
    expect(modelNotices(nano, '2026-07-25').map((n) => n.code)).toContain('model-shutdown-soon'); // 90 days
    expect(modelNotices(nano, '2026-07-24').map((n) => n.code)).not.toContain('model-shutdown-soon'); // 91 days
  });

  test('platform events: the next ones within 90 days, and the latest one already in force', () => {
    expect(platformNotices('openai', '2026-11-25').map((n) => n.message)).toEqual([
      'from 2027-01-06 (in 42 days) no organisation can create new fine-tuning jobs (reported by secondary sources)',
      'since 2026-07-02 organisations without fine-tuned-model inference in the last 60 days can no longer create fine-tuning jobs (reported by secondary sources)',
    ]);
    expect(platformNotices('openai', '2026-04-10').map((n) => n.code)).toEqual(['provider-closing', 'provider-closing']);
    expect(platformNotices('azure', '2026-11-25')).toEqual([]);
    expect(platformNotices('openai', '2025-01-01')).toEqual([]);
  });

  test('after 2027-01-06 the closure is still reported, as in force', () => {
    const n = platformNotices('openai', '2027-01-10');
    expect(n.map((x) => x.code)).toEqual(['provider-closed']);
    expect(n[0]!.message).toBe('since 2027-01-06 no organisation can create new fine-tuning jobs (reported by secondary sources)');
  });
});

describe('the catalog data', () => {
  test('every model has its source and as-of date; ids are unique', () => {
    for (const m of MODELS) {
      expect(m.source.length).toBeGreaterThan(0);
      expect(m.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (m.shutdownDate !== null) expect(m.shutdownDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(new Set(MODELS.map((m) => m.id)).size).toBe(MODELS.length);
    for (const id of Object.values(ALIASES)) expect(findModel(id)).toBeDefined();
  });

  test.each([
    ['gpt-4.1-2025-04-14', 25, 65_536, '2027-01-14', ['supervised', 'dpo']],
    ['gpt-4.1-nano-2025-04-14', 1.5, 65_536, '2026-10-23', ['supervised', 'dpo']],
    ['gpt-4o-2024-08-06', 25, 65_536, '2027-01-14', ['supervised', 'dpo']],
    ['gpt-4o-mini-2024-07-18', 3, 65_536, '2027-01-14', ['supervised', 'dpo']],
    ['o4-mini-2025-04-16', null, null, '2026-10-23', ['reinforcement']],
    ['gpt-3.5-turbo-0125', 8, 16_385, '2026-10-23', ['supervised']],
    ['gpt-3.5-turbo-0613', 8, 4_096, '2026-10-23', ['supervised']],
    ['davinci-002', 6, null, null, ['supervised']],
    ['babbage-002', 0.4, null, null, ['supervised']],
  ])('%s matches the facts sheet', (id, price, context, shutdown, methods) => {
    const m = findModel(id)!;
    expect(m.trainingPricePerMillion).toBe(price);
    expect(m.trainingContext).toBe(context);
    expect(m.shutdownDate).toBe(shutdown);
    expect(m.methods).toEqual(methods);
  });

  test('validation profiles: OpenAI minimum 10, 10 images of 10 MB, 150 MB lines', () => {
    expect(PROFILES.openai).toMatchObject({ minExamples: 10, maxImagesPerExample: 10, maxImageBytes: 10 * 1024 * 1024, maxLineBytes: 150 * 1024 * 1024 });
    expect(PROFILES.openai.formats).toContain('reinforcement');
    expect(PROFILES.azure.formats).not.toContain('reinforcement');
  });
});
