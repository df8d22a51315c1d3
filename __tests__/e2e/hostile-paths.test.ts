/**
 * Hostile pull requests (issue 14), end to end through the committed bundle `node dist/index.js`
 * run as the runner runs it, against the fake GitHub behind Prism:
 * - High #1: file names, config patterns and dataset text that carry workflow commands
 *   (`::error …::`, `\n::warning::`, `\r::notice::`, legacy `##[…]`) never become commands;
 * - High #2: config paths, committed symbolic links (to /proc/self/environ, to .git/config where
 *   actions/checkout keeps the token, to a file outside the workspace), a linked config file and a
 *   linked smoke suite are refused, located, and nothing of what they point at is read or quoted;
 *   a symbolic link in the base tree is never followed;
 * - Low #10: GH-1 / #1 / @mention auto-links and bidi overrides never reach the comment, the
 *   summary, the annotations or the log.
 *
 * dist/ is NOT built here: build it first (`flock /tmp/finetune-ci-build.lock npm run build`).
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { hasHidden } from '../../src/report/text.js';
import { BUNDLE, pullRequestPayload, runAction, type ActionRun } from '../support/action-run.js';
import { startGithubHarness, type GithubHarness } from '../support/github-harness.js';
import { makeTempRepo, type TempRepo } from '../support/github-temp-repo.js';
import { commandLines } from '../support/workflow-commands.js';

const MARKER = '<!-- finetune-ci:check-default -->';
const SECRET = 'finetune-ci-canary-3b9d41e7';

const chat = (user: string, answer: string) =>
  JSON.stringify({
    messages: [
      { role: 'system', content: 'You answer briefly.' },
      { role: 'user', content: user },
      { role: 'assistant', content: answer },
    ],
  });
const dataset = (n: number, tag = '') => Array.from({ length: n }, (_, i) => chat(`Question ${i}${tag}?`, `Answer ${i}${tag}.`)).join('\n') + '\n';

/** A symbolic link to commit (git stores it as a blob of mode 120000 holding `to`). */
interface Link {
  link: string;
}
type Entry = string | Link | null;

let gh: GithubHarness;
const cleanup: (() => void)[] = [];
let nextPr = 1400;

beforeAll(async () => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npm run build\` first (the e2e tests run the committed bundle)`);
  gh = await startGithubHarness();
}, 60_000);
afterAll(async () => {
  await gh?.stop();
  for (const f of cleanup) f();
});
afterEach(() => {
  expect(gh.violations()).toEqual([]);
  gh.clearViolations();
});

/** A directory outside every workspace, like RUNNER_TEMP or the runner's home. */
function outsideDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'finetune-ci-outside-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function write(repo: TempRepo, files: Record<string, Entry>): void {
  for (const [path, content] of Object.entries(files)) {
    const abs = join(repo.dir, path);
    // Literal pathspecs: a name like `::error …` or `a[1]` is a name, not pathspec magic.
    if (content === null) {
      repo.git('--literal-pathspecs', 'rm', '-q', '--', path);
      continue;
    }
    mkdirSync(dirname(abs), { recursive: true });
    rmSync(abs, { force: true });
    if (typeof content === 'string') writeFileSync(abs, content);
    else symlinkSync(content.link, abs);
    repo.git('--literal-pathspecs', 'add', '--', path);
  }
}

interface Pr {
  repo: TempRepo;
  number: number;
  payload: unknown;
}

/** A temp repo with a base commit and a head commit (links allowed), registered as a fork's PR. */
function openPr(base: Record<string, Entry>, head: Record<string, Entry>, prepare?: (repo: TempRepo) => void): Pr {
  const repo = makeTempRepo();
  cleanup.push(() => repo.remove());
  prepare?.(repo);
  const number = nextPr++;
  write(repo, base);
  repo.git('commit', '-q', '--allow-empty', '-m', 'base');
  const baseSha = repo.git('rev-parse', 'HEAD');
  repo.git('checkout', '-q', '-b', `hostile-${number}`);
  write(repo, head);
  repo.git('commit', '-q', '--allow-empty', '-m', 'head');
  const headSha = repo.git('rev-parse', 'HEAD');
  // The PR's files as GitHub lists them, from the real diff; -z keeps names with CR/LF intact.
  const fields = repo
    .git('diff', '-z', '--name-status', '--no-renames', baseSha, headSha)
    .split('\0')
    .filter((x) => x !== '');
  const files: { filename: string; status: string }[] = [];
  for (let i = 0; i < fields.length; i += 2) {
    const code = fields[i]!;
    files.push({ filename: fields[i + 1]!, status: code === 'A' ? 'added' : code === 'D' ? 'removed' : 'modified' });
  }
  const headRepoFullName = 'mallory/datasets';
  gh.fake.addPull({ number, baseSha, headSha, headRepoFullName, files: files as any });
  const payload = pullRequestPayload({ number, baseSha, headSha, headRepoFullName, changedFiles: files.length, headRef: `hostile-${number}` });
  return { repo, number, payload };
}

function run(pr: Pr, inputs: Record<string, string> = {}, env: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({ workspace: pr.repo.dir, apiUrl: gh.apiUrl, payload: pr.payload, inputs, env });
}

const comment = (pr: Pr) => gh.fake.issueComments(pr.number).find((c) => c.body.startsWith(MARKER))?.body ?? '';

/**
 * The only workflow commands the check may print: its groups, its own annotations (titled
 * `finetune-ci: …`), the failure (`::error::finetune-ci: …`) and the token's mask.
 */
const INTENDED = /^::(group::finetune-ci: |endgroup::$|add-mask::|(error|warning|notice) title=finetune-ci%3A |error::finetune-ci: )/;

function expectNoInjectedCommands(r: ActionRun): void {
  // A line the runner reads as a `::` command is never also read as a legacy `##[` one, so a
  // `##[` inside an intended command's data or file property is inert; anywhere else it is not.
  for (const line of commandLines(r.stdout)) expect(line).toMatch(INTENDED);
}

const explain = (r: ActionRun) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

describe('workflow commands through file names, patterns and data (High #1)', () => {
  const NAMES = ['::error title=x::a.jsonl', 'b\n::warning::b.jsonl', 'c\r::notice::c.jsonl', 'd ##[warning]legacy.jsonl', '  ::add-mask::e.jsonl', 'f\u202egnp.jsonl'];

  test('changed datasets with command names: every command on stdout is one the check meant', async () => {
    // One dataset per name; one of them with a located error whose message quotes the data.
    const head: Record<string, Entry> = {};
    // At the top level, as in the report: the log line then starts with the name.
    for (const [i, name] of NAMES.entries()) head[name] = dataset(12, ` ${i}`);
    head[NAMES[1]!] =
      dataset(11) +
      JSON.stringify({
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: 'GH-1 #2 @octocat' },
        ],
        ['k\n::error::key\u202e']: 1,
      }) +
      '\n';
    const pr = openPr({ 'README.md': 'datasets\n' }, head);
    const r = await run(pr);
    if (r.code === null) throw new Error(explain(r));
    expectNoInjectedCommands(r);
    // Each dataset was checked (and logged) under its own name, on one line of its own; the
    // defused ones differ only by a zero-width space inside the marker.
    const log = r.stdout.replace(/\u200b/g, '');
    for (const name of NAMES) {
      const oneLine = name
        .replace(/[\r\n]+/g, ' ')
        .replace(/\u202e/g, '\ufffd')
        .trim();
      expect(log).toContain(`\n${oneLine}: 12 examples`);
    }
    // Annotations keep the real file name (escaped as a property) and lose hidden characters.
    const files = new Set([...r.annotations('error'), ...r.annotations('warning')].map((a) => a.props.file));
    expect(files).toContain(NAMES[1]);
    for (const a of r.commands) expect(hasHidden(a.message)).toBe(false);
    // No hidden characters and no live references anywhere a reader looks.
    const body = comment(pr);
    expect(body).toContain('finetune-ci');
    for (const text of [r.stdout, r.summary, body]) expect(hasHidden(text)).toBe(false);
    for (const text of [r.summary, body]) {
      expect(text).not.toMatch(/\bGH-\d/);
      expect(text).not.toMatch(/@octocat/);
    }
  }, 120_000);

  test('config patterns and target names with commands are logged inert', async () => {
    const config = ['datasets:', '  - "none/*.jsonl\\n::error title=p::pattern"', '  - "x\\r::warning::y ##[error]z"', 'targets: {}', ''].join('\n');
    const pr = openPr({ 'README.md': 'datasets\n' }, { '.github/finetune-ci.yml': config });
    const r = await run(pr, { datasets: '' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No changed datasets (patterns: none/*.jsonl ::error title=p::pattern, x ::warning::y #');
    expectNoInjectedCommands(r);
  }, 60_000);
});

describe('reading outside the workspace (High #2)', () => {
  test('config paths and committed links out of the workspace or into .git are refused, located, and nothing of them is read', async () => {
    const out = outsideDir();
    // Invalid JSON on purpose: if it were read, the check would quote it in a diagnostic.
    writeFileSync(join(out, 'secret.jsonl'), `TOKEN=${SECRET}\n`);
    writeFileSync(join(out, 'suite.yml'), `cases: [${SECRET}\n`);
    let rel = '';
    const pr = openPr(
      { 'README.md': 'datasets\n' },
      {
        'data/linked.jsonl': { link: join(out, 'secret.jsonl') },
        'data/environ.jsonl': { link: '/proc/self/environ' },
        'data/git-config.jsonl': { link: '../.git/config' },
        'smoke/suite.yml': { link: join(out, 'suite.yml') },
        'data/fine.jsonl': dataset(12),
      },
      (repo) => {
        // actions/checkout keeps the token here (persist-credentials).
        repo.git('config', 'http.https://github.com/.extraheader', `AUTHORIZATION: basic ${SECRET}`);
        rel = relative(repo.dir, join(out, 'secret.jsonl'));
      },
    );
    // The config comes with the PR: one target climbs out with `..`, one names a committed link.
    const config = ['targets:', '  climb:', `    training_file: ${rel}`, '  linked:', '    training_file: data/linked.jsonl', '    smoke_tests: smoke/suite.yml', ''].join('\n');
    write(pr.repo, { '.github/finetune-ci.yml': config });
    pr.repo.git('commit', '-q', '-m', 'config');
    const headSha = pr.repo.git('rev-parse', 'HEAD');
    const files = ['data/linked.jsonl', 'data/environ.jsonl', 'data/git-config.jsonl', 'smoke/suite.yml', 'data/fine.jsonl', '.github/finetune-ci.yml'];
    const baseSha = (pr.payload as any).pull_request.base.sha;
    gh.fake.addPull({ number: pr.number, baseSha, headSha, headRepoFullName: 'mallory/datasets', files: files.map((filename) => ({ filename, status: 'added' })) as any });
    pr.payload = pullRequestPayload({ number: pr.number, baseSha, headSha, headRepoFullName: 'mallory/datasets', changedFiles: files.length });

    const r = await run(pr, {}, { FINETUNE_CI_E2E_CANARY: SECRET });
    expect(r.code).toBe(1);
    const body = comment(pr);
    for (const text of [r.stdout, r.stderr, r.summary, body, JSON.stringify(r.report)]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(out);
      expect(text).not.toContain('/proc/self');
      expect(text).not.toContain('extraheader');
    }
    const unsafe = r.annotations('error').filter((a) => a.props.title === 'finetune-ci: unsafe-path');
    const at = (file: string) => unsafe.filter((a) => a.props.file === file).map((a) => [a.props.line ?? null, a.message]);
    // Declared targets: at the line of their training_file in the config.
    expect(at('.github/finetune-ci.yml')).toEqual(
      expect.arrayContaining([
        [
          '3',
          `${rel}: the training_file of target "climb" is outside the workspace; finetune-ci reads only regular files inside the repository: point training_file in .github/finetune-ci.yml at one (the file itself, not a link to it)`,
        ],
        [
          '5',
          'data/linked.jsonl: the training_file of target "linked" is a symbolic link that leads outside the workspace; finetune-ci reads only regular files inside the repository: point training_file in .github/finetune-ci.yml at one (the file itself, not a link to it)',
        ],
      ]),
    );
    // Changed datasets no target names: on the link itself.
    expect(at('data/environ.jsonl')).toEqual([[null, expect.stringContaining('data/environ.jsonl: this changed dataset is a symbolic link that leads outside the workspace')]]);
    expect(at('data/git-config.jsonl')).toEqual([[null, expect.stringContaining("data/git-config.jsonl: this changed dataset is a symbolic link into the repository's .git directory")]]);
    // The suite: an unsafe-path diagnostic on the suite file.
    expect(unsafe.filter((a) => a.props.file === 'smoke/suite.yml').map((a) => a.message)).toEqual([
      expect.stringContaining('the smoke suite smoke/suite.yml is a symbolic link that leads outside the workspace'),
    ]);
    // The honest dataset is still checked and priced.
    expect(body).toContain('data/fine.jsonl');
    expect(body).toContain('#### Configuration');
    expect(r.report.targets.map((t: { name: string }) => t.name)).toEqual(['data/fine.jsonl']);
  }, 120_000);

  test('a config file that is a committed link out of the workspace is a located config error', async () => {
    const out = outsideDir();
    writeFileSync(join(out, 'config.yml'), `targets: [${SECRET}\n`);
    const pr = openPr({ 'README.md': 'datasets\n' }, { '.github/finetune-ci.yml': { link: join(out, 'config.yml') }, 'data/a.jsonl': dataset(12) });
    const r = await run(pr);
    expect(r.code).toBe(1);
    for (const text of [r.stdout, r.stderr, r.summary]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(out);
    }
    expect(r.annotations('error')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          props: expect.objectContaining({ title: 'finetune-ci: config', file: '.github/finetune-ci.yml' }),
          message: 'the config file is a symbolic link that leads outside the workspace; finetune-ci reads its config only from a regular file inside the repository',
        }),
      ]),
    );
    expect(r.stdout).not.toContain('failed unexpectedly');
  }, 60_000);

  test('a symbolic link in the base tree is never followed (git blobs only)', async () => {
    const pr = openPr({ 'data/base.jsonl': { link: '../.git/config' } }, { 'data/base.jsonl': dataset(12) }, (repo) =>
      repo.git('config', 'http.https://github.com/.extraheader', `AUTHORIZATION: basic ${SECRET}`),
    );
    // The PR's file list says "modified" (the path existed at base, as a link).
    const r = await run(pr);
    if (r.code !== 0) throw new Error(explain(r));
    for (const text of [r.stdout, r.summary, comment(pr), JSON.stringify(r.report)]) expect(text).not.toContain(SECRET);
    expect(r.annotations('warning').map((a) => a.message)).toEqual(
      expect.arrayContaining([expect.stringContaining('is a symbolic link, which finetune-ci does not follow); the comparison with base is skipped')]),
    );
  }, 60_000);
});

describe('the CLI on a hostile checkout (`finetune-ci check` in CI)', () => {
  const CLI = join(dirname(BUNDLE), 'cli', 'index.js');
  const cli = (cwd: string, args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, FINETUNE_CI_NOW: '2026-11-25', NO_COLOR: '1' }, maxBuffer: 1 << 26 }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  const NAMES = ['::error title=x::a.jsonl', 'b\n::warning::b.jsonl', 'c\r::notice::c.jsonl', 'd ##[warning]d.jsonl', '\t::add-mask::e.jsonl', 'f\u202egnp.jsonl'];

  test('file names and keys with commands, CR/LF and bidi: text, markdown and JSON stay inert', async () => {
    const dir = outsideDir();
    const bad = JSON.stringify({
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'yo' },
      ],
      ['k\r\n::error::key\u202e\u001b[2J']: 1,
    });
    for (const name of NAMES) writeFileSync(join(dir, name), dataset(11) + bad + '\n');
    for (const format of ['text', 'markdown', 'json']) {
      const r = await cli(dir, ['check', ...NAMES, '--format', format]);
      expect(r.code).toBe(0);
      expect(commandLines(r.stdout)).toEqual([]);
      expect(commandLines(r.stderr)).toEqual([]);
      expect(hasHidden(r.stdout)).toBe(false);
      expect(r.stdout).not.toContain('\r');
      if (format === 'json') {
        // Lossless: the same file names come back from the JSON; a key in a diagnostic's path is
        // written as its JSON string escapes (rules.ts `pathString`), so it is readable there too.
        const report = JSON.parse(r.stdout);
        expect(report.files.map((f: { path: string }) => f.path)).toEqual(NAMES);
        const key = 'k\r\n::error::key\u202e\u001b[2J';
        expect(report.files[0].diagnostics.find((d: { code: string }) => d.code === 'unknown-key').path).toBe(JSON.stringify(key).slice(1, -1));
      } else if (format === 'text') {
        // One line per file heading: no name splits a line.
        for (const name of NAMES) expect(`\n${r.stdout}`.replace(/\u200b/g, '')).toContain(`\n${name.replace(/\s+/g, ' ').replace('\u202e', '\ufffd').trim()}  (training`);
      }
    }
  }, 60_000);

  test('a link out of the current directory is refused without a word about its target', async () => {
    const dir = outsideDir();
    const out = outsideDir();
    writeFileSync(join(out, 'secret.jsonl'), `TOKEN=${SECRET}\n`);
    symlinkSync(join(out, 'secret.jsonl'), join(dir, 'train.jsonl'));
    symlinkSync('/proc/self/environ', join(dir, 'environ.jsonl'));
    for (const name of ['train.jsonl', 'environ.jsonl']) {
      const r = await cli(dir, ['check', name]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `finetune-ci: ${name} is a symbolic link that leads outside the current directory; finetune-ci reads only regular files, and follows no link out of the current directory (give the file's own path) (see finetune-ci --help)\n`,
      );
      expect(r.stdout).toBe('');
    }
    // A path that itself names a place outside is the user's choice.
    writeFileSync(join(out, 'fine.jsonl'), dataset(12));
    const ok = await cli(dir, ['check', join(out, 'fine.jsonl'), '--format', 'json']);
    expect(ok.code).toBe(0);
  }, 60_000);
});

describe('config file edge cases, end to end (Low #11–#13)', () => {
  test("a target named __proto__ is checked, and the file's datasets: is used when the input is unset", async () => {
    const config = ['targets:', '  __proto__:', '    training_file: data/p.jsonl', 'datasets: ["only/*.jsonl"]', ''].join('\n');
    const pr = openPr({ 'README.md': 'datasets\n' }, { '.github/finetune-ci.yml': config, 'data/p.jsonl': dataset(12), 'data/x.jsonl': dataset(12), 'only/y.jsonl': dataset(12) });
    const r = await run(pr);
    if (r.code !== 0) throw new Error(explain(r));
    expect(r.report.targets.map((t: { name: string }) => t.name)).toEqual(['__proto__', 'only/y.jsonl']);
    // An explicit input wins over the file.
    const all = await run(pr, { datasets: '**/*.jsonl' });
    expect(all.report.targets.map((t: { name: string }) => t.name)).toEqual(['__proto__', 'data/x.jsonl', 'only/y.jsonl']);
  }, 60_000);

  test('a YAML alias bomb in the config is a located config error, not a crash', async () => {
    const bomb = [
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'targets: {}',
      '',
    ].join('\n');
    const pr = openPr({ 'README.md': 'datasets\n' }, { '.github/finetune-ci.yml': bomb });
    const r = await run(pr);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('failed unexpectedly');
    expect(r.annotations('error')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ props: expect.objectContaining({ file: '.github/finetune-ci.yml', line: '2' }), message: expect.stringContaining('YAML aliases (*name) expand too many times') }),
      ]),
    );
  }, 60_000);
});
