/**
 * The pull-request check, end to end: the committed bundle `node dist/index.js` run the way the
 * runner runs it (INPUT_* with action.yml's defaults, a pull_request payload with the real shas
 * of a temporary git repository, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files), talking to the fake
 * GitHub through Prism, which checks every request and response against GitHub's description.
 *
 * dist/ is NOT built here: build it first (`flock /tmp/finetune-ci-build.lock npm run build`).
 */
import { describe, expect, test, beforeAll, afterAll, afterEach } from '@jest/globals';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { getEncoding } from 'js-tiktoken';
import { BUNDLE, ROOT, pullRequestPayload, runAction, type ActionRun } from '../support/action-run.js';
import { startGithubHarness, type GithubHarness } from '../support/github-harness.js';
import { makeTempRepo, type TempRepo } from '../support/github-temp-repo.js';
import { BOT } from '../support/fake-github.js';

const MARKER = '<!-- finetune-ci:check-default -->';
const SYSTEM = 'You are Sunny, a weather assistant who answers briefly.';

type Msg = { role: string; content: string };
const chat = (user: string, answer: string, system: string | null = SYSTEM): string =>
  JSON.stringify({
    messages: [...(system === null ? [] : [{ role: 'system', content: system }]), { role: 'user', content: user }, { role: 'assistant', content: answer }],
  });
const lines = (xs: string[]) => xs.join('\n') + '\n';
const CITIES = ['Beijing', 'London', 'Sydney', 'Paris', 'Rome', 'Lima', 'Oslo', 'Cairo', 'Quito', 'Hanoi', 'Dakar', 'Perth', 'Tunis', 'Delhi', 'Milan', 'Seoul'];
const example = (i: number, answer = `Sunny in ${CITIES[i % CITIES.length]} today (${i}).`) => chat(`What's the weather in ${CITIES[i % CITIES.length]} (${i})?`, answer);
const dataset = (n: number, from = 0) => lines(Array.from({ length: n }, (_, i) => example(from + i)));

let gh: GithubHarness;
const repos: TempRepo[] = [];
let nextPr = 100;

beforeAll(async () => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npm run build\` first (the e2e tests run the committed bundle)`);
  gh = await startGithubHarness();
}, 60_000);
afterAll(async () => {
  await gh?.stop();
  for (const r of repos) r.remove();
});
afterEach(() => {
  // Prism checked every request the bundle sent and every response the fake returned.
  expect(gh.violations()).toEqual([]);
  gh.clearViolations();
  gh.fake.clearFaults();
});

interface Pr {
  repo: TempRepo;
  number: number;
  base: string;
  head: string;
  payload: any;
  /** Commit more changes on the head branch and point the PR at them. */
  push(files: Record<string, string | null>): void;
}

/** A temp repo with a base commit on main and a head commit on a branch, registered as a PR in the fake. */
function openPr(baseFiles: Record<string, string>, headFiles: Record<string, string | null>, o: { fork?: boolean } = {}): Pr {
  const repo = makeTempRepo();
  repos.push(repo);
  const number = nextPr++;
  const base = repo.commit('base datasets', baseFiles);
  repo.git('checkout', '-q', '-b', `feature-${number}`);
  const headRepoFullName = o.fork ? 'contributor/datasets' : 'acme/datasets';
  const pr: Pr = {
    repo,
    number,
    base,
    head: '',
    payload: null,
    push(files) {
      this.head = repo.commit('change datasets', files);
      // The PR's files, as GitHub lists them (from the real diff of the two commits).
      const out = repo.git('diff', '--name-status', '-M', base, this.head);
      const entries = out
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          const [code, a, b] = l.split('\t') as [string, string, string | undefined];
          const status = code.startsWith('R') ? 'renamed' : code === 'A' ? 'added' : code === 'D' ? 'removed' : 'modified';
          return status === 'renamed' ? { filename: b!, status, previous_filename: a } : { filename: a, status };
        });
      gh.fake.addPull({ number, baseSha: base, headSha: this.head, headRepoFullName, files: entries as any });
      this.payload = pullRequestPayload({ number, baseSha: base, headSha: this.head, headRepoFullName, changedFiles: entries.length, headRef: `feature-${number}` });
    },
  };
  pr.push(headFiles);
  return pr;
}

function run(pr: Pr, inputs: Record<string, string> = {}, env: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({ workspace: pr.repo.dir, apiUrl: gh.apiUrl, payload: pr.payload, inputs, env });
}

const ours = (pr: Pr) => gh.fake.issueComments(pr.number).filter((c) => c.body.startsWith(MARKER));

describe('the pull-request check, run as the runner runs dist/index.js', () => {
  test('first run creates the comment; a later push updates it in place (one comment)', async () => {
    const pr = openPr({ 'data/train.jsonl': dataset(10) }, { 'data/train.jsonl': dataset(12) });
    const first = await run(pr);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/PR comment created: https:\/\/github\.com\/acme\/datasets\/pull\/\d+#issuecomment-\d+/);
    const c1 = ours(pr);
    expect(c1).toHaveLength(1);
    expect(c1[0]!.user).toBe(BOT.login);
    expect(first.outputs['comment-url']).toBe(`https://github.com/acme/datasets/pull/${pr.number}#issuecomment-${c1[0]!.id}`);
    // A clean dataset: no warnings (the model's dates are notices of the run, in their own section).
    expect(c1[0]!.body).toContain('| data/train.jsonl | ✅ ok');
    expect(c1[0]!.body).toContain('#### Notices');
    expect(c1[0]!.body).toContain('12 (+2)');
    // Every output of the check is set, and the report path is under RUNNER_TEMP.
    for (const k of ['errors', 'warnings', 'examples', 'billable-tokens', 'trained-tokens', 'estimated-cost', 'cost-delta', 'report', 'comment-url']) {
      expect(first.outputs).toHaveProperty(k);
    }
    expect(first.outputs.report).toMatch(/runner_temp\/finetune-ci-check-.*\.json$/);
    expect(first.report).toMatchObject({ version: 1, totals: { errors: 0, examples: 12 } });
    // The summary carries the report too.
    expect(first.summary).toContain('finetune-ci: 1 dataset checked');

    pr.push({ 'data/train.jsonl': dataset(14) });
    const second = await run(pr);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('PR comment updated');
    const c2 = ours(pr);
    expect(c2).toHaveLength(1);
    expect(c2[0]!.id).toBe(c1[0]!.id);
    expect(c2[0]!.body).toContain('14 (+4)');
    expect(gh.fake.calls('issues.createComment').filter((r) => r.path.endsWith(`/issues/${pr.number}/comments`))).toHaveLength(1);
  });

  test('our comment after 150 earlier ones (page 2) is found and updated, not duplicated', async () => {
    const pr = openPr({ 'data/train.jsonl': dataset(10) }, { 'data/train.jsonl': dataset(11) });
    for (let i = 0; i < 150; i++) gh.fake.addIssueComment(pr.number, i % 7 === 0 ? `> ${MARKER}\nquoting the bot is not the bot (${i})` : `LGTM ${i}`);
    const oldId = gh.fake.addIssueComment(pr.number, `${MARKER}\nan older report`, BOT);
    const r = await run(pr);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('PR comment updated');
    const all = gh.fake.issueComments(pr.number);
    expect(all).toHaveLength(151);
    expect(ours(pr).map((c) => c.id)).toEqual([oldId]);
    expect(ours(pr)[0]!.body).toContain('11 (+1)');
    // Both pages were read (100 per page).
    const pages = gh.fake.calls('issues.listComments').filter((c) => c.path.endsWith(`/issues/${pr.number}/comments`));
    expect(pages.map((p) => p.query.page ?? '1')).toEqual(expect.arrayContaining(['1', '2']));
    expect(gh.fake.calls('issues.createComment').filter((c) => c.path.endsWith(`/issues/${pr.number}/comments`))).toHaveLength(0);
  });

  test('fork PR: 403 on the comment → warning, full report in the summary, exit status from the data', async () => {
    const pr = openPr({ 'data/train.jsonl': dataset(10) }, { 'data/train.jsonl': dataset(12) }, { fork: true });
    gh.fake.fault('issues.createComment', { status: 403, message: 'Resource not accessible by integration', match: (q) => q.path.includes(`/issues/${pr.number}/`) });
    const clean = await run(pr);
    expect(clean.code).toBe(0);
    expect(ours(pr)).toHaveLength(0);
    const warning = clean.annotations('warning').find((w) => w.message.includes('could not write the pull request comment'));
    expect(warning?.message).toContain('HTTP 403');
    expect(warning?.message).toContain('forks get a read-only token');
    expect(clean.outputs['comment-url']).toBe('');
    expect(clean.summary).toContain('| dataset | status | model | examples |');
    expect(clean.summary).toContain('How these figures were made');

    // Same fork, now with a broken line: the step fails because of the data, not the comment.
    pr.push({ 'data/train.jsonl': dataset(12) + '{"messages": [\n' });
    const broken = await run(pr);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('::error::finetune-ci: 1 error in the datasets');
    expect(broken.stdout).toContain('could not write the pull request comment');
  });

  test('errors fail the step with located annotations: 10 errors and 10 warnings shown, the rest counted', async () => {
    const good = Array.from({ length: 12 }, (_, i) => example(i));
    const bad: string[] = [...good];
    for (let i = 0; i < 15; i++) bad.push(`{"messages": [{"role": "user", "content": "broken ${i}"}`); // invalid JSON: error
    for (let i = 0; i < 12; i++) bad.push(chat(`No system ${i}?`, `Fine ${i}.`, null)); // no-system-message: warning
    const pr = openPr({ 'data/train.jsonl': dataset(12) }, { 'data/train.jsonl': lines(bad) });
    const r = await run(pr);
    expect(r.code).toBe(1);
    const errors = r.annotations('error').filter((a) => a.props.title?.startsWith('finetune-ci: ') && a.props.file);
    expect(errors).toHaveLength(10);
    for (const [i, e] of errors.entries()) {
      expect(e.props).toMatchObject({ file: 'data/train.jsonl', line: String(13 + i), title: 'finetune-ci: invalid-json' });
      expect(e.message).toContain('Fix:');
    }
    const warnings = r.annotations('warning');
    expect(warnings.length).toBeLessThanOrEqual(10);
    expect(warnings.length).toBe(10);
    expect(r.outputs.errors).toBe('15');
    // 15 errors + 12 no-system warnings; the model's 3 date notices are annotated once but are not
    // the dataset's warnings: 30 in all, 20 annotated.
    expect(Number(r.outputs.warnings)).toBe(12);
    expect(r.summary).toContain('10 more problems were not annotated');
    expect(r.stdout).toContain('::error::finetune-ci: 15 errors in the datasets');
    const body = ours(pr)[0]!.body;
    expect(body).toMatch(/^### ❌ finetune-ci: 1 dataset checked — 15 errors, 12 warnings/m);
    // The group links its first line.
    expect(body).toContain(`[data/train.jsonl: lines 13, 14, 15, 16, 17 … 27](https://github.com/acme/datasets/blob/${pr.head}/data/train.jsonl#L13)`);
    expect(body).toContain('#### Problems\n'); // all 27 listed, grouped by code: no 'first n of m'
  });

  test('a budget over max-cost fails the step (and the comment says so)', async () => {
    const pr = openPr({ 'data/train.jsonl': dataset(10) }, { 'data/train.jsonl': dataset(20) });
    const r = await run(pr, { 'max-cost': '0.001' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/::error::finetune-ci: data\/train\.jsonl: estimated \$0\.\d\d is above max-cost \$0\.001/);
    const body = ours(pr)[0]!.body;
    expect(body).toContain('❌ over budget');
    expect(body).toContain('> [!CAUTION]');
    const ok = await run(pr, { 'max-cost': '25' });
    expect(ok.code).toBe(0);
  });

  test('max-cost-increase: fails when the rise over base is above it, passes below', async () => {
    const pr = openPr({ 'data/train.jsonl': dataset(10) }, { 'data/train.jsonl': dataset(40) });
    const over = await run(pr, { 'max-cost-increase': '0.001' });
    expect(over.code).toBe(1);
    const delta = Number(over.outputs['cost-delta']);
    expect(delta).toBeGreaterThan(0.001);
    expect(over.stdout).toContain('above max-cost-increase $0.001');
    const under = await run(pr, { 'max-cost-increase': '1' });
    expect(under.code).toBe(0);
    expect(under.outputs['cost-delta']).toBe(over.outputs['cost-delta']);
  });

  test('diff headline: added / removed / changed and the cost delta match numbers computed by hand', async () => {
    // Base: examples 0..9. Head: 8 and 9 removed, 2's answer edited, 3 new (20, 21, 22).
    const baseRows = Array.from({ length: 10 }, (_, i) => example(i));
    const headRows = baseRows.slice(0, 8);
    headRows[2] = example(2, 'Heavy rain in Sydney today (2); take a coat.');
    const long = (i: number) => example(i, `A long forecast for ${CITIES[i % CITIES.length]}: ` + 'clouds, sun and a brisk wind from the west; '.repeat(40));
    headRows.push(long(20), long(21), long(22));
    const pr = openPr({ 'data/train.jsonl': lines(baseRows) }, { 'data/train.jsonl': lines(headRows) });
    const r = await run(pr);
    expect(r.code).toBe(0);

    // By hand: tokens per example = Σ messages (3 + tok(role) + tok(content)) + 1, o200k_base.
    const enc = getEncoding('o200k_base');
    const tokens = (row: string) => (JSON.parse(row).messages as Msg[]).reduce((s, m) => s + 3 + enc.encode(m.role).length + enc.encode(m.content).length, 0) + 1;
    const billable = (rows: string[]) => rows.reduce((s, x) => s + tokens(x), 0);
    const epochs = (n: number) => Math.min(25, Math.floor(100 / n)); // auto: n·3 < 100 → ⌊100/n⌋
    const cost = (rows: string[]) => (epochs(rows.length) * billable(rows) * 5) / 1e6; // $5 / 1M (gpt-4.1-mini)
    const expectedDelta = cost(headRows) - cost(baseRows);

    expect(r.outputs.examples).toBe('11');
    expect(r.outputs['billable-tokens']).toBe(String(billable(headRows)));
    expect(r.outputs['trained-tokens']).toBe(String(epochs(11) * billable(headRows)));
    expect(Number(r.outputs['estimated-cost'])).toBeCloseTo(cost(headRows), 4);
    expect(Number(r.outputs['cost-delta'])).toBeCloseTo(expectedDelta, 4);
    const body = ours(pr)[0]!.body;
    expect(body).toContain('examples: +3 added, −2 removed, 1 changed');
    expect(body).toContain('- data/train.jsonl: +3 added, −2 removed, 1 changed');
    const sign = expectedDelta < 0 ? '−' : '+';
    const abs = Math.abs(expectedDelta);
    expect(abs).toBeGreaterThan(0.01); // big enough to show with 2 decimals
    expect(body).toContain(`(${sign}$${abs.toFixed(2)} vs base)`);
    expect(body).toContain(`11 (+1)`);
    expect(body).toContain(`${billable(headRows).toLocaleString('en-US')} (+${(billable(headRows) - billable(baseRows)).toLocaleString('en-US')})`);
  });

  test('markup in the data is escaped in the comment', async () => {
    const evil = '<script>alert(1)</script></details><!-- @octocat | `x`';
    const rows = Array.from({ length: 11 }, (_, i) => example(i));
    rows.push(
      JSON.stringify({
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: 'hello' },
        ],
        [evil]: 1,
      }),
    );
    rows.push(
      JSON.stringify({
        messages: [
          { role: '</details><!--@octocat|`', content: 'hi' },
          { role: 'assistant', content: 'x' },
        ],
      }),
    );
    const pr = openPr({ 'data/train.jsonl': dataset(10) }, { 'data/train.jsonl': lines(rows) });
    const r = await run(pr);
    expect(r.code).toBe(1); // the invalid role is an error
    const body = ours(pr)[0]!.body;
    expect(body).toContain('unknown top-level key');
    for (const raw of ['<script>', '</script>', '<!-- @', '<!--@', '@octocat', '`x`', '| `x', '|`']) expect(body).not.toContain(raw);
    // The only raw HTML is ours: the marker and our own <details> blocks, balanced.
    expect(body.match(/<!--/g)).toHaveLength(1);
    expect((body.match(/<details>/g) ?? []).length).toBe((body.match(/<\/details>/g) ?? []).length);
    expect(body).toContain('&lt;script&gt;');
    expect(body).toContain('@\u200doctocat');
    // Table rows keep their column count: no cell smuggles a `|`.
    for (const row of body.split('\n').filter((l) => l.startsWith('| ') && l.includes('unknown-key'))) {
      expect(row.split(' | ')).toHaveLength(5);
    }
    expect(r.summary).not.toContain('<script>');
  });

  test('a base version stored in Git LFS: without git-lfs the comparison is skipped and says why; with it, compared', async () => {
    const pointer = 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 2048\n';
    const pr = openPr({ 'data/train.jsonl': pointer }, { 'data/train.jsonl': dataset(12) });
    // No git-lfs on PATH (git itself stays reachable).
    const bare = await run(pr, {}, { PATH: `${dirname(process.execPath)}:/usr/bin:/bin` });
    expect(bare.code).toBe(0);
    const why = bare.annotations('warning').find((w) => w.message.includes('stored in Git LFS at the base commit'));
    expect(why?.message).toContain('git-lfs is not installed');
    expect(why?.message).toContain('the comparison with base is skipped');
    expect(ours(pr)[0]!.body).toContain('| data/train.jsonl | ✅ ok | gpt-4.1-mini-2025-04-14 | 12 |');

    // A git-lfs that gives the base content: the comparison is made.
    const bin = mkdtempSync(join(tmpdir(), 'finetune-ci-fake-lfs-'));
    const base = join(bin, 'base.jsonl');
    writeFileSync(base, dataset(10));
    writeFileSync(join(bin, 'git-lfs'), `#!/bin/sh\n[ "$1" = smudge ] || exit 2\ncat > /dev/null\ncat '${base}'\n`);
    chmodSync(join(bin, 'git-lfs'), 0o755);
    const lfs = await run(pr, {}, { PATH: `${bin}:${process.env.PATH}` });
    rmSync(bin, { recursive: true, force: true });
    expect(lfs.code).toBe(0);
    expect(lfs.annotations('warning').some((w) => w.message.includes('stored in Git LFS'))).toBe(false);
    expect(ours(pr)[0]!.body).toContain('12 (+2)');
  });

  test('a JSON array committed as .jsonl: one error, 0 examples, the conversion with the repository path', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => JSON.parse(example(i)));
    const pr = openPr({ 'README.md': 'datasets\n' }, { 'data/pretty.jsonl': JSON.stringify(rows, null, 2) + '\n' });
    const r = await run(pr);
    expect(r.code).toBe(1);
    expect(r.outputs.errors).toBe('1');
    expect(r.outputs.examples).toBe('0');
    const body = ours(pr)[0]!.body;
    expect(body).toContain('`json-not-jsonl`');
    expect(body).toContain('data/pretty.jsonl &gt; data/pretty.fixed.jsonl &amp;&amp; mv data/pretty.fixed.jsonl data/pretty.jsonl');
    expect(body).not.toContain(pr.repo.dir);
  });

  test('a huge report (thousands of problems, many targets) is folded under 65,536 characters and says so', async () => {
    const files: Record<string, string> = {};
    for (let t = 0; t < 150; t++) {
      const rows = Array.from({ length: 12 }, (_, i) => example(i));
      for (let i = 0; i < 24; i++) rows.push(`{"oops ${t}-${i}": `);
      files[`data/set-${String(t).padStart(2, '0')}/train-with-a-rather-long-descriptive-name-${t}.jsonl`] = lines(rows);
    }
    const pr = openPr({ 'README.md': 'datasets\n' }, files);
    const r = await run(pr, {}, {});
    expect(r.code).toBe(1);
    const body = ours(pr)[0]!.body;
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toMatch(/folded to keep this comment under GitHub's size limit|cut to fit GitHub's comment limit/);
    expect(r.outputs.errors).toBe(String(150 * 24));
    expect(body).toContain('150 datasets checked — 3,600 errors');
    // The summary has the full table (all 150 datasets) and stays within 1 MiB.
    expect(Buffer.byteLength(r.summary)).toBeLessThan(1024 * 1024);
    // 3,600 invalid lines are one grouped row per dataset: all 150 fit.
    expect(r.summary.split('\n').find((l) => l.startsWith('#### Problems'))).toBe('#### Problems');
    expect(r.summary.split('\n').filter((l) => l.includes('`invalid-json`') && l.includes('(×24'))).toHaveLength(150);
    for (let t = 0; t < 150; t += 17) expect(r.summary).toContain(`train-with-a-rather-long-descriptive-name-${t}.jsonl`);
  }, 120_000);

  test('a config-only change is priced: base figures use the base config (n_epochs 2 → 20)', async () => {
    const config = (epochs: number) =>
      ['targets:', '  support:', '    training_file: data/support.jsonl', '    model: gpt-4.1-mini-2025-04-14', '    hyperparameters:', `      n_epochs: ${epochs}`, ''].join('\n');
    const pr = openPr({ '.github/finetune-ci.yml': config(2), 'data/support.jsonl': dataset(10) }, { '.github/finetune-ci.yml': config(20) });
    const r = await run(pr, { 'max-cost-increase': '0.000001' });
    // Same data, ten times the epochs: the delta is 18 epochs of the same billable tokens at $5 per 1M.
    const billable = Number(r.outputs['billable-tokens']);
    expect(Number(r.outputs['trained-tokens'])).toBe(20 * billable);
    expect(Number(r.outputs['cost-delta'])).toBeCloseTo((18 * billable * 5) / 1e6, 4);
    expect(ours(pr)[0]!.body).toContain('examples: +0 added, −0 removed, 0 changed');
    expect(r.code).toBe(1); // max-cost-increase trips on a config-only change
    expect(r.stdout).toMatch(/above max-cost-increase/);
  }, 60_000);

  test('config file targets: a renamed dataset diffs against its old path, a removed one leaves the total', async () => {
    const config = (train: string) => ['targets:', '  support:', `    training_file: ${train}`, '    model: gpt-4.1-mini-2025-04-14', '    hyperparameters:', '      n_epochs: 2', ''].join('\n');
    const pr = openPr(
      {
        '.github/finetune-ci.yml': config('data/support-v1.jsonl'),
        'data/support-v1.jsonl': dataset(10),
        'data/legacy.jsonl': dataset(10, 100),
      },
      {
        '.github/finetune-ci.yml': config('data/support.jsonl'),
        'data/support-v1.jsonl': null,
        'data/support.jsonl': dataset(11),
        'data/legacy.jsonl': null,
      },
    );
    const files = gh.fake.pull(pr.number).files;
    expect(files).toEqual(expect.arrayContaining([expect.objectContaining({ filename: 'data/support.jsonl', status: 'renamed', previous_filename: 'data/support-v1.jsonl' })]));
    const r = await run(pr);
    expect(r.code).toBe(0);
    const body = ours(pr)[0]!.body;
    // Renamed: compared with the old file, so 1 added, not 11 new.
    expect(body).toContain('**support** data/support.jsonl');
    expect(body).toContain('- data/support.jsonl: +1 added, −0 removed, 0 changed');
    expect(body).not.toContain('🆕');
    // Removed: a row of its own and its base cost subtracted.
    expect(body).toContain('~~data/legacy.jsonl~~ 🗑️ | removed');
    expect(body).toContain('1 dataset checked, 1 removed');
    const report = r.report as any;
    const legacy = report.removed[0];
    expect(legacy).toMatchObject({ path: 'data/legacy.jsonl', examples: 10 });
    const support = report.targets[0];
    expect(support.estimate.epochs).toBe(2);
    expect(Number(r.outputs['cost-delta'])).toBeCloseTo(support.diff.costDelta - legacy.costUsd, 4);
    expect(Number(r.outputs['cost-delta'])).toBeLessThan(0);
  });

  test('a target whose file was renamed away without updating the config fails with the key to fix', async () => {
    const config = ['targets:', '  support:', '    training_file: data/support.jsonl', ''].join('\n');
    const pr = openPr({ '.github/finetune-ci.yml': config, 'data/support.jsonl': dataset(10) }, { 'data/support.jsonl': null, 'data/support-v2.jsonl': dataset(10) });
    const r = await run(pr);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('data/support.jsonl: the training_file of target "support" does not exist; fix training_file in .github/finetune-ci.yml');
    expect(ours(pr)[0]!.body).toContain('#### Configuration');
  });

  test('a config file error names the key and its line, annotates it, and fails the step', async () => {
    const config = ['targets:', '  support:', '    training_file: data/train.jsonl', '    max_cost: lots', '    learning_rate: 2', ''].join('\n');
    const pr = openPr({ 'data/train.jsonl': dataset(10) }, { '.github/finetune-ci.yml': config });
    const r = await run(pr);
    expect(r.code).toBe(1);
    const errs = r.annotations('error').filter((a) => a.props.file === '.github/finetune-ci.yml');
    expect(errs.map((e) => [e.props.line, e.message])).toEqual(
      expect.arrayContaining([
        ['4', expect.stringContaining('targets.support.max_cost: expected a cost in USD')],
        ['5', expect.stringContaining('unknown key learning_rate; known keys: training_file')],
      ]),
    );
    expect(r.stdout).toContain('::error::finetune-ci: .github/finetune-ci.yml:');
    expect(r.stdout).toContain('.github/finetune-ci.yml:4: targets.support.max_cost');
    expect(ours(pr)).toHaveLength(0);
  });

  test('a changed smoke suite with an error shows located errors in the check', async () => {
    const suite = ['threshold: 0.8', 'cases:', '  - name: Beijing', '    prompt: "Weather in Beijing?"', '    assert:', '      - { type: containz, value: beijing }', ''].join('\n');
    const pr = openPr({ 'data/train.jsonl': dataset(10) }, { 'smoke.yml': suite, 'data/train.jsonl': dataset(11) });
    const r = await run(pr, { 'smoke-tests': 'smoke.yml' });
    expect(r.code).toBe(1);
    const body = ours(pr)[0]!.body;
    expect(body).toContain('#### Smoke-test suites');
    expect(body).toMatch(/\[smoke\.yml:6\]\(https:\/\/github\.com\/acme\/datasets\/blob\/[0-9a-f]{40}\/smoke\.yml#L6\)/);
    const ann = r.annotations('error').find((a) => a.props.file === 'smoke.yml');
    expect(ann?.props.line).toBe('6');
    expect(body).toMatch(/^### ❌/m);
  });

  test('the example PR: the comment users get (saved to docs/example-comment.md)', async () => {
    const chatRows = (await import('node:fs')).readFileSync(join(ROOT, 'examples/chat.jsonl'), 'utf8').trimEnd().split('\n');
    const head = [...chatRows, chat("What's the weather in Oslo?", 'Oslo: snow showers, −3 °C. The fjords are wearing their winter coats.')];
    // Same prompt, new answer: reads as "changed", not removed + added.
    const london = JSON.parse(chatRows[1]!);
    london.messages[2].content = 'London tomorrow: drizzle all day, 10 °C. An umbrella and a kettle will see you through.';
    head[1] = JSON.stringify(london);
    head.push(chat('Weather in Lima?', '')); // an empty answer: located error in the comment
    const pr = openPr({ 'examples/chat.jsonl': chatRows.join('\n') + '\n' }, { 'examples/chat.jsonl': lines(head) });
    const r = await run(pr);
    expect(r.code).toBe(1);
    const body = ours(pr)[0]!.body;
    expect(body).toMatch(/−0 removed, 1 changed/);
    // The docs copy is refreshed on demand (FINETUNE_CI_WRITE_DOCS=1), so a test run never edits the tree.
    if (process.env.FINETUNE_CI_WRITE_DOCS !== '1') return;
    const docs = join(ROOT, 'docs', 'example-comment.md');
    mkdirSync(dirname(docs), { recursive: true });
    writeFileSync(
      docs,
      '<!-- Rendered by __tests__/e2e/check.test.ts ("the example PR"): the comment finetune-ci posts on a pull request that edits examples/chat.jsonl. The commit shas in links are from the test run. -->\n\n' +
        body.replace(MARKER + '\n', ''),
    );
    expect(body).toContain('examples/chat.jsonl');
  });
});
