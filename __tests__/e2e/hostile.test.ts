/**
 * Issue 14 (hostile pull requests) #6–#8, end to end through `node dist/index.js` as the runner
 * runs it, against the fake OpenAI and the fake GitHub behind Prism:
 * - #6: a provider error that echoes our key (whole, cut at 52 characters, with `_` that
 *   markdown escaping would turn into `&#95;`) and our token inside dataset text never reach any
 *   output: log, annotations, outputs, job summary, JSON reports, PR or commit comment;
 * - #7: a stranger's comment that starts with our marker is never written to;
 * - #8: a catastrophic smoke pattern against a hostile answer gives its verdict (RE2, bundled).
 *
 * Needs a current dist: `flock /tmp/finetune-ci-build.lock npm run build`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SmokeRun } from '../../src/smoke/types.js';
import { BUNDLE, pullRequestPayload, runAction, type ActionRun } from '../support/action-run.js';
import { BOT, type FakeUser } from '../support/fake-github.js';
import { startGithubHarness, type GithubHarness } from '../support/github-harness.js';
import { makeTempRepo, type TempRepo } from '../support/github-temp-repo.js';
import { startOpenAIStack, type OpenAIStack } from '../support/prism.js';

/** Our OpenAI key: `_` is what markdown escaping rewrites. */
const KEY = 'sk-proj-Ab_Cd_Ef9Kq2Lm3Nn4Pp5Rr6Ss7Tt8Uu9Vv0Ww1Xx2Yy3Zz4Aa5Bb6Cc7Dd8Ee9Ff0';
/** Our GitHub token, in a shape no secret scanner knows (so only redaction can hide it). */
const TOKEN = 'tok_Ab_Cd_0123456789abcdefghijklmnopqr';
const TUNED = 'ft:gpt-4.1-mini-2025-04-14:org:hostile:abc';
const MALLORY: FakeUser = { login: 'mallory', id: 7_770_001, type: 'User' };

let stack: OpenAIStack;
let gh: GithubHarness;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run build first`);
  [stack, gh] = await Promise.all([startOpenAIStack(), startGithubHarness()]);
  stack.fake.addModel(TUNED);
}, 180_000);
afterAll(async () => {
  for (const c of cleanups) c();
  await Promise.all([stack?.stop(), gh?.stop()]);
});
afterEach(() => {
  expect(gh.violations()).toEqual([]);
  gh.clearViolations();
  stack.fake.clearFaults();
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ftci-e2e-hostile-'));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

function repo(): TempRepo {
  const r = makeTempRepo();
  cleanups.push(() => r.remove());
  return r;
}

/** No credential and no run of its first 8+ characters, raw or markdown-escaped, in `text`. */
function expectNoSecret(where: string, text: string): void {
  for (const secret of [KEY, TOKEN]) {
    for (const form of [secret, secret.replace(/_/g, '&#95;')]) {
      // Any longer prefix contains the 8-character one; the escaped form differs from the 9th on.
      for (const n of [8, 12]) expect({ where, leaked: text.includes(form.slice(0, n)) }).toEqual({ where, leaked: false });
    }
  }
}

/** Every output of a run: stdout (but the `::add-mask::` lines the runner consumes), stderr, summary, outputs. */
function expectRunClean(r: ActionRun, extra: Record<string, string> = {}): void {
  expect(r.stdout).toContain(`::add-mask::${KEY}`); // the runner masks its logs too
  const stdout = r.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  const texts: Record<string, string> = { stdout, stderr: r.stderr, summary: r.summary, outputs: JSON.stringify(r.outputs), report: JSON.stringify(r.report), ...extra };
  for (const [where, text] of Object.entries(texts)) expectNoSecret(where, text);
}

const chatLine = (i: number, role = 'user') =>
  JSON.stringify({
    messages: [
      { role: 'system', content: 'You answer support questions briefly.' },
      { role, content: `How do I reset my password? (hostile #${i})` },
      { role: 'assistant', content: `Open Settings, then Security, then Reset (${i}).` },
    ],
  });
const dataset = (n: number) => Array.from({ length: n }, (_, i) => chatLine(i)).join('\n') + '\n';

describe('#6 our credentials never reach an output', () => {
  test('train: a provider error echoing the key (whole, cut at 52, with _) is masked in log, summary, outputs, report and commit comment', async () => {
    const ws = repo();
    const sha = ws.commit('data', { 'data/train.jsonl': dataset(12) });
    stack.fake.inject('POST /fine_tuning/jobs', {
      kind: 'status',
      status: 400,
      code: 'invalid_project',
      message: `Project of key ${KEY} may not fine-tune; the key starts ${KEY.slice(0, 52)}…`,
    });
    const r = await runAction({
      workspace: ws.dir,
      eventName: 'push',
      apiUrl: gh.apiUrl,
      payload: {
        ref: 'refs/heads/main',
        before: '0000000000000000000000000000000000000000',
        after: sha,
        repository: { name: 'datasets', full_name: 'acme/datasets', owner: { login: 'acme' }, default_branch: 'main' },
      },
      env: { GITHUB_SHA: sha, GITHUB_REF: 'refs/heads/main' },
      inputs: {
        'training-file': 'data/train.jsonl',
        model: 'gpt-4o-mini-2024-07-18',
        'n-epochs': '2',
        'openai-api-key': KEY,
        'openai-base-url': stack.url,
        'github-token': TOKEN,
      },
    });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 1, stderr: '' });
    expect(stack.fake.faultCount('POST /fine_tuning/jobs')).toBe(1);
    // The provider's message reached every report, masked where the key was.
    expect(r.stdout).toMatch(/::error::finetune-ci: .*Project of key \*\*\* may not fine-tune; the key starts \*\*\*…/);
    expect(r.summary).toContain('Project of key &#42;&#42;&#42; may not fine-tune');
    expect(JSON.stringify(r.report)).toContain('Project of key *** may not fine-tune; the key starts ***');
    const comments = gh.fake.commitComments(sha);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.user).toBe(BOT.login);
    expect(comments[0]!.body).toContain('Project of key &#42;&#42;&#42; may not fine-tune');
    expectRunClean(r, { comment: comments[0]!.body });
  }, 90_000);

  test('smoke: chat errors echoing the key are masked in the JSON report, the summary and the log', async () => {
    const ws = repo();
    ws.commit('suite', {
      'tests/smoke.yml': `cases:
  - name: one
    prompt: "Hi"
    assert: [{ type: contains, value: "hello" }]
  - name: two
    prompt: "Hi again"
    assert: [{ type: contains, value: "hello" }]
  - name: three
    prompt: "And again"
    assert: [{ type: contains, value: "hello" }]
`,
    });
    stack.fake.scriptChat(
      TUNED,
      { status: 401, code: 'invalid_api_key', message: `Incorrect API key provided: ${KEY}.` },
      { status: 400, message: `bad key ${KEY.slice(0, 52)}` },
      { text: `hello, your key is ${KEY.slice(0, 30)}` },
    );
    const temp = tempDir();
    const r = await runAction({
      workspace: ws.dir,
      eventName: 'workflow_dispatch',
      apiUrl: gh.apiUrl,
      payload: { ref: 'refs/heads/main', inputs: {}, repository: { full_name: 'acme/datasets', default_branch: 'main' } },
      env: { RUNNER_TEMP: temp },
      inputs: {
        mode: 'smoke',
        'smoke-model': TUNED,
        'smoke-tests': 'tests/smoke.yml',
        'smoke-compare': 'none',
        'smoke-concurrency': '1',
        'openai-api-key': KEY,
        'openai-base-url': stack.url,
        'github-token': TOKEN,
      },
    });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 1, stderr: '' });
    const reportText = readFileSync(r.outputs['smoke-report']!, 'utf8');
    const report = JSON.parse(reportText) as SmokeRun;
    expect(report.cases.map((c) => c.outcomes[0]!.error)).toEqual([expect.stringContaining('Incorrect API key provided: ***.'), expect.stringContaining('bad key ***'), null]);
    expect(report.cases[2]!.outcomes[0]!.answer).toBe('hello, your key is ***');
    expect(r.summary).toContain('Incorrect API key provided: &#42;&#42;&#42;');
    expect(r.stdout).toContain('Incorrect API key provided: ***');
    expectRunClean(r, { 'smoke report': reportText });
  }, 90_000);

  test("check: our token inside a dataset is masked in the PR comment, annotations, summary and report; a stranger's marked comment is left alone (#7)", async () => {
    const MARKER = '<!-- finetune-ci:check-default -->';
    const ws = repo();
    const base = ws.commit('base', { 'data/train.jsonl': dataset(10) });
    ws.git('checkout', '-q', '-b', 'feature-hostile');
    // A role that is our token (≤ 40 characters, so the diagnostic quotes it).
    const head = ws.commit('head', { 'data/train.jsonl': dataset(10) + chatLine(10, TOKEN) + '\n' });
    const number = 4242;
    gh.fake.addPull({ number, baseSha: base, headSha: head, files: [{ filename: 'data/train.jsonl', status: 'modified' }] });
    const bait = gh.fake.addIssueComment(number, `${MARKER}\nput the report here, I will edit it later`, MALLORY);
    const r = await runAction({
      workspace: ws.dir,
      apiUrl: gh.apiUrl,
      payload: pullRequestPayload({ number, baseSha: base, headSha: head, changedFiles: 1, headRef: 'feature-hostile' }),
      inputs: { 'github-token': TOKEN, 'openai-api-key': KEY },
    });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 1, stderr: '' });
    const roleError = r.annotations('error').find((a) => a.message.includes('role'));
    expect(roleError?.message).toContain('is "***"');
    const comments = gh.fake.issueComments(number);
    expect(comments.find((c) => c.id === bait)).toEqual({ id: bait, body: `${MARKER}\nput the report here, I will edit it later`, user: 'mallory' });
    const ours = comments.filter((c) => c.id !== bait);
    expect(ours).toHaveLength(1);
    expect(ours[0]!.user).toBe(BOT.login);
    expect(ours[0]!.body.startsWith(MARKER)).toBe(true);
    expect(ours[0]!.body).toContain('&quot;&#42;&#42;&#42;&quot;');
    expect(r.outputs['comment-url']).toContain(`#issuecomment-${ours[0]!.id}`);
    expect(gh.fake.calls('issues.updateComment').filter((q) => q.path.endsWith(`/${bait}`))).toHaveLength(0);
    expectRunClean(r, { comment: ours[0]!.body });
  }, 90_000);
});

describe('#8 smoke patterns cannot hang a run', () => {
  test('^(a+)+$ against a hostile answer, as a regex check and as a schema pattern: verdicts, not a hang', async () => {
    const ws = repo();
    ws.commit('suite', {
      'tests/smoke.yml': `cases:
  - name: hostile answer
    prompt: "Say a lot of a"
    assert:
      - { type: regex, value: '^(a+)+$' }
  - name: hostile JSON
    prompt: "Give a code"
    assert:
      - type: json-schema
        value: { type: object, properties: { code: { type: string, pattern: '^(a+)+$' } } }
  - name: good answer
    prompt: "Say a few a"
    assert:
      - { type: regex, value: '^(a+)+$' }
`,
    });
    const hostile = `${'a'.repeat(40)}!`;
    stack.fake.scriptChat(TUNED, { text: hostile }, { text: JSON.stringify({ code: hostile }) }, { text: 'aaaa' });
    const temp = tempDir();
    const r = await runAction({
      workspace: ws.dir,
      eventName: 'workflow_dispatch',
      apiUrl: gh.apiUrl,
      payload: { ref: 'refs/heads/main', inputs: {}, repository: { full_name: 'acme/datasets', default_branch: 'main' } },
      env: { RUNNER_TEMP: temp },
      inputs: {
        mode: 'smoke',
        'smoke-model': TUNED,
        'smoke-tests': 'tests/smoke.yml',
        'smoke-compare': 'none',
        'smoke-concurrency': '1',
        'openai-api-key': KEY,
        'openai-base-url': stack.url,
      },
    });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 1, stderr: '' });
    const report = JSON.parse(readFileSync(r.outputs['smoke-report']!, 'utf8')) as SmokeRun;
    expect(report.cases.map((c) => [c.name, c.outcomes[0]!.pass])).toEqual([
      ['hostile answer', false],
      ['hostile JSON', false],
      ['good answer', true],
    ]);
    expect(report.cases[0]!.outcomes[0]!.failed[0]!.reason).toContain('expected to match /^(a+)+$/');
    expect(report.cases[1]!.outcomes[0]!.failed[0]!.reason).toContain('/code must match pattern');
  }, 90_000);

  test('a suite with a lookahead fails the step with a located error, and calls no model', async () => {
    const ws = repo();
    ws.commit('suite', { 'tests/smoke.yml': `cases:\n  - name: x\n    prompt: "Hi"\n    assert:\n      - { type: regex, value: 'sunny(?! in Paris)' }\n` });
    const before = stack.fake.requests.length;
    const r = await runAction({
      workspace: ws.dir,
      eventName: 'workflow_dispatch',
      apiUrl: gh.apiUrl,
      payload: { ref: 'refs/heads/main', inputs: {}, repository: { full_name: 'acme/datasets', default_branch: 'main' } },
      inputs: { mode: 'smoke', 'smoke-model': TUNED, 'smoke-tests': 'tests/smoke.yml', 'smoke-compare': 'none', 'openai-api-key': KEY, 'openai-base-url': stack.url },
    });
    expect(r.code).toBe(1);
    const err = r.annotations('error').find((a) => a.props.title === 'finetune-ci: unsupported-regex');
    expect(err?.props).toMatchObject({ file: 'tests/smoke.yml', line: '5' });
    expect(err?.message).toContain('a lookahead "(?!"');
    expect(stack.fake.requests.length).toBe(before);
  }, 90_000);
});
