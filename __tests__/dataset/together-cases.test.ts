/**
 * Our `together` profile against Together's own dataset checker: every file in
 * `../shared/data/together-cases/` is the dataset of one unit test of together-python
 * (tests/unit/test_files_checks.py and test_preference_openai.py at commit eba5e5f), named after
 * it. Together's verdict follows from the name: `…_valid_…` passes `check_file`, every other
 * test expects `is_check_passed` false. The files are third-party data: read from ../shared,
 * never committed.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROFILES } from '../../src/catalog/profiles.js';
import { checkFile } from '../../src/dataset/check.js';

/** ../shared, or $FINETUNE_CI_SHARED; fails loudly when neither exists. */
function sharedDir(): string {
  const dir = process.env.FINETUNE_CI_SHARED ?? resolve(process.cwd(), '..', 'shared');
  if (!existsSync(dir)) {
    throw new Error(`test data not found at ${dir}: set FINETUNE_CI_SHARED to the shared folder (it holds data/together-cases/)`);
  }
  return dir;
}

const CASES = join(sharedDir(), 'data', 'together-cases');
const files = readdirSync(CASES).filter((f) => f.endsWith('.jsonl')).sort();

/** Together's verdict, from the test's name. */
function togetherPasses(file: string): boolean {
  return /^test_check_jsonl_valid_/.test(file);
}

const agree: string[] = [];
afterAll(() => {
  // One line in the test log: how many cases agree (all of them, or a test above failed).
  process.stdout.write(`together-cases: ${agree.length}/${files.length} agree with Together's check_file\n`);
});

describe("the together profile gives every case of Together's checker its verdict", () => {
  it('finds all 50 cases', () => {
    expect(files).toHaveLength(50);
  });

  it.each(files)('%s', async (file) => {
    const report = await checkFile(join(CASES, file), { role: 'training', trainingContext: null, method: null, encoding: 'o200k_base', profile: PROFILES.together });
    const errors = report.diagnostics.filter((d) => d.severity === 'error');
    if (togetherPasses(file)) expect(errors.map((d) => `${d.code}: ${d.message}`)).toEqual([]);
    else expect(report.errors).toBeGreaterThan(0);
    agree.push(file);
  });
});
