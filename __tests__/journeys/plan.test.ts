import { describe, expect, test } from '@jest/globals';
import { parseSettings, type Settings } from '../../src/config.js';
import type { ChangedFile } from '../../src/github/index.js';
import { planTargets } from '../../src/journeys/check.js';

const CONFIG = '.github/finetune-ci.yml';

async function settings(config: string | null, inputs: Record<string, string> = {}): Promise<Settings> {
  return parseSettings(
    (n) => inputs[n] ?? '',
    async (p) => (p === CONFIG ? config : null),
  );
}

const f = (path: string, status: ChangedFile['status'] = 'modified', previousPath: string | null = null): ChangedFile => ({ path, status, previousPath });

const TWO_TARGETS = [
  'targets:',
  '  support:',
  '    training_file: data/support.jsonl',
  '    validation_file: data/support-val.jsonl',
  '    smoke_tests: smoke/support.yml',
  '  sales:',
  '    training_file: data/sales.jsonl',
  '',
].join('\n');

const summary = (p: ReturnType<typeof planTargets>) => p.work.map((w) => [w.config.name, w.config.trainingFile, w.basePath, w.baseValidationPath, w.config.declared]);

describe('planTargets', () => {
  test('only targets whose files changed are checked, each against its base path', async () => {
    const s = await settings(TWO_TARGETS);
    const p = planTargets(s, [f('data/support-val.jsonl'), f('README.md')]);
    expect(summary(p)).toEqual([['support', 'data/support.jsonl', 'data/support.jsonl', 'data/support-val.jsonl', true]]);
    expect(p.removed).toEqual([]);
  });

  test('a changed config file touches every target', async () => {
    const s = await settings(TWO_TARGETS);
    expect(summary(planTargets(s, [f(CONFIG)])).map((x) => x[0])).toEqual(['support', 'sales']);
  });

  test('unknown changes (no event): every target, no diff bases beyond their own paths', async () => {
    const s = await settings(TWO_TARGETS);
    const p = planTargets(s, null);
    expect(p.work.map((w) => w.config.name)).toEqual(['support', 'sales']);
    expect(p.suites).toEqual(['smoke/support.yml']);
  });

  test('a renamed training file (config updated) is compared with its old path', async () => {
    const s = await settings(TWO_TARGETS.replace('data/sales.jsonl', 'data/sales-2026.jsonl'));
    const p = planTargets(s, [f(CONFIG), f('data/sales-2026.jsonl', 'renamed', 'data/sales.jsonl')]);
    expect(summary(p)).toContainEqual(['sales', 'data/sales-2026.jsonl', 'data/sales.jsonl', null, true]);
  });

  test('a new file has no base; a copied file is new too (its source is not its base)', async () => {
    const s = await settings(null);
    const p = planTargets(s, [f('data/new.jsonl', 'added'), f('data/copy.jsonl', 'copied', 'data/orig.jsonl')]);
    expect(summary(p)).toEqual([
      ['data/new.jsonl', 'data/new.jsonl', null, null, false],
      ['data/copy.jsonl', 'data/copy.jsonl', null, null, false],
    ]);
  });

  test('a target whose training file is removed or renamed away is still planned (and so reported missing)', async () => {
    const s = await settings(TWO_TARGETS);
    const removed = planTargets(s, [f('data/sales.jsonl', 'removed')]);
    expect(removed.work.map((w) => w.config.name)).toEqual(['sales']);
    expect(removed.removed).toEqual([]); // named by a target: not an anonymous removal
    const renamed = planTargets(s, [f('data/sales-v2.jsonl', 'renamed', 'data/sales.jsonl')]);
    expect(renamed.work.map((w) => w.config.name)).toEqual(['sales', 'data/sales-v2.jsonl']);
  });

  test('changed datasets no target names are checked with the defaults; removed ones are listed', async () => {
    const s = await settings(TWO_TARGETS, { model: 'gpt-4o-mini', datasets: 'data/**/*.jsonl' });
    const p = planTargets(s, [f('data/extra/a.jsonl'), f('other/b.jsonl'), f('data/old.jsonl', 'removed'), f('data/notes.txt')]);
    expect(summary(p)).toEqual([['data/extra/a.jsonl', 'data/extra/a.jsonl', 'data/extra/a.jsonl', null, false]]);
    expect(p.work[0]!.config.model).toBe('gpt-4o-mini');
    expect(p.removed).toEqual(['data/old.jsonl']);
  });

  test('inputs alone: the default target, and its smoke suite when that changed', async () => {
    const s = await settings(null, { 'training-file': 'train.jsonl', 'smoke-tests': 'smoke.yml' });
    expect(planTargets(s, [f('smoke.yml')])).toMatchObject({ work: [{ config: { name: 'default' } }], suites: ['smoke.yml'] });
    expect(planTargets(s, [f('README.md')])).toEqual({ work: [], removed: [], suites: [] });
  });
});
