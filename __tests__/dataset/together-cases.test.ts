/**
 * Our `together` profile against Together's own dataset checker: every file in
 * `../shared/data/together-cases/` is the dataset of one unit test of together-python
 * (tests/unit/test_files_checks.py and test_preference_openai.py at commit eba5e5f), named after
 * it. Together's verdict follows from the name: `…_valid_…` passes `check_file`, every other
 * test expects `is_check_passed` false. The files are third-party data, never committed: the
 * resolver (../support/shared-data.ts) finds them in ../shared, or generates them by running
 * Together's tests at that commit (__tests__/support/together-cases.py), checked by sha256.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { basename } from 'node:path';
import { PROFILES } from '../../src/catalog/profiles.js';
import { checkFile } from '../../src/dataset/check.js';
import { sharedFilesUnder } from '../support/shared-data.js';
import { SHARED_MANIFEST } from '../support/shared-manifest.js';

const names = SHARED_MANIFEST.filter((e) => e.path.startsWith('data/together-cases/')).map((e) => basename(e.path));
const paths = await sharedFilesUnder('data/together-cases');
const pathOf = new Map(names.map((n, i) => [n, paths[i]!]));
const files = names.filter((f) => f.endsWith('.jsonl')).sort();

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
    const report = await checkFile(pathOf.get(file)!, { role: 'training', trainingContext: null, method: null, encoding: 'o200k_base', profile: PROFILES.together });
    const errors = report.diagnostics.filter((d) => d.severity === 'error');
    if (togetherPasses(file)) expect(errors.map((d) => `${d.code}: ${d.message}`)).toEqual([]);
    else expect(report.errors).toBeGreaterThan(0);
    agree.push(file);
  });
});
