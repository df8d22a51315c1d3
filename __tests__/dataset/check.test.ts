/**
 * `checkFile` / `FileAggregator`: the rules that need the whole file, each with a fixture that
 * trips it and one that does not, and the counts of the file report.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { PROFILES } from '../../src/catalog/profiles.js';
import { FileAggregator, methodForFormat } from '../../src/dataset/check.js';
import { analyzeLine } from '../../src/dataset/line.js';
import { KeyMap, keyHex } from '../../src/dataset/keys.js';
import { check, cleanup, fileCodes, goodChat, goodCompletion, goodDpo, jsonl, many, writeFixture, writeJsonl } from './helpers.js';

afterAll(cleanup);

describe('a clean file', () => {
  test('10 distinct chat examples: no diagnostics, every count right', async () => {
    const r = await check(writeJsonl(many(10)));
    expect(r.diagnostics).toEqual([]);
    expect(r.format).toBe('chat');
    expect(r.lines).toBe(10);
    expect(r.examples).toBe(10);
    expect(r.validExamples).toBe(10);
    expect([r.errors, r.warnings, r.infos]).toEqual([0, 0, 0]);
    expect(r.stats.messages).toBe(30);
    expect(r.stats.messagesPerExample).toEqual({ min: 3, max: 3, mean: 3, median: 3, p10: 3, p90: 3 });
    // Two u32 words per example.
    expect(r.keys.hash).toHaveLength(20);
    expect(new Set(Array.from({ length: 10 }, (_, i) => keyHex(r.keys.hash, i))).size).toBe(10);
    expect(r.keys.tokens.reduce((a, b) => a + b, 0)).toBe(r.tokens.total);
    expect(r.tokens.billable).toBe(r.tokens.total);
    expect(r.tokens.perExample!.min).toBeLessThanOrEqual(r.tokens.perExample!.max);
  });
});

describe('bom', () => {
  test('a BOM is a warning at line 1, and the first line still parses', async () => {
    const r = await check(writeFixture('bom.jsonl', '\uFEFF' + jsonl(many(10))));
    expect(fileCodes(r)).toEqual(['bom']);
    expect(r.diagnostics[0]!.line).toBe(1);
    expect(r.diagnostics[0]!.severity).toBe('warning');
    expect(r.validExamples).toBe(10);
    expect(r.examples).toBe(10);
  });
});

describe('blank lines', () => {
  test('a blank line warns and is not an example; the numbers of the lines after it are right', async () => {
    const text = jsonl(many(5)) + '\n' + jsonl(many(5).map((_, i) => goodChat(i + 5)));
    const r = await check(writeFixture('b.jsonl', text));
    expect(fileCodes(r)).toEqual(['blank-line']);
    expect(r.diagnostics[0]!.line).toBe(6);
    expect(r.examples).toBe(10);
    expect(r.lines).toBe(11);
  });
});

describe('mixed-formats', () => {
  test('a completion line in a chat file is an error naming the first line of the file format', async () => {
    const lines = [...many(10), goodCompletion(1), goodDpo(2)];
    const r = await check(writeJsonl(lines));
    const mixed = r.diagnostics.filter((d) => d.code === 'mixed-formats');
    expect(mixed.map((d) => d.line)).toEqual([11, 12]);
    expect(mixed[0]!.message).toContain('completion data');
    expect(mixed[0]!.message).toContain('chat data (from line 1)');
    expect(r.validExamples).toBe(10);
    expect(r.format).toBe('chat');
  });

  test('the format comes from the first line with a shape, even after junk lines', async () => {
    const r = await check(writeFixture('j.jsonl', '{"x": 1}\nnot json\n' + jsonl(many(10, goodDpo))));
    expect(r.format).toBe('dpo');
    expect(fileCodes(r).sort()).toEqual(['invalid-json', 'unknown-format']);
  });

  test('one format throughout: no mixed-formats', async () => {
    for (const build of [goodChat, goodDpo, goodCompletion]) {
      expect(fileCodes(await check(writeJsonl(many(10, build))))).toEqual([]);
    }
  });
});

describe('method-does-not-fit-data', () => {
  test.each([
    ['dpo', goodChat, 'chat'],
    ['supervised', goodDpo, 'dpo'],
    ['reinforcement', goodDpo, 'dpo'],
    ['dpo', goodCompletion, 'completion'],
    ['reinforcement', goodCompletion, 'completion'],
  ] as const)('method %s on %s data is an error', async (method, build, format) => {
    const r = await check(writeJsonl(many(10, build)), { method });
    const d = r.diagnostics.find((x) => x.code === 'method-does-not-fit-data');
    expect(d).toBeDefined();
    expect(d!.severity).toBe('error');
    expect(d!.line).toBe(1);
    expect(d!.message).toContain(`the file is ${format} data`);
  });

  test.each([
    ['supervised', goodChat, 'chat'],
    ['supervised', goodCompletion, 'completion'],
    ['dpo', goodDpo, 'dpo'],
    ['reinforcement', goodChat, 'reinforcement'],
    [null, goodChat, 'chat'],
    [null, goodDpo, 'dpo'],
  ] as const)('method %s on %s data fits (format %s)', async (method, build, format) => {
    const r = await check(writeJsonl(many(10, build)), { method });
    expect(fileCodes(r)).toEqual([]);
    expect(r.format).toBe(format);
  });

  test('methodForFormat follows the data', () => {
    expect(methodForFormat('dpo')).toBe('dpo');
    expect(methodForFormat('chat')).toBe('supervised');
    expect(methodForFormat('completion')).toBe('supervised');
    expect(methodForFormat('reinforcement')).toBe('reinforcement');
    expect(methodForFormat(null)).toBe('supervised');
  });
});

describe('reinforcement files', () => {
  test('format reinforcement, free keys, no assistant needed', async () => {
    const rows = many(10, (i) => ({
      messages: [
        { role: 'developer', content: 'Solve.' },
        { role: 'user', content: `${i} * 2?` },
      ],
      answer: String(i * 2),
    }));
    const r = await check(writeJsonl(rows), { method: 'reinforcement' });
    expect(r.format).toBe('reinforcement');
    // role "developer" is documented for RFT: no developer-role warning there
    expect(fileCodes(r)).toEqual([]);
    expect(r.validExamples).toBe(10);
    const sft = await check(
      writeJsonl(
        many(10, (i) => ({
          messages: [
            { role: 'developer', content: 'Solve.' },
            { role: 'user', content: `${i}?` },
            { role: 'assistant', content: 'x' },
          ],
        })),
      ),
    );
    expect(new Set(fileCodes(sft))).toEqual(new Set(['developer-role']));
  });
});

describe('format-not-supported', () => {
  test('Azure does not take reinforcement data; OpenAI does', async () => {
    const rows = many(10, (i) => ({
      messages: [
        { role: 'system', content: 's' },
        { role: 'user', content: `q${i}` },
      ],
    }));
    const az = await check(writeJsonl(rows), { method: 'reinforcement', profile: PROFILES.azure });
    const d = az.diagnostics.find((x) => x.code === 'format-not-supported');
    expect(d?.severity).toBe('error');
    expect(d?.message).toContain('azure');
    expect(d?.hint).toContain('chat, dpo, completion');
    const oa = await check(writeJsonl(rows), { method: 'reinforcement', profile: PROFILES.openai });
    expect(fileCodes(oa)).toEqual([]);
  });
});

describe('empty-file', () => {
  test.each([
    ['an empty file', '', []],
    ['only blank lines', '\n  \n', ['blank-line', 'blank-line']],
  ])('%s', async (_name, text, others) => {
    const r = await check(writeFixture('e.jsonl', text));
    expect(fileCodes(r)).toEqual(['empty-file', ...others]);
    const d = r.diagnostics[0]!;
    expect(d.line).toBeNull();
    expect(d.severity).toBe('error');
    expect(r.examples).toBe(0);
    expect(r.format).toBeNull();
    expect(r.tokens.perExample).toBeNull();
    // no too-few-examples on top of it
    expect(fileCodes(r)).not.toContain('too-few-examples');
  });

  test('a file with one example is not empty', async () => {
    const r = await check(writeJsonl([goodChat()]));
    expect(fileCodes(r)).toEqual(['too-few-examples']);
  });
});

describe('too-few-examples', () => {
  test('9 examples is an error with no line; 10 is fine', async () => {
    const r = await check(writeJsonl(many(9)));
    expect(fileCodes(r)).toEqual(['too-few-examples']);
    expect(r.diagnostics[0]!.line).toBeNull();
    expect(r.diagnostics[0]!.message).toContain('9 examples');
    expect(r.diagnostics[0]!.message).toContain('at least 10');
    expect(fileCodes(await check(writeJsonl(many(10))))).toEqual([]);
  });

  test('broken lines count as examples (the provider counts lines), blank lines do not', async () => {
    const r = await check(writeFixture('x.jsonl', jsonl(many(9)) + 'oops\n\n'));
    expect(r.examples).toBe(10);
    expect(fileCodes(r).sort()).toEqual(['blank-line', 'invalid-json']);
  });

  test('a profile with a lower minimum (together: 1), and a validation file, need fewer', async () => {
    expect(fileCodes(await check(writeJsonl(many(2)), { profile: PROFILES.together }))).toEqual([]);
    expect(fileCodes(await check(writeJsonl(many(2)), { role: 'validation' }))).toEqual([]);
    const hi = await check(writeJsonl(many(10)), { profile: { ...PROFILES.openai, minExamples: 50 } });
    expect(fileCodes(hi)).toEqual(['too-few-examples']);
    expect(hi.diagnostics[0]!.message).toContain('at least 50');
  });
});

describe('over-context', () => {
  test('an example over the training context warns and is capped in billable tokens', async () => {
    const rows = many(10);
    rows[4] = {
      messages: [
        { role: 'system', content: 's' },
        { role: 'user', content: 'word '.repeat(300) },
        { role: 'assistant', content: 'ok' },
      ],
    };
    const full = await check(writeJsonl(rows), { trainingContext: null });
    const long = full.keys.tokens[4]!;
    expect(long).toBeGreaterThan(300);
    const cap = 100;
    const r = await check(writeJsonl(rows), { trainingContext: cap });
    expect(fileCodes(r)).toEqual(['over-context']);
    expect(r.diagnostics[0]!.line).toBe(5);
    expect(r.diagnostics[0]!.message).toContain(`${long} tokens`);
    expect(r.tokens.overContext).toBe(1);
    expect(r.tokens.total).toBe(full.tokens.total);
    expect(r.tokens.billable).toBe(full.tokens.total - long + cap);
    // no context known: nothing over it, nothing capped
    expect(fileCodes(full)).toEqual([]);
    expect(full.tokens.billable).toBe(full.tokens.total);
  });

  test('an example exactly at the context is not over it', async () => {
    const rows = many(10);
    const probe = await check(writeJsonl(rows), { trainingContext: null });
    const max = Math.max(...probe.keys.tokens);
    const r = await check(writeJsonl(rows), { trainingContext: max });
    expect(fileCodes(r)).toEqual([]);
    expect(r.tokens.billable).toBe(probe.tokens.total);
  });
});

describe('duplicate-example', () => {
  test('an exact copy warns and names the first line', async () => {
    const rows = [...many(10), goodChat(3), goodChat(3)];
    const r = await check(writeJsonl(rows));
    const d = r.diagnostics.filter((x) => x.code === 'duplicate-example');
    expect(d.map((x) => x.line)).toEqual([11, 12]);
    for (const x of d) expect(x.message).toContain('line 4');
    expect(r.stats.duplicates).toBe(2);
  });

  test('same prompt, different answer, is not a duplicate', async () => {
    const other = goodChat(3) as { messages: { role: string; content: string }[] };
    other.messages[2]!.content = 'something else';
    const r = await check(writeJsonl([...many(10), other]));
    expect(fileCodes(r)).toEqual([]);
    expect(r.stats.duplicates).toBe(0);
    expect(keyHex(r.keys.promptHash, 3)).toBe(keyHex(r.keys.promptHash, 10));
    expect(keyHex(r.keys.hash, 3)).not.toBe(keyHex(r.keys.hash, 10));
  });
});

describe('in-training-and-validation', () => {
  test('a validation example that is also in the training file warns', async () => {
    const train = await check(writeJsonl(many(10), 'train.jsonl'));
    const val = await check(writeJsonl([goodChat(100), goodChat(2), goodChat(101)], 'val.jsonl'), {
      role: 'validation',
      trainingHashes: KeyMap.of(train.keys.hash),
    });
    expect(fileCodes(val)).toEqual(['in-training-and-validation']);
    expect(val.diagnostics[0]!.line).toBe(2);
    expect(val.stats.inTraining).toBe(1);
    const clean = await check(writeJsonl([goodChat(100), goodChat(101)], 'val2.jsonl'), {
      role: 'validation',
      trainingHashes: KeyMap.of(train.keys.hash),
    });
    expect(fileCodes(clean)).toEqual([]);
  });
});

describe('stats', () => {
  test('missing system/user, messages, images, assistant tokens', async () => {
    const rows = [
      ...many(8),
      {
        messages: [
          { role: 'user', content: 'no system' },
          { role: 'assistant', content: 'ok' },
        ],
      },
      {
        messages: [
          { role: 'system', content: 's' },
          { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] },
          { role: 'assistant', content: 'a' },
          { role: 'user', content: 'u' },
          { role: 'assistant', content: 'b' },
        ],
      },
      {
        messages: [
          { role: 'system', content: 'no user' },
          { role: 'assistant', content: 'ok' },
        ],
      },
    ];
    const r = await check(writeJsonl(rows));
    expect(r.stats.missingSystem).toBe(1);
    expect(r.stats.missingUser).toBe(1);
    expect(r.stats.images).toBe(1);
    expect(r.stats.messages).toBe(8 * 3 + 2 + 5 + 2);
    expect(r.stats.messagesPerExample).toMatchObject({ min: 2, max: 5 });
    expect(r.tokens.assistant).toBeGreaterThan(0);
    expect(r.tokens.assistant).toBeLessThan(r.tokens.total);
  });

  test('invalid examples count as examples but not in tokens or stats', async () => {
    const r = await check(writeJsonl([...many(10), { messages: [{ role: 'robot', content: 'x' }] }]));
    expect(r.examples).toBe(11);
    expect(r.validExamples).toBe(10);
    expect(r.keys.tokens).toHaveLength(10);
    expect(r.stats.messages).toBe(30);
  });
});

describe('diagnostics: all counted, the first kept, sorted by line', () => {
  test('keepDiagnostics caps what is kept, never what is counted', async () => {
    const rows = many(30, (i) => ({
      messages: [
        { role: 'user', content: `q${i}` },
        { role: 'assistant', content: 'a' },
      ],
    }));
    const r = await check(writeJsonl(rows), { keepDiagnostics: 5 });
    expect(r.diagnostics).toHaveLength(5);
    expect(r.diagnosticsOmitted).toBe(25);
    expect(r.warnings).toBe(30);
    expect(r.byCode).toEqual([{ code: 'no-system-message', severity: 'warning', count: 30 }]);
    expect(r.diagnostics.map((d) => d.line)).toEqual([1, 2, 3, 4, 5]);
    expect(r.diagnostics[0]!.file).toBe(r.path);
  });

  test('whole-file diagnostics (line null) come first, then by line; byCode is by count', async () => {
    const rows = [
      ...many(5),
      'bad',
      {
        messages: [
          { role: 'user', content: 'u' },
          { role: 'assistant', content: 'a' },
        ],
      },
      'bad2',
    ];
    const r = await check(writeJsonl(rows));
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['too-few-examples', null],
      ['invalid-json', 6],
      ['no-system-message', 7],
      ['invalid-json', 8],
    ]);
    expect(r.byCode[0]).toEqual({ code: 'invalid-json', severity: 'error', count: 2 });
    expect([r.errors, r.warnings]).toEqual([3, 1]);
  });

  test('FileAggregator can be fed directly (as the worker path does)', () => {
    const opts = { method: null, encoding: 'o200k_base' as const, profile: PROFILES.openai, role: 'training' as const, trainingContext: null };
    const agg = new FileAggregator('mem.jsonl', opts);
    agg.problem({ kind: 'bom', line: 1, offset: 0 });
    for (let i = 0; i < 10; i++) agg.add(analyzeLine(Buffer.from(JSON.stringify(goodChat(i))), i + 1, opts));
    agg.problem({ kind: 'line-too-long', line: 11, offset: 999, length: 5_000_000 });
    const r = agg.finish(1234);
    expect(r.bytes).toBe(1234);
    expect(r.examples).toBe(11);
    expect(r.lines).toBe(11);
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['bom', 1],
      ['line-too-long', 11],
    ]);
    expect(r.diagnostics[1]!.message).toContain('5,000,000 bytes');
    expect(r.diagnostics[1]!.message).toContain('157,286,400-byte limit');
  });
});

describe('progress', () => {
  test('onProgress reports bytes read up to the file size', async () => {
    const path = writeJsonl(many(10));
    const seen: [number, number][] = [];
    const r = await check(path, { onProgress: (n, total) => seen.push([n, total]) });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[seen.length - 1]).toEqual([r.bytes, r.bytes]);
  });
});
