import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { changedFilesFromGit, getPullRequest, listChangedFiles, parseNameStatusZ } from '../../src/github/changed-files.js';
import type { DiffEntryInput } from '../support/fake-github.js';
import { startGithubHarness, type GithubHarness } from '../support/github-harness.js';
import { makeTempRepo } from '../support/github-temp-repo.js';

let gh: GithubHarness;
beforeAll(async () => {
  gh = await startGithubHarness();
});
afterAll(async () => {
  await gh?.stop();
});
afterEach(() => {
  const seen = gh.violations();
  gh.clearViolations();
  expect(seen).toEqual([]);
});

const repo = { owner: 'acme', repo: 'datasets' };

describe('listChangedFiles (API)', () => {
  test('every page, with renamed and removed files', async () => {
    const files: DiffEntryInput[] = [];
    for (let i = 0; i < 247; i++) files.push({ filename: `data/part-${String(i).padStart(3, '0')}.jsonl`, status: 'modified' });
    files.push({ filename: 'data/new name.jsonl', status: 'renamed', previous_filename: 'data/old name.jsonl', additions: 0, deletions: 0 });
    files.push({ filename: 'data/gone.jsonl', status: 'removed' });
    files.push({ filename: 'data/fresh.jsonl', status: 'added' });
    gh.fake.addPull({ number: 1, files });

    const warnings: string[] = [];
    const result = await listChangedFiles(gh.client(), { ...repo, pullNumber: 1 }, { onWarning: (m) => warnings.push(m), expectedCount: 250 });

    expect(result.capped).toBe(false);
    expect(warnings).toEqual([]);
    expect(result.files).toHaveLength(250);
    expect(result.files.slice(-3)).toEqual([
      { path: 'data/new name.jsonl', status: 'renamed', previousPath: 'data/old name.jsonl' },
      { path: 'data/gone.jsonl', status: 'removed', previousPath: null },
      { path: 'data/fresh.jsonl', status: 'added', previousPath: null },
    ]);
    const pages = gh.fake.calls('pulls.listFiles').map((r) => r.query.page ?? '1');
    expect(pages).toEqual(['1', '2', '3']);
    expect(gh.fake.calls('pulls.listFiles').every((r) => r.query.per_page === '100')).toBe(true);
  });

  test('GitHub stops at 3000 files: capped, with a warning', async () => {
    const files: DiffEntryInput[] = Array.from({ length: 3105 }, (_, i) => ({ filename: `d/${i}.jsonl`, status: 'added' as const }));
    gh.fake.addPull({ number: 2, files });
    const warnings: string[] = [];
    const result = await listChangedFiles(gh.client(), { ...repo, pullNumber: 2 }, { expectedCount: 3105, onWarning: (m) => warnings.push(m) });
    expect(result.files).toHaveLength(3000);
    expect(result.capped).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/at most 3000 files.*first 3000 of 3105/);
  });

  test('getPullRequest reads shas, refs and the head repository', async () => {
    gh.fake.addPull({ number: 3, headRepoFullName: 'someone/datasets', files: [{ filename: 'a.jsonl' }] });
    const pr = await getPullRequest(gh.client(), { ...repo, pullNumber: 3 });
    expect(pr).toMatchObject({
      number: 3,
      baseSha: gh.fake.pull(3).baseSha,
      headSha: gh.fake.pull(3).headSha,
      headRepoFullName: 'someone/datasets',
      changedFiles: 1,
      baseRef: 'main',
    });
  });

  test('an unknown PR is a 404 error', async () => {
    await expect(listChangedFiles(gh.client(), { ...repo, pullNumber: 999 })).rejects.toMatchObject({ status: 404 });
    // GitHub answers 404 here, but its description lists only 200/422/500/503: Prism warns.
    expect(gh.violations()).toEqual([]);
    expect(gh.violations({ all: true }).map((v) => v.details[0]?.message)).toEqual(['Unable to match the returned status code with those defined in the document: 200,422,500,503']);
    gh.clearViolations();
  });
});

describe('changedFilesFromGit', () => {
  test('added, modified, removed, renamed against the merge base', async () => {
    const r = makeTempRepo();
    try {
      const lines = Array.from({ length: 50 }, (_, i) => `{"messages":[{"role":"user","content":"q${i}"}]}`).join('\n');
      const root = r.commit('base', { 'data/a.jsonl': 'a\n', 'data/old.jsonl': `${lines}\n`, 'data/gone.jsonl': 'x\n', 'data/with space.jsonl': 'y\n' });
      r.git('checkout', '-q', '-b', 'feature');
      const head = r.commit('change', {
        'data/a.jsonl': 'a2\n',
        'data/old.jsonl': null,
        'data/renamed.jsonl': `${lines}\nextra\n`,
        'data/gone.jsonl': null,
        'data/new.jsonl': 'n\n',
        'data/with space.jsonl': 'y2\n',
      });
      r.git('checkout', '-q', 'main');
      const mainTip = r.commit('unrelated on main', { 'other/elsewhere.txt': 'e\n' });

      const result = await changedFilesFromGit(r.dir, mainTip, head);
      expect(result?.source).toBe('git');
      const byPath = Object.fromEntries(result!.files.map((f) => [f.path, f]));
      expect(byPath).toEqual({
        'data/a.jsonl': { path: 'data/a.jsonl', status: 'modified', previousPath: null },
        'data/gone.jsonl': { path: 'data/gone.jsonl', status: 'removed', previousPath: null },
        'data/new.jsonl': { path: 'data/new.jsonl', status: 'added', previousPath: null },
        'data/renamed.jsonl': { path: 'data/renamed.jsonl', status: 'renamed', previousPath: 'data/old.jsonl' },
        'data/with space.jsonl': { path: 'data/with space.jsonl', status: 'modified', previousPath: null },
      });
      expect(root).toMatch(/^[0-9a-f]{40}$/);
    } finally {
      r.remove();
    }
  });

  test('null when a commit is not in the workspace (shallow clone)', async () => {
    const r = makeTempRepo();
    try {
      const head = r.commit('only', { 'a.jsonl': '1\n' });
      expect(await changedFilesFromGit(r.dir, 'f'.repeat(40), head)).toBeNull();
    } finally {
      r.remove();
    }
  });

  test('parseNameStatusZ handles copies and type changes', () => {
    expect(parseNameStatusZ('C075\0a.jsonl\0b.jsonl\0T\0link.jsonl\0')).toEqual([
      { path: 'b.jsonl', status: 'copied', previousPath: 'a.jsonl' },
      { path: 'link.jsonl', status: 'changed', previousPath: null },
    ]);
  });
});
