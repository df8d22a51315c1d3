import { describe, expect, test } from '@jest/globals';
import { ConfigError, globToRegExp, matchesAny, parseConfigText, parseSettings } from '../src/config.js';

const PATH = '.github/finetune-ci.yml';

/** The ConfigError thrown by `fn` (fails the test when none is). */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

async function configErrorAsync(p: Promise<unknown>): Promise<ConfigError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

const inputs =
  (values: Record<string, string>) =>
  (name: string): string =>
    values[name] ?? '';

describe('parseConfigText', () => {
  test('a valid file', () => {
    const c = parseConfigText(
      ['targets:', '  support:', '    training_file: data/support.jsonl', '    max_cost: 12.5', '    hyperparameters: { n_epochs: 3 }', 'datasets: ["data/**/*.jsonl"]', ''].join('\n'),
      PATH,
    );
    expect(c.targets.support).toEqual({ training_file: 'data/support.jsonl', max_cost: 12.5, hyperparameters: { n_epochs: 3 } });
    expect(c.datasets).toEqual(['data/**/*.jsonl']);
  });

  test('a wrong value names the key, its line, what was expected and what was found', () => {
    const e = configError(() => parseConfigText(['targets:', '  support:', '    training_file: a.jsonl', '    max_cost: lots', ''].join('\n'), PATH));
    expect(e.message).toBe(`${PATH}:4: targets.support.max_cost: expected a cost in USD, got "lots"`);
    expect(e.problems).toEqual([{ file: PATH, line: 4, key: 'targets.support.max_cost', message: 'targets.support.max_cost: expected a cost in USD, got "lots"' }]);
  });

  test("a missing required key is called missing, at the target's line", () => {
    const e = configError(() => parseConfigText(['targets:', '  support:', '    model: gpt-4.1-mini', ''].join('\n'), PATH));
    expect(e.message).toBe(`${PATH}:2: targets.support.training_file: missing: expected the path of the training JSONL file`);
  });

  test("an unknown key points at that key's line and lists the known ones", () => {
    const e = configError(() => parseConfigText(['targets:', '  support:', '    training_file: a.jsonl', '', '    learning_rate: 2', ''].join('\n'), PATH));
    expect(e.problems[0]).toMatchObject({ line: 5, key: 'targets.support.learning_rate' });
    expect(e.message).toContain('unknown key learning_rate; known keys: training_file, validation_file, model');
  });

  test('unknown hyperparameter and top-level keys list their own known keys', () => {
    const hp = configError(() => parseConfigText(['targets:', '  s:', '    training_file: a.jsonl', '    hyperparameters:', '      epochs: 3', ''].join('\n'), PATH));
    expect(hp.problems[0]).toMatchObject({ line: 5, key: 'targets.s.hyperparameters.epochs' });
    expect(hp.message).toContain('known keys: n_epochs, batch_size, learning_rate_multiplier, beta');
    const top = configError(() => parseConfigText(['targets: {}', 'target: {}', ''].join('\n'), PATH));
    expect(top.problems[0]).toMatchObject({ line: 2, key: 'target' });
    expect(top.message).toContain('known keys: targets, datasets');
  });

  test('out-of-range and enum values', () => {
    const e = configError(() => parseConfigText(['targets:', '  s:', '    training_file: a.jsonl', '    method: sft', '    hyperparameters: { n_epochs: 0 }', ''].join('\n'), PATH));
    const keys = e.problems.map((p) => [p.key, p.line]);
    expect(keys).toEqual(
      expect.arrayContaining([
        ['targets.s.method', 4],
        ['targets.s.hyperparameters.n_epochs', 5],
      ]),
    );
    expect(e.message).toContain('expected one of auto, supervised, dpo, reinforcement');
  });

  test('a bad target name', () => {
    const e = configError(() => parseConfigText(['targets:', '  "my target":', '    training_file: a.jsonl', ''].join('\n'), PATH));
    expect(e.message).toContain('target names use letters, digits, _ . -');
  });

  test('YAML syntax errors and duplicate keys give the line', () => {
    const syntax = configError(() => parseConfigText(['targets:', '  s:', '    training_file: [a.jsonl', ''].join('\n'), PATH));
    expect(syntax.message).toMatch(new RegExp(`^${PATH.replace(/\./g, '\\.')}:\\d+: not valid YAML: `));
    expect(syntax.problems[0]!.line).toEqual(expect.any(Number));
    const dup = configError(() => parseConfigText(['targets:', '  s:', '    training_file: a.jsonl', '    training_file: b.jsonl', ''].join('\n'), PATH));
    expect(dup.message).toMatch(/:4: not valid YAML: Map keys must be unique/);
    expect(dup.problems[0]).toMatchObject({ file: PATH, line: 4 });
  });
});

describe('parseSettings', () => {
  test('inputs alone describe one target named default', async () => {
    const s = await parseSettings(inputs({ 'training-file': 'data/t.jsonl', 'max-cost': '5', 'n-epochs': '3', 'fail-on': 'warning' }), async () => null);
    expect(s.configFound).toBe(false);
    expect(s.targets).toHaveLength(1);
    expect(s.targets[0]).toMatchObject({ name: 'default', trainingFile: 'data/t.jsonl', model: 'gpt-4.1-mini-2025-04-14', maxCost: 5, hyperparameters: { n_epochs: 3 } });
    expect(s.failOn).toBe('warning');
    expect(s.datasets).toEqual(['**/*.jsonl']);
    expect(s.comment).toBe(true);
  });

  test('the config file wins for its targets; inputs are defaults', async () => {
    const text = ['targets:', '  a:', '    training_file: a.jsonl', '    model: gpt-4o-mini', '  b:', '    training_file: b.jsonl', '    max_cost: 1', 'datasets: data/*.jsonl', ''].join('\n');
    const s = await parseSettings(inputs({ 'training-file': 'ignored.jsonl', 'max-cost': '9', model: 'gpt-4.1-nano' }), async (p) => (p === PATH ? text : null));
    expect(s.targets.map((t) => [t.name, t.trainingFile, t.model, t.maxCost])).toEqual([
      ['a', 'a.jsonl', 'gpt-4o-mini', 9],
      ['b', 'b.jsonl', 'gpt-4.1-nano', 1],
    ]);
    expect(s.datasets).toEqual(['data/*.jsonl']);
  });

  test('an explicit config input that does not exist is an error', async () => {
    const e = await configErrorAsync(parseSettings(inputs({ config: 'ci/ft.yml' }), async () => null));
    expect(e.message).toBe('input config: ci/ft.yml does not exist; create it or remove the input');
  });

  test.each([
    ['fail-on', 'sometimes', 'input fail-on: "sometimes" is not one of error, warning, never'],
    ['max-cost', 'ten', 'input max-cost: "ten" is not valid'],
    ['max-cost-increase', '-1', 'input max-cost-increase: "-1" is not valid'],
    ['n-epochs', '0', 'input n-epochs: "0" is not valid'],
    ['comment', 'maybe', 'input comment: "maybe" is not a boolean; use true or false'],
    ['method', 'sft', 'input method: "sft" is not one of auto, supervised, dpo, reinforcement'],
    ['mode', 'deploy', 'input mode: "deploy" is not one of auto, check, train, smoke'],
  ])('input %s = %s is refused with the input named', async (name, value, message) => {
    const e = await configErrorAsync(parseSettings(inputs({ [name]: value }), async () => null));
    expect(e.message).toContain(message);
  });

  test('a config error keeps its located problems', async () => {
    const e = await configErrorAsync(parseSettings(inputs({}), async () => 'targets:\n  a:\n    training_file: 3\n'));
    expect(e.problems).toEqual([expect.objectContaining({ file: PATH, line: 3, key: 'targets.a.training_file' })]);
  });
});

describe('dataset globs', () => {
  test.each([
    ['**/*.jsonl', 'a.jsonl', true],
    ['**/*.jsonl', 'data/x/a.jsonl', true],
    ['data/*.jsonl', 'data/x/a.jsonl', false],
    ['data/**', 'data/x/a.jsonl', true],
    ['data/{train,val}.jsonl', 'data/val.jsonl', true],
    ['data/?.jsonl', 'data/ab.jsonl', false],
  ])('%s matches %s: %s', (glob, path, ok) => {
    expect(globToRegExp(glob).test(path)).toBe(ok);
    expect(matchesAny(path, [glob])).toBe(ok);
  });
});

describe('hostile config files (issue 14, Low #11–#13)', () => {
  test('a target named __proto__ works like any other (constructor and toString too)', async () => {
    const text = ['targets:', '  __proto__:', '    training_file: p.jsonl', '  constructor:', '    training_file: c.jsonl', '  toString:', '    training_file: t.jsonl', ''].join('\n');
    const c = parseConfigText(text, PATH);
    expect(Object.keys(c.targets)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.getPrototypeOf(c.targets)).toBeNull();
    const s = await parseSettings(inputs({}), async () => text);
    expect(s.targets.map((t) => [t.name, t.trainingFile])).toEqual([
      ['__proto__', 'p.jsonl'],
      ['constructor', 'c.jsonl'],
      ['toString', 't.jsonl'],
    ]);
    // Nothing leaked onto Object.prototype on the way.
    expect(({} as Record<string, unknown>).training_file).toBeUndefined();
  });

  test('an invalid __proto__ target is reported at its line, not dropped', () => {
    const e = configError(() => parseConfigText(['targets:', '  __proto__:', '    training_file: 3', ''].join('\n'), PATH));
    expect(e.problems).toEqual([expect.objectContaining({ line: 3, key: 'targets.__proto__.training_file' })]);
  });

  test('a YAML alias bomb is a located config error, not a crash', () => {
    const bomb = [
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      'targets: { x: { training_file: a.jsonl } }',
      '',
    ].join('\n');
    const e = configError(() => parseConfigText(bomb, PATH));
    expect(e.message).toBe(`${PATH}:2: not a usable config: its YAML aliases (*name) expand too many times; write the values out instead of nesting aliases`);
    expect(e.problems).toEqual([expect.objectContaining({ file: PATH, line: 2 })]);
  });

  test('a cyclic alias is reported, never serialised', () => {
    const e = configError(() => parseConfigText(['targets: &t', '  x:', '    training_file: *t', ''].join('\n'), PATH));
    expect(e.message).toContain('targets.x.training_file: expected the path of the training JSONL file, got a mapping');
  });

  test.each([
    ['.nan', 'got .nan (not a finite number)'],
    ['.inf', 'got .inf (not a finite number)'],
    ['-.Inf', 'got -.inf (not a finite number)'],
    ['~', 'got null (an empty value)'],
  ])('max_cost: %s is reported as what it is', (value, got) => {
    const e = configError(() => parseConfigText(['targets:', '  s:', '    training_file: a.jsonl', `    max_cost: ${value}`, ''].join('\n'), PATH));
    expect(e.message).toBe(`${PATH}:4: targets.s.max_cost: expected a cost in USD, ${got}`);
  });

  test('datasets: an explicit input wins, else the config file, else **/*.jsonl', async () => {
    const withGlobs = ['targets: {}', 'datasets: ["data/**/*.jsonl", "extra/*.jsonl"]', ''].join('\n');
    const read = (text: string | null) => async () => text;
    // The runner passes '' for an input left unset (action.yml's default is '').
    expect((await parseSettings(inputs({ datasets: '' }), read(withGlobs))).datasets).toEqual(['data/**/*.jsonl', 'extra/*.jsonl']);
    expect((await parseSettings(inputs({ datasets: 'only/*.jsonl, more/*.jsonl' }), read(withGlobs))).datasets).toEqual(['only/*.jsonl', 'more/*.jsonl']);
    expect((await parseSettings(inputs({}), read('targets: {}\n'))).datasets).toEqual(['**/*.jsonl']);
    expect((await parseSettings(inputs({}), read(null))).datasets).toEqual(['**/*.jsonl']);
    expect((await parseSettings(inputs({}), read('targets: {}\ndatasets: "a/*.jsonl, b/*.jsonl"\n'))).datasets).toEqual(['a/*.jsonl', 'b/*.jsonl']);
    // An empty list is a choice: only the declared targets are checked.
    expect((await parseSettings(inputs({}), read('targets: {}\ndatasets: []\n'))).datasets).toEqual([]);
  });

  test("action.yml leaves datasets unset, so the config file's value can win", async () => {
    const { readFileSync } = await import('node:fs');
    const { parse } = await import('yaml');
    const meta = parse(readFileSync(new URL('../action.yml', import.meta.url), 'utf8')) as { inputs: Record<string, { default?: string }> };
    expect(meta.inputs.datasets!.default).toBe('');
  });
});
