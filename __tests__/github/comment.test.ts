import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { CommentForbiddenError, commentMarker, upsertCommitComment, upsertStickyComment, upsertStickyCommentOrThrow } from '../../src/github/comment.js';
import { BOT, fakeSha, OCTOCAT, type FakeUser } from '../support/fake-github.js';
import { startGithubHarness, type GithubHarness } from '../support/github-harness.js';

let gh: GithubHarness;
let nextPr = 100;
beforeAll(async () => {
  gh = await startGithubHarness();
});
afterAll(async () => {
  await gh?.stop();
});
afterEach(() => {
  gh.fake.clearFaults();
  const seen = gh.violations();
  gh.clearViolations();
  expect(seen).toEqual([]);
});

const repo = { owner: 'acme', repo: 'datasets' };
function newPr(): number {
  const n = nextPr++;
  gh.fake.addPull({ number: n });
  return n;
}
const ours = (n: number, id = 'check') => gh.fake.issueComments(n).filter((c) => c.body.startsWith(commentMarker(id)));

describe('upsertStickyComment', () => {
  test('creates on the first run, updates in place on the second', async () => {
    const n = newPr();
    const octokit = gh.client();
    const first = await upsertStickyComment(octokit, { ...repo, issueNumber: n }, '## Dataset check\nfirst');
    expect(first).toMatchObject({ ok: true, action: 'created' });
    if (!first.ok) throw new Error('unreachable');
    expect(first.url).toBe(`https://github.com/acme/datasets/pull/${n}#issuecomment-${first.id}`);

    const second = await upsertStickyComment(octokit, { ...repo, issueNumber: n }, '## Dataset check\nsecond');
    expect(second).toEqual({ ok: true, action: 'updated', id: first.id, url: first.url, deletedDuplicates: [] });
    expect(gh.fake.issueComments(n)).toEqual([{ id: first.id, body: `${commentMarker()}\n## Dataset check\nsecond`, user: BOT.login }]);
  });

  test('finds ours among 150 earlier comments (second page)', async () => {
    const n = newPr();
    for (let i = 0; i < 120; i++) gh.fake.addIssueComment(n, `comment ${i} by a person`);
    gh.fake.actor = BOT;
    const first = await upsertStickyComment(gh.client(), { ...repo, issueNumber: n }, 'report v1');
    for (let i = 120; i < 150; i++) gh.fake.addIssueComment(n, `comment ${i}, mentions ${commentMarker()} in passing`, OCTOCAT);
    const before = gh.fake.requests.length;
    const second = await upsertStickyComment(gh.client(), { ...repo, issueNumber: n }, 'report v2');
    expect(second).toMatchObject({ ok: true, action: 'updated', id: first.ok ? first.id : -1 });
    expect(gh.fake.issueComments(n)).toHaveLength(151);
    expect(ours(n)).toHaveLength(1);
    expect(ours(n)[0]!.body).toContain('report v2');
    const lists = gh.fake.requests.slice(before).filter((r) => r.route === 'issues.listComments');
    expect(lists.map((r) => r.query.page ?? '1')).toEqual(['1', '2']);
  });

  test('separate ids keep separate comments', async () => {
    const n = newPr();
    await upsertStickyComment(gh.client(), { ...repo, issueNumber: n }, 'a', { id: 'train-set' });
    await upsertStickyComment(gh.client(), { ...repo, issueNumber: n }, 'b', { id: 'eval-set' });
    await upsertStickyComment(gh.client(), { ...repo, issueNumber: n }, 'a2', { id: 'train-set' });
    expect(gh.fake.issueComments(n).map((c) => c.body)).toEqual([`${commentMarker('train-set')}\na2`, `${commentMarker('eval-set')}\nb`]);
    expect(commentMarker('x --> <script>')).toBe('<!-- finetune-ci:x-script- -->');
  });

  test('two racing runs end with one comment', async () => {
    const n = newPr();
    // Hold both first listings until both runs have asked, so both see "no comment yet".
    gh.fake.fault('issues.listComments', { delayMs: 150, times: 2 });
    const [a, b] = await Promise.all([upsertStickyComment(gh.client(), { ...repo, issueNumber: n }, 'run A'), upsertStickyComment(gh.client(), { ...repo, issueNumber: n }, 'run B')]);
    expect(gh.fake.calls('issues.createComment').filter((r) => r.path.endsWith(`/${n}/comments`))).toHaveLength(2);
    const left = gh.fake.issueComments(n);
    expect(left).toHaveLength(1);
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(a.id).toBe(left[0]!.id);
    expect(b.id).toBe(left[0]!.id);
    expect([...a.deletedDuplicates, ...b.deletedDuplicates].length).toBeGreaterThanOrEqual(1);
  });

  test('duplicates left by an earlier race are cleaned up, oldest kept', async () => {
    const n = newPr();
    const oldest = gh.fake.addIssueComment(n, `${commentMarker()}\nold 1`, BOT);
    const dup = gh.fake.addIssueComment(n, `${commentMarker()}\nold 2`, BOT);
    const r = await upsertStickyComment(gh.client(), { ...repo, issueNumber: n }, 'new');
    expect(r).toMatchObject({ ok: true, action: 'updated', id: oldest, deletedDuplicates: [dup] });
    expect(gh.fake.issueComments(n)).toEqual([{ id: oldest, body: `${commentMarker()}\nnew`, user: BOT.login }]);
  });

  test('403 on create (fork PR, read-only token) is a typed result, not a crash', async () => {
    const n = newPr();
    gh.fake.fault('issues.createComment', { status: 403, message: 'Resource not accessible by integration' });
    const r = await upsertStickyComment(gh.client(), { ...repo, issueNumber: n }, 'report');
    expect(r).toMatchObject({ ok: false, reason: 'forbidden', status: 403 });
    if (r.ok) return;
    expect(r.message).toMatch(/Resource not accessible by integration.*forks/s);
    expect(gh.fake.issueComments(n)).toEqual([]);
    await expect(upsertStickyCommentOrThrow(gh.client(), { ...repo, issueNumber: n }, 'report')).rejects.toBeInstanceOf(CommentForbiddenError);
  });

  test('403 on update and create (read-only token) is the same typed result', async () => {
    const n = newPr();
    gh.fake.addIssueComment(n, `${commentMarker()}\nold`, BOT);
    gh.fake.fault('issues.updateComment', { status: 403, message: 'Resource not accessible by integration' });
    gh.fake.fault('issues.createComment', { status: 403, message: 'Resource not accessible by integration' });
    const r = await upsertStickyComment(gh.client(), { ...repo, issueNumber: n }, 'report');
    expect(r).toMatchObject({ ok: false, reason: 'forbidden', status: 403 });
  });

  test("a marked comment we may not edit (another identity's) is left alone; ours is created and kept", async () => {
    const n = newPr();
    const foreign = gh.fake.addIssueComment(n, `${commentMarker()}\nsomeone quoted the marker`, OCTOCAT);
    gh.fake.fault('issues.updateComment', { status: 403, message: 'Resource not accessible by integration', match: (q) => q.path.endsWith(`/${foreign}`) });
    const first = await upsertStickyComment(gh.client(), { ...repo, issueNumber: n }, 'report 1');
    expect(first).toMatchObject({ ok: true, action: 'created', deletedDuplicates: [] });
    const second = await upsertStickyComment(gh.client(), { ...repo, issueNumber: n }, 'report 2');
    expect(second).toMatchObject({ ok: true, action: 'updated', id: (first as { id: number }).id });
    const all = gh.fake.issueComments(n);
    expect(all.find((c) => c.id === foreign)?.body).toContain('someone quoted the marker');
    expect(all.filter((c) => c.body.includes('report'))).toHaveLength(1);
  });

  test('a comment deleted between list and update is re-created', async () => {
    const n = newPr();
    const id = gh.fake.addIssueComment(n, `${commentMarker()}\nold`, BOT);
    gh.fake.fault('issues.updateComment', { times: 1, before: () => gh.fake.deleteComment(id) });
    const r = await upsertStickyComment(gh.client(), { ...repo, issueNumber: n }, 'fresh');
    expect(r).toMatchObject({ ok: true, action: 'created' });
    expect(r.ok && r.id).not.toBe(id);
    expect(gh.fake.issueComments(n)).toHaveLength(1);
  });

  test('an unchanged body is not written again', async () => {
    const n = newPr();
    await upsertStickyComment(gh.client(), { ...repo, issueNumber: n }, 'same');
    const before = gh.fake.calls('issues.updateComment').length;
    const r = await upsertStickyComment(gh.client(), { ...repo, issueNumber: n }, 'same');
    expect(r).toMatchObject({ ok: true, action: 'updated' });
    expect(gh.fake.calls('issues.updateComment').length).toBe(before);
  });
});

describe('upsertCommitComment', () => {
  test('creates then updates one comment on the commit', async () => {
    const sha = fakeSha('merged-commit');
    gh.fake.addCommitComment(sha, 'nice!', OCTOCAT);
    const a = await upsertCommitComment(gh.client(), { ...repo, sha }, 'training started');
    const b = await upsertCommitComment(gh.client(), { ...repo, sha }, 'training done');
    expect(a).toMatchObject({ ok: true, action: 'created' });
    expect(b).toMatchObject({ ok: true, action: 'updated', id: a.ok ? a.id : -1 });
    expect(b.ok && b.url).toMatch(new RegExp(`/commit/${sha}#commitcomment-\\d+$`));
    expect(gh.fake.commitComments(sha).map((c) => c.body)).toEqual(['nice!', `${commentMarker('train')}\ntraining done`]);
  });

  test('403 on a commit comment is the typed result', async () => {
    gh.fake.fault('repos.createCommitComment', { status: 403 });
    const r = await upsertCommitComment(gh.client(), { ...repo, sha: fakeSha('other') }, 'x');
    expect(r).toMatchObject({ ok: false, status: 403 });
  });
});

describe('comment takeover (issue 14 #7): only comments written by our own identity count', () => {
  const MALLORY: FakeUser = { login: 'mallory', id: 7_770_001, type: 'User' };
  const OTHER_APP: FakeUser = { login: 'other-app[bot]', id: 7_770_002, type: 'Bot' };
  const MACHINE: FakeUser = { login: 'ci-machine-user', id: 7_770_003, type: 'User' };
  const writesTo = (route: 'issues.updateComment' | 'issues.deleteComment' | 'repos.updateCommitComment' | 'repos.deleteCommitComment', id: number) =>
    gh.fake.calls(route).filter((r) => r.path.endsWith(`/${id}`)).length;

  test("installation token: a stranger's comment that starts with our marker is never written to", async () => {
    const n = newPr();
    const bait = gh.fake.addIssueComment(n, `${commentMarker()}\nplease put the report here`, MALLORY);
    // The fake lets a write token edit anyone's comment, as GitHub does: that is the attack.
    const probe = gh.fake.addIssueComment(n, 'a comment anyone with write access may edit', MALLORY);
    await gh.client().rest.issues.updateComment({ ...repo, comment_id: probe, body: 'edited by the bot' });
    expect(gh.fake.issueComments(n).find((c) => c.id === probe)?.body).toBe('edited by the bot');

    const first = await upsertStickyComment(gh.client(), { ...repo, issueNumber: n }, 'report 1');
    expect(first).toMatchObject({ ok: true, action: 'created', deletedDuplicates: [] });
    const second = await upsertStickyComment(gh.client(), { ...repo, issueNumber: n }, 'report 2');
    expect(second).toMatchObject({ ok: true, action: 'updated', id: first.ok ? first.id : -1, deletedDuplicates: [] });
    expect(writesTo('issues.updateComment', bait) + writesTo('issues.deleteComment', bait)).toBe(0);
    const all = gh.fake.issueComments(n);
    expect(all.find((c) => c.id === bait)).toEqual({ id: bait, body: `${commentMarker()}\nplease put the report here`, user: 'mallory' });
    expect(all.filter((c) => c.body.includes('report 2'))).toEqual([{ id: first.ok ? first.id : -1, body: `${commentMarker()}\nreport 2`, user: BOT.login }]);
    // GitHub refused GET /user to the installation token: that is how we knew we write as a bot.
    expect(gh.fake.calls('users.getAuthenticated').map((r) => r.status)).toContain(403);
  });

  test("installation token: our earlier bot comment is updated; older and newer strangers' ones stay", async () => {
    const n = newPr();
    const before = gh.fake.addIssueComment(n, `${commentMarker()}\nolder bait`, MALLORY);
    const ours = gh.fake.addIssueComment(n, `${commentMarker()}\nreport v1`, BOT);
    const after = gh.fake.addIssueComment(n, `${commentMarker()}\nnewer bait`, OCTOCAT);
    const r = await upsertStickyComment(gh.client(), { ...repo, issueNumber: n }, 'report v2');
    expect(r).toMatchObject({ ok: true, action: 'updated', id: ours, deletedDuplicates: [] });
    expect(gh.fake.issueComments(n).map((c) => c.body.split('\n')[1])).toEqual(['older bait', 'report v2', 'newer bait']);
    for (const id of [before, after]) expect(writesTo('issues.updateComment', id) + writesTo('issues.deleteComment', id)).toBe(0);
  });

  test("personal token: GET /user names the account; other people's and bots' marked comments are left alone", async () => {
    const token = 'ghp_machineUserTokenForTests0123456789';
    gh.fake.addToken(token, MACHINE);
    const n = newPr();
    const bait = gh.fake.addIssueComment(n, `${commentMarker()}\nbait`, MALLORY);
    const botOne = gh.fake.addIssueComment(n, `${commentMarker()}\nan app's comment`, OTHER_APP);
    const ours = gh.fake.addIssueComment(n, `${commentMarker()}\nreport v1`, MACHINE);
    const octokit = gh.client({ token });
    const r = await upsertStickyComment(octokit, { ...repo, issueNumber: n }, 'report v2');
    expect(r).toMatchObject({ ok: true, action: 'updated', id: ours, deletedDuplicates: [] });
    for (const id of [bait, botOne]) expect(writesTo('issues.updateComment', id) + writesTo('issues.deleteComment', id)).toBe(0);
    expect(gh.fake.issueComments(n).map((c) => [c.user, c.body.split('\n')[1]])).toEqual([
      ['mallory', 'bait'],
      ['other-app[bot]', "an app's comment"],
      ['ci-machine-user', 'report v2'],
    ]);
    // Without an earlier comment of ours, the account writes its own (and asks GET /user once per client).
    const m = newPr();
    gh.fake.addIssueComment(m, `${commentMarker()}\nbait`, MALLORY);
    const created = await upsertStickyComment(octokit, { ...repo, issueNumber: m }, 'report');
    expect(created).toMatchObject({ ok: true, action: 'created' });
    expect(gh.fake.issueComments(m).map((c) => c.user)).toEqual(['mallory', 'ci-machine-user']);
    expect(gh.fake.calls('users.getAuthenticated').filter((q) => q.headers.authorization === `token ${token}`)).toHaveLength(1);
  });

  test("commit comments: a stranger's marked comment on the merge commit is never written to", async () => {
    const sha = fakeSha('merged-with-bait');
    const bait = gh.fake.addCommitComment(sha, `${commentMarker('train')}\nbait`, MALLORY);
    const a = await upsertCommitComment(gh.client(), { ...repo, sha }, 'training started');
    const b = await upsertCommitComment(gh.client(), { ...repo, sha }, 'training done');
    expect(a).toMatchObject({ ok: true, action: 'created' });
    expect(b).toMatchObject({ ok: true, action: 'updated', id: a.ok ? a.id : -1 });
    expect(writesTo('repos.updateCommitComment', bait) + writesTo('repos.deleteCommitComment', bait)).toBe(0);
    expect(gh.fake.commitComments(sha).map((c) => [c.user, c.body.split('\n')[1]])).toEqual([
      ['mallory', 'bait'],
      [BOT.login, 'training done'],
    ]);
  });
});
