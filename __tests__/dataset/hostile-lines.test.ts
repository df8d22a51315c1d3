/**
 * One hostile line must not stall or crash the run (issue 14 #3, #5): deep nesting is refused
 * with a located error before JSON.parse and before any recursive walk; long runs the split
 * pattern cannot break are counted in bounded work. Nothing here times anything: the tests
 * assert the outcome and the work done.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { LINE_LIMITS } from '../../src/catalog/limits.js';
import { nestingPastLimit } from '../../src/dataset/line.js';
import { counterStats } from '../../src/dataset/tokens.js';
import { analyze, check, cleanup, codes, fileCodes, goodChat, many, writeJsonl } from './helpers.js';

afterAll(cleanup);

const LIMIT = LINE_LIMITS.maxNestingDepth.value;
const nested = (depth: number, inner = '1') => '['.repeat(depth) + inner + ']'.repeat(depth);
const withTool = (parameters: string) =>
  `{"messages":[{"role":"system","content":"s"},{"role":"user","content":"u"},{"role":"assistant","content":"a"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"x":{"type":"array","items":${parameters}}}}}}]}`;

describe('deep nesting (issue 14 #5)', () => {
  test('a tool schema nested 20,000 levels deep is a located error, not a crash', () => {
    const r = analyze(withTool(nested(20_000)));
    expect(codes(r)).toEqual(['too-deep']);
    const f = r.findings[0]!;
    expect(f.severity).toBe('error');
    expect(f.message).toContain(`more than ${LIMIT.toLocaleString('en-US')} levels deep`);
    expect(f.message).toMatch(/opens at column \d/);
    expect(r.valid).toBe(false);
  });

  test('20,000 nested arrays with a \\u escape (the decoded-text walk) are refused the same way', () => {
    expect(codes(analyze(`{"messages":${nested(20_000, '"caf\\u00e9"')}}`))).toEqual(['too-deep']);
  });

  test('a secret deep inside a too-deep line is still flagged, masked', () => {
    const secret = 'gh' + 'p_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9';
    const r = analyze(`{"messages":${nested(50_000, JSON.stringify(secret))}}`);
    expect(codes(r).sort()).toEqual(['possible-secret', 'too-deep']);
    for (const f of r.findings) expect(f.message).not.toContain(secret);
  });

  test('the limit itself is accepted; one level more is not', () => {
    // the tool line itself is 7 levels deep at `items`
    const above = 7;
    expect(codes(analyze(withTool(nested(LIMIT - above))))).toEqual([]);
    expect(codes(analyze(withTool(nested(LIMIT - above + 1))))).toEqual(['too-deep']);
  });

  test('a secret at the deepest level allowed is located by its path', () => {
    const secret = 'gh' + 'p_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9';
    const r = analyze(withTool(nested(LIMIT - 7, JSON.stringify(secret))));
    const f = r.findings.find((x) => x.code === 'possible-secret')!;
    expect(f.path).toBe(`tools[0].function.parameters.properties.x.items${'[0]'.repeat(LIMIT - 7)}`);
  });

  test('brackets inside strings do not count, escaped quotes included', () => {
    const content = `${'['.repeat(3000)} \\" ${'{'.repeat(3000)} \\\\`;
    const line = `{"messages":[{"role":"system","content":"s"},{"role":"user","content":"${content}"},{"role":"assistant","content":"a"}]}`;
    expect(JSON.parse(line)).toBeTruthy();
    expect(nestingPastLimit(line, LIMIT)).toBe(-1);
    expect(codes(analyze(line))).toEqual([]);
  });

  test('the scan finds the column where the limit is passed', () => {
    const line = `{"a":"[[[","b":${nested(LIMIT * 2)}}`;
    // `{` is level 1, so level LIMIT + 1 is the LIMIT-th `[` of the value
    expect(nestingPastLimit(line, LIMIT)).toBe(line.indexOf('[[[[') + LIMIT - 1);
  });

  test('a 5 MB line of open brackets (never parsed) is refused, and the file around it is checked', async () => {
    const path = writeJsonl([...many(10), '['.repeat(5 << 20), goodChat(99)]);
    const r = await check(path);
    expect(fileCodes(r)).toEqual(['too-deep']);
    expect(r.diagnostics[0]!.line).toBe(11);
    expect(r.validExamples).toBe(11);
  });
});

describe('too many values in one line (JSON.parse memory)', () => {
  const MAXV = LINE_LIMITS.maxJsonValues.value;

  test('a line of more empty arrays than the limit is refused before it is parsed', () => {
    const r = analyze(`{"messages":[${'[],'.repeat(MAXV)}[]]}`);
    expect(codes(r)).toEqual(['too-many-values']);
    expect(r.findings[0]!.message).toContain(`more than ${MAXV.toLocaleString('en-US')} JSON values`);
  });

  test('commas inside strings do not count; a long legitimate chat passes', () => {
    const messages = [{ role: 'system', content: 'x, '.repeat(MAXV + 10) }];
    for (let i = 0; i < 5000; i++) messages.push({ role: 'user', content: `q${i}` }, { role: 'assistant', content: `a${i}` });
    const r = analyze({ messages });
    expect(codes(r)).toEqual([]);
    expect(r.messages).toBe(10_001);
  });
});

describe('long runs the tokenizer cannot split (issue 14 #3)', () => {
  const chat = (content: string) => ({
    messages: [
      { role: 'system', content: 's' },
      { role: 'user', content },
      { role: 'assistant', content: 'ok' },
    ],
  });

  test('a 1 MB run of one character is counted, with a warning that the count is approximate', () => {
    const pops = counterStats.heapPops;
    const r = analyze(chat('a'.repeat(1 << 20)));
    expect(r.valid).toBe(true);
    expect(codes(r)).toEqual(['approximate-count']);
    expect(r.findings[0]!.severity).toBe('warning');
    expect(r.findings[0]!.message).toContain(LINE_LIMITS.maxExactPreTokenChars.value.toLocaleString('en-US'));
    expect(r.tokens).toBeGreaterThan(1000);
    expect(counterStats.heapPops - pops).toBeLessThanOrEqual(3 << 20);
  });

  test('a run under the exact limit is counted exactly, with no warning', () => {
    const r = analyze(chat('b'.repeat(100_000)));
    expect(codes(r)).toEqual([]);
    expect(counterStats.longestLibraryMerge).toBeLessThanOrEqual(64);
  });
});
