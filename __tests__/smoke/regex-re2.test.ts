/**
 * Smoke assertions cannot hang (issue 14 #8): `regex` checks and JSON-schema `pattern`s run on
 * RE2 (linear time), so catastrophic patterns against hostile answers finish with the right
 * verdict; patterns RE2 cannot run (backreferences, lookarounds) are located suite errors that
 * say what is unsupported and how to rewrite it. Nothing here measures time: with a
 * backtracking engine these cases would not finish within the test timeout at all.
 */
import { describe, expect, it } from '@jest/globals';
import { compileRegex, evaluate } from '../../src/smoke/checks.js';
import { parseSuite } from '../../src/smoke/suite.js';
import type { Assertion } from '../../src/smoke/types.js';

const answer = (text: string) => ({ text, latencyMs: 1 });

/** [pattern, answer that would make a backtracking engine explode, does it match?] */
const CATASTROPHIC: [string, string, boolean][] = [
  ['^(a+)+$', `${'a'.repeat(30)}!`, false], // 100 s in V8 at 30 characters (the case)
  ['^(a+)+$', 'a'.repeat(100_000), true],
  ['^(a|a)*$', `${'a'.repeat(5_000)}b`, false],
  ['^(a|aa)+$', `${'a'.repeat(5_000)}b`, false],
  ['(x+x+)+y', 'x'.repeat(50_000), false],
  ['^(\\w+\\s?)*$', `${'word '.repeat(20_000)}!`, false],
  ['^([a-zA-Z0-9])(([\\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$', `${'a'.repeat(40)}!`, false],
];

describe('regex checks run in linear time', () => {
  it.each(CATASTROPHIC)('regex %s against a hostile answer gives the right verdict', (pattern, text, matches) => {
    const r = evaluate({ type: 'regex', value: pattern }, answer(text));
    expect(r.pass).toBe(matches);
    if (!matches) expect(r.reason).toContain(`expected to match /${pattern}/`);
    const not = evaluate({ type: 'not-regex', value: pattern }, answer(text));
    expect(not.pass).toBe(!matches);
  });

  it('not-regex quotes where it matched (UTF-16 offsets, as the answer is sliced)', () => {
    const r = evaluate({ type: 'not-regex', value: 'sorr?y' }, answer('☀️ 24 °C — so sorry, no rain'));
    expect(r.pass).toBe(false);
    expect(r.reason).toBe('expected not to match /sorr?y/; matched "☀️ 24 °C — so sorry, no rain"');
  });

  it('JavaScript spellings RE2 writes differently still work: \\uXXXX, \\u{…}, named groups, (?i)', () => {
    expect(evaluate({ type: 'regex', value: 'caf\\u00e9' }, answer('un café')).pass).toBe(true);
    expect(evaluate({ type: 'regex', value: '\\u{1F600}' }, answer('hi 😀')).pass).toBe(true);
    expect(evaluate({ type: 'regex', value: '[\\u0041-\\u005A]{3}' }, answer('abc')).pass).toBe(false);
    expect(evaluate({ type: 'regex', value: '(?<city>Paris|Rome)' }, answer('Rome')).pass).toBe(true);
    expect(evaluate({ type: 'regex', value: '(?i)^paris$' }, answer('PARIS')).pass).toBe(true);
    expect(evaluate({ type: 'regex', value: '\\\\u0041' }, answer('\\u0041')).pass).toBe(true); // an escaped backslash stays one
  });
});

describe('JSON-schema patterns run on RE2 too', () => {
  const schema = (pattern: string) => ({
    type: 'object',
    required: ['code'],
    properties: { code: { type: 'string', pattern } },
    patternProperties: { '^(x+x+)+y$': { type: 'number' } },
  });

  it.each(CATASTROPHIC)('pattern %s in a schema: right verdict on a hostile answer', (pattern, text, matches) => {
    const check: Assertion = { type: 'json-schema', value: schema(pattern) };
    const r = evaluate(check, answer(JSON.stringify({ code: text })));
    expect(r.pass).toBe(matches);
    if (!matches) expect(r.reason).toContain('/code must match pattern');
  });

  it('patternProperties keys are matched on RE2 as well', () => {
    const check: Assertion = { type: 'json-schema', value: schema('.') };
    const key = `${'x'.repeat(40_000)}y`;
    expect(evaluate(check, answer(JSON.stringify({ code: 'a', [key]: 1 }))).pass).toBe(true);
    expect(evaluate(check, answer(JSON.stringify({ code: 'a', [key]: 'one' }))).pass).toBe(false);
    expect(evaluate(check, answer(JSON.stringify({ code: 'a', [`${'x'.repeat(40_000)}!`]: 'one' }))).pass).toBe(true);
  });

  it('two schemas with different patterns do not share a compiled pattern', () => {
    expect(evaluate({ type: 'json-schema', value: { type: 'string', pattern: '^a$' } }, answer('"a"')).pass).toBe(true);
    expect(evaluate({ type: 'json-schema', value: { type: 'string', pattern: '^b$' } }, answer('"a"')).pass).toBe(false);
  });
});

describe('patterns RE2 cannot run are located suite errors with a rewrite', () => {
  const suite = `cases:
  - name: checks
    prompt: hello
    assert:
      - { type: regex, value: '(\\w+) \\1' }
      - { type: not-regex, value: 'sunny(?= in Paris)' }
      - { type: regex, value: '(?<!not )sunny' }
      - { type: regex, value: '(?<word>a)\\k<word>' }
      - type: json-schema
        value:
          type: object
          properties:
            id:
              type: string
              pattern: '^(?!0)\\d+$'
      - { type: regex, value: 'a{1001}' }
      - { type: regex, value: '^(a+)+$' }
`;

  it('names the construct, the line of the check, and how to rewrite it', () => {
    const r = parseSuite(suite, 'tests/smoke.yml');
    expect(r.suite).toBeNull();
    expect(r.diagnostics.map((d) => `${d.code}@${d.line}:${d.path}`)).toEqual([
      'unsupported-regex@5:cases[0].assert[0].value',
      'unsupported-regex@6:cases[0].assert[1].value',
      'unsupported-regex@7:cases[0].assert[2].value',
      'unsupported-regex@8:cases[0].assert[3].value',
      'unsupported-regex@15:cases[0].assert[4].value.properties.id.pattern',
      'unsupported-regex@16:cases[0].assert[5].value',
    ]);
    const [back, ahead, behind, named, schemaAhead, count] = r.diagnostics;
    expect(back!.message).toContain('a backreference "\\1"');
    expect(back!.message).toContain('Rewrite: write out the text it should repeat');
    expect(ahead!.message).toContain('a lookahead "(?="');
    expect(ahead!.message).toContain('is two regex checks');
    expect(behind!.message).toContain('a lookbehind "(?<!"');
    expect(named!.message).toContain('a backreference "\\k<word>"');
    expect(schemaAhead!.message).toContain(`the schema's pattern "^(?!0)\\\\d+$" cannot run: it uses a lookahead "(?!"`);
    expect(count!.message).toContain('RE2 cannot run it: invalid repeat count');
    for (const d of r.diagnostics) {
      expect(d.file).toBe('tests/smoke.yml');
      expect(d.severity).toBe('error');
      expect(d.hint).toContain('RE2');
    }
  });

  it('a check that still gets one (no suite validation) fails with the reason, never throws', () => {
    const r = evaluate({ type: 'regex', value: '(a)\\1' }, answer('aa'));
    expect(r.pass).toBe(false);
    expect(r.reason).toContain('a backreference "\\1"');
    const c = compileRegex('x(?=y)');
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.unsupported).toContain('split it into several checks');
  });

  it('escaped look-alikes are ordinary text, not lookarounds or backreferences', () => {
    for (const p of ['\\(\\?=x\\)', '[(?=]x', '\\\\1', '\\\\k<x>']) expect(compileRegex(p).ok).toBe(true);
    expect(evaluate({ type: 'regex', value: '\\(\\?=x\\)' }, answer('(?=x)')).pass).toBe(true);
  });
});
