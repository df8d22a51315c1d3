import { describe, expect, it } from '@jest/globals';
import { evaluate, evaluateAll, excerpt } from '../../src/smoke/checks.js';
import { CHECK_TYPES, type Assertion } from '../../src/smoke/types.js';

const answer = (text: string, latencyMs = 100) => ({ text, latencyMs });

const SUNNY = 'It is sunny in Beijing today, 24 °C. Why did the cloud break up? It needed space.';
const SCHEMA = {
  type: 'object',
  required: ['city', 'temperature_c'],
  properties: { city: { type: 'string' }, temperature_c: { type: 'number' } },
};

/** [check, passing answer, failing answer, words the failure reason must contain] */
const CASES: [Assertion, string, string, string[]][] = [
  [{ type: 'equals', value: 'Yes.' }, 'Yes.', 'Yes, it is.', ['expected to equal "Yes."', 'answer starts "Yes, it is."']],
  [{ type: 'contains', value: 'Beijing' }, SUNNY, 'It is sunny.', ['expected to contain "Beijing"', 'answer starts "It is sunny."']],
  [
    { type: 'icontains', value: 'beijing' },
    SUNNY,
    'It is sunny in Shanghai and the whole long coast of east China today',
    ['expected to contain "beijing" (case-insensitive); answer starts "It is sunny in Shanghai and the whole long coas…"'],
  ],
  [{ type: 'starts-with', value: 'It is' }, SUNNY, 'Well, it is sunny.', ['expected to start with "It is"', 'answer starts "Well, it is sunny."']],
  [{ type: 'regex', value: '\\d+ °C' }, SUNNY, 'Warm.', ['expected to match /\\d+ °C/', 'answer starts "Warm."']],
  [{ type: 'is-json' }, '  {"city": "Paris"}\n', '{"city": "Paris",}', ['expected valid JSON, but', 'answer starts "{"city": "Paris",}"']],
  [{ type: 'json-schema', value: SCHEMA }, '{"city":"Paris","temperature_c":18}', '{"city":"Paris","temperature_c":"18"}', ['expected JSON matching the schema: /temperature_c must be number']],
  [{ type: 'min-length', value: 10 }, SUNNY, 'Sunny.', ['expected at least 10 characters; answer has 6']],
  [{ type: 'max-length', value: 10 }, 'Sunny.', SUNNY, ['expected at most 10 characters; answer has 81: "It is sunny in Beijing today, 24 °C. Why did th…"']],
  [{ type: 'not-equals', value: 'I cannot help.' }, SUNNY, 'I cannot help.', ['expected not to equal "I cannot help."']],
  [{ type: 'not-contains', value: "I'm sorry" }, SUNNY, "Well, I'm sorry, but I only know weather.", [`expected not to contain "I'm sorry"; found: "Well, I'm sorry, but I only know we…"`]],
  [{ type: 'not-icontains', value: 'as an ai' }, SUNNY, 'As an AI I have no windows.', ['expected not to contain "as an ai" (case-insensitive); found: "As an AI I have no windows."']],
  [{ type: 'not-starts-with', value: '```' }, '{"a":1}', '```json\n{"a":1}\n```', ['expected not to start with "```"; answer starts "```json {"a":1} ```"']],
  [{ type: 'not-regex', value: 'sorry|apolog' }, SUNNY, 'We apologise for the rain.', ['expected not to match /sorry|apolog/; matched "We apologise for the rain."']],
  [{ type: 'not-is-json' }, SUNNY, '[1, 2]', ['expected not to be JSON; the answer parses as an array']],
];

describe('checks: each type passes and fails with a reason', () => {
  it.each(CASES)('%o', (check, good, bad, reasons) => {
    const ok = evaluate(check, answer(good));
    expect(ok).toEqual({ type: check.type, pass: true, reason: '' });
    const ko = evaluate(check, answer(bad));
    expect(ko.pass).toBe(false);
    expect(ko.type).toBe(check.type);
    for (const r of reasons) expect(ko.reason).toContain(r);
  });

  it('max-latency-ms compares the measured latency', () => {
    expect(evaluate({ type: 'max-latency-ms', value: 500 }, answer('x', 499.6)).pass).toBe(true);
    const slow = evaluate({ type: 'max-latency-ms', value: 500 }, answer('x', 1234.4));
    expect(slow).toEqual({ type: 'max-latency-ms', pass: false, reason: 'expected an answer within 500 ms; it took 1234 ms' });
  });

  it('covers every declared check type', () => {
    const tested = new Set([...CASES.map((c) => c[0].type), 'max-latency-ms']);
    expect(CHECK_TYPES.filter((t) => !tested.has(t))).toEqual([]);
  });
});

describe('checks: details of the failure messages', () => {
  it('malformed JSON in the answer fails is-json with the parser message', () => {
    const r = evaluate({ type: 'is-json' }, answer('{"city": "Paris", "temp": }'));
    expect(r.pass).toBe(false);
    expect(r.reason).toMatch(/^expected valid JSON, but .*(Unexpected|JSON).*; answer starts "\{"city": "Paris", "temp": \}"$/);
  });

  it('a fenced JSON answer says so', () => {
    const r = evaluate({ type: 'json-schema', value: SCHEMA }, answer('```json\n{"city":"Paris","temperature_c":1}\n```'));
    expect(r.reason).toContain('not valid JSON (it is wrapped in a ``` code fence)');
  });

  it('is-json with a value also checks the schema', () => {
    expect(evaluate({ type: 'is-json', value: SCHEMA }, answer('{"city":"Paris","temperature_c":1}')).pass).toBe(true);
    const r = evaluate({ type: 'is-json', value: SCHEMA }, answer('{"city":"Paris"}'));
    expect(r.reason).toContain("(root) must have required property 'temperature_c'");
  });

  it('equals notes a whitespace-only difference', () => {
    expect(evaluate({ type: 'equals', value: 'Yes.' }, answer('Yes.\n')).reason).toContain('differs only in surrounding whitespace');
  });

  it('an empty answer is called empty', () => {
    expect(evaluate({ type: 'contains', value: 'x' }, answer('')).reason).toBe('expected to contain "x"; answer is empty');
  });

  it('lengths count characters, not UTF-16 units', () => {
    expect(evaluate({ type: 'max-length', value: 3 }, answer('☀️🌧')).pass).toBe(true); // 3 code points, 4 units
    expect(evaluate({ type: 'min-length', value: 4 }, answer('☀️🌧')).reason).toContain('answer has 3');
  });

  it('an unknown type fails instead of throwing', () => {
    const r = evaluate({ type: 'similar' as never, value: 'x' }, answer('x'));
    expect(r).toEqual({ type: 'similar', pass: false, reason: 'unknown check type "similar"' });
  });

  it('carries the line of the check, and evaluateAll lists the failed ones', () => {
    const all = evaluateAll(
      [
        { type: 'contains', value: 'sunny', line: 4 },
        { type: 'max-length', value: 5, line: 5 },
      ],
      answer(SUNNY),
    );
    expect(all.pass).toBe(false);
    expect(all.checks.map((c) => c.pass)).toEqual([true, false]);
    expect(all.failed).toEqual([expect.objectContaining({ type: 'max-length', line: 5 })]);
  });

  it('excerpt collapses whitespace and marks the cut', () => {
    expect(excerpt('a\n\n  b', 10)).toBe('a b');
    expect(excerpt('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});
