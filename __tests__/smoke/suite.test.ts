import { describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { parseSuite, readSuite } from '../../src/smoke/suite.js';
import type { Diagnostic } from '../../src/dataset/types.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const exampleFile = `${here}../../examples/smoke.yml`;

/** code@line pairs, for compact expectations. */
const located = (ds: Diagnostic[]) => ds.map((d) => `${d.code}@${d.line}`);

function errors(text: string, file = 'smoke.yml') {
  const r = parseSuite(text, file);
  expect(r.suite).toBeNull();
  for (const d of r.diagnostics) {
    expect(d.file).toBe(file);
    expect(d.severity).toBe('error');
    expect(d.message.length).toBeGreaterThan(0);
    expect(d.hint.length).toBeGreaterThan(0);
  }
  return r.diagnostics;
}

describe('parseSuite: a good suite', () => {
  it('parses the example suite with no diagnostics', async () => {
    const r = await readSuite(exampleFile);
    expect(r.diagnostics).toEqual([]);
    const s = r.suite!;
    expect(s.threshold).toBe(0.8);
    expect(s.thresholdSet).toBe(true);
    expect(s.defaults).toEqual({ system: 'You are a weather assistant who tells jokes.', temperature: 0, max_tokens: 300, seed: 7 });
    expect(s.cases.map((c) => c.name)).toEqual(['Beijing', 'Tells a joke', 'Stays on topic', 'Structured forecast', 'Follows the conversation']);
    expect(s.cases[0]!.messages).toEqual([
      { role: 'system', content: 'You are a weather assistant who tells jokes.' },
      { role: 'user', content: "What's the weather in Beijing?" },
    ]);
    // messages without a system message get the default one first
    expect(s.cases[4]!.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(s.cases[0]!.line).toBe(16);
    expect(s.cases[0]!.assert[0]).toEqual({ type: 'icontains', value: 'beijing', line: 19 });
  });

  it('defaults: threshold 1, no system message, scalar values as text', () => {
    const r = parseSuite('cases:\n  - name: a\n    prompt: hi\n    assert:\n      - { type: equals, value: 42 }\n', 's.yml');
    expect(r.diagnostics).toEqual([]);
    expect(r.suite!.threshold).toBe(1);
    expect(r.suite!.thresholdSet).toBe(false);
    expect(r.suite!.cases[0]!.messages).toEqual([{ role: 'user', content: 'hi' }]);
    expect(r.suite!.cases[0]!.assert[0]!.value).toBe('42');
  });

  it('a case without checks is a warning, not an error', () => {
    const r = parseSuite('cases:\n  - name: a\n    prompt: hi\n', 's.yml');
    expect(r.suite).not.toBeNull();
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'case-without-checks', severity: 'warning', line: 2 })]);
  });
});

describe('parseSuite: errors located by line (YAML)', () => {
  it('bad regex, unknown type, missing value, bad schema, bad length', () => {
    const ds = errors(`threshold: 0.5
cases:
  - name: one
    prompt: hello
    assert:
      - { type: regex, value: "(unclosed" }
      - { type: icontain, value: x }
      - type: contains
      - type: json-schema
        value: { typ: object }
      - { type: max-length, value: -3 }
      - { type: not-is-json, value: 1 }
      - { type: contains, value: "" }
      - { type: llm-rubric, value: "is funny" }
`);
    expect(located(ds)).toEqual([
      'invalid-regex@6',
      'unknown-check-type@7',
      'missing-check-value@8',
      'invalid-json-schema@10',
      'invalid-check-value@11',
      'unexpected-check-value@12',
      'empty-check-value@13',
      'unknown-check-type@14',
    ]);
    expect(ds[0]!.path).toBe('cases[0].assert[0].value');
    expect(ds[0]!.message).toMatch(/the pattern does not compile: Invalid regular expression/);
    expect(ds[1]!.hint).toContain('did you mean "icontains"?');
    expect(ds[3]!.message).toContain('unknown keyword: "typ"');
    expect(ds[7]!.hint).toContain('does not run "llm-rubric" checks');
  });

  it('duplicate case names, pointing at the first one', () => {
    const ds = errors('cases:\n  - name: a\n    prompt: x\n  - name: b\n    prompt: y\n  - name: a\n    prompt: z\n');
    expect(located(ds)).toEqual(['duplicate-case-name@6']);
    expect(ds[0]!.message).toBe('case name "a" is used twice (first at line 2)');
  });

  it('empty cases, missing cases, empty file, not a mapping', () => {
    expect(located(errors('threshold: 1\ncases: []\n'))).toEqual(['empty-cases@2']);
    expect(located(errors('threshold: 1\n'))).toEqual(['missing-cases@1']);
    expect(located(errors('# nothing here\n'))).toEqual(['empty-suite-file@1']);
    expect(located(errors('- name: a\n'))).toEqual(['invalid-suite@1']);
  });

  it('threshold and defaults out of range', () => {
    const ds = errors('defaults:\n  temperature: 3\n  max_tokens: 0\nthreshold: 80\ncases:\n  - { name: a, prompt: x }\n');
    expect(located(ds)).toEqual(['invalid-defaults@2', 'invalid-defaults@3', 'invalid-threshold@4']);
    expect(ds[2]!.message).toBe('threshold must be from 0 to 1; got 80');
  });

  it('missing prompt, both prompt and messages, bad messages, missing name and type', () => {
    const ds = errors(`cases:
  - name: no prompt
    assert: [{ type: is-json }]
  - name: both
    prompt: hi
    messages: [{ role: user, content: hi }]
  - name: bad role
    messages:
      - { role: human, content: hi }
  - prompt: nameless
  - name: typeless
    prompt: x
    assert:
      - value: 3
`);
    expect(located(ds)).toEqual(['missing-prompt@2', 'prompt-and-messages@6', 'invalid-messages@9', 'missing-case-name@10', 'missing-check-type@14']);
  });

  it('unknown fields suggest the right one', () => {
    const ds = errors('cases:\n  - name: a\n    promt: hi\n    asserts: []\n');
    const unknown = ds.filter((d) => d.code === 'unknown-field');
    expect(located(unknown)).toEqual(['unknown-field@3', 'unknown-field@4']);
    expect(unknown[0]!.hint).toContain('did you mean "prompt"?');
    expect(unknown[1]!.hint).toContain('did you mean "assert"?');
    expect(unknown[0]!.path).toBe('cases[0].promt');
  });

  it('YAML syntax errors and duplicate keys are located', () => {
    expect(located(errors('cases:\n  - name: a\n    prompt: [unclosed\n  - name: b\n'))).toContainEqual(expect.stringMatching(/^suite-syntax-error@\d+$/));
    const dup = errors('threshold: 1\ncases:\n  - name: a\n    name: b\n    prompt: x\n');
    expect(located(dup)).toEqual(['suite-syntax-error@4']);
    expect(dup[0]!.message).toBe('a key appears twice in the same mapping');
  });

  it('a missing file is a diagnostic', async () => {
    const r = await readSuite('/nonexistent/smoke.yml');
    expect(r.suite).toBeNull();
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'suite-not-found', line: null, file: '/nonexistent/smoke.yml' })]);
  });
});

describe('parseSuite: JSON suites are located too', () => {
  it('finds the line of a bad regex and an unknown type in JSON', () => {
    const json = JSON.stringify(
      {
        threshold: 0.9,
        defaults: { system: 'You are terse.' },
        cases: [
          { name: 'ok', prompt: 'hi', assert: [{ type: 'contains', value: 'hi' }] },
          {
            name: 'bad',
            prompt: 'hi',
            assert: [
              { type: 'regex', value: '[a-' },
              { type: 'startswith', value: 'x' },
            ],
          },
        ],
      },
      null,
      2,
    );
    const lines = json.split('\n');
    const regexLine = lines.findIndex((l) => l.includes('"[a-"')) + 1;
    const typeLine = lines.findIndex((l) => l.includes('"startswith"')) + 1;
    const ds = errors(json, 'smoke.json');
    expect(located(ds)).toEqual([`invalid-regex@${regexLine}`, `unknown-check-type@${typeLine}`]);
    expect(ds[1]!.hint).toContain('did you mean "starts-with"?');
  });

  it('a JSON syntax error is located; tabs and a BOM are fine', () => {
    const ds = errors('{\n  "cases": [\n    {"name": "a", "prompt": "x"},\n    {"name": "b" "prompt": "y"}\n  ]\n}\n', 'smoke.json');
    expect(ds[0]!.code).toBe('suite-syntax-error');
    expect(ds[0]!.line).toBe(4);
    const ok = parseSuite('\uFEFF{\n\t"cases": [\n\t\t{"name": "a", "prompt": "x", "assert": [{"type": "is-json"}]}\n\t]\n}\n', 'smoke.json');
    expect(ok.diagnostics).toEqual([]);
    expect(ok.suite!.cases[0]!.line).toBe(3);
  });
});
