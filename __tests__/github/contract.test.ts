/** The contract check itself: the cut of GitHub's description is complete and current, and Prism bites. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { upsertStickyComment } from '../../src/github/comment.js';
import { listChangedFiles } from '../../src/github/changed-files.js';
import { cutGithubSpec, FULL_SPEC, GITHUB_OPERATIONS, writeGithubSpecCut } from '../support/github-openapi.js';
import { startGithubHarness, type GithubHarness } from '../support/github-harness.js';

describe('cut of api.github.com', () => {
  const full = JSON.parse(readFileSync(FULL_SPEC, 'utf8'));

  test('holds exactly the operations used, and every $ref resolves inside it', () => {
    const cut = cutGithubSpec(full);
    const ops = Object.entries(cut.paths as Record<string, Record<string, unknown>>).flatMap(([p, item]) =>
      Object.keys(item)
        .filter((m) => m !== 'parameters')
        .map((m) => `${m} ${p}`),
    );
    expect(ops.sort()).toEqual(GITHUB_OPERATIONS.map(([m, p]) => `${m} ${p}`).sort());
    const text = JSON.stringify(cut);
    const refs = new Set([...text.matchAll(/"\$ref":"#\/components\/([^/]+)\/([^"]+)"/g)].map((m) => `${m[1]}/${m[2]}`));
    const comps = cut.components as Record<string, Record<string, unknown>>;
    for (const r of refs) {
      const [kind, name] = r.split('/') as [string, string];
      expect(comps[kind]?.[name]).toBeDefined();
    }
    expect(text.length).toBeLessThan(1_000_000);
  });

  test('the cached cut is current with the installed @octokit/openapi', async () => {
    const file = await writeGithubSpecCut();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(cutGithubSpec(full));
  });

  test('an operation missing from the description is an error, not a silent gap', () => {
    expect(() => cutGithubSpec(full, [['get', '/repos/{owner}/{repo}/no-such-thing']])).toThrow(/not in the description/);
  });
});

describe('Prism in front of the fake', () => {
  let gh: GithubHarness;
  beforeAll(async () => {
    gh = await startGithubHarness();
    // Shown in the test output: how long the cut takes to load.
    process.stdout.write(`Prism (cut spec) listening after ${gh.prism!.startupMs} ms\n`);
  });
  afterAll(async () => {
    await gh?.stop();
  });
  const repo = { owner: 'acme', repo: 'datasets' };

  test('a well-formed exchange has no violations', async () => {
    gh.fake.addPull({ number: 1, files: [{ filename: 'a.jsonl', status: 'added' }] });
    await upsertStickyComment(gh.client(), { ...repo, issueNumber: 1 }, 'ok');
    await listChangedFiles(gh.client(), { ...repo, pullNumber: 1 });
    expect(gh.violations({ all: true })).toEqual([]);
  });

  test('a comment without id and html_url is refused by Prism', async () => {
    gh.clearViolations();
    gh.fake.addPull({ number: 2 });
    gh.fake.fault('issues.createComment', {
      times: 1,
      mutate: (c) => {
        delete c.id;
        delete c.html_url;
        return c;
      },
    });
    await expect(upsertStickyComment(gh.client({ retries: 0 }), { ...repo, issueNumber: 2 }, 'x')).rejects.toMatchObject({ status: 500 });
    const messages = gh.violations().flatMap((v) => v.details.map((d) => d.message));
    expect(messages).toEqual(expect.arrayContaining(["Response body must have required property 'id'", "Response body must have required property 'html_url'"]));
    // Prism's own log names the refusal too (useful when the client is `node dist/index.js`).
    for (let i = 0; i < 500 && gh.prism!.violations().length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(gh.prism!.violations()).toEqual([expect.objectContaining({ method: 'POST', message: expect.stringMatching(/VIOLATIONS/) })]);
  });

  test('a diff entry with a status GitHub never sends is refused', async () => {
    gh.clearViolations();
    gh.fake.addPull({ number: 3, files: [{ filename: 'a.jsonl' }] });
    gh.fake.fault('pulls.listFiles', { times: 1, mutate: (files) => files.map((f: { status: string }) => ({ ...f, status: 'moved' })) });
    await expect(listChangedFiles(gh.client({ retries: 0 }), { ...repo, pullNumber: 3 })).rejects.toMatchObject({ status: 500 });
    expect(JSON.stringify(gh.violations())).toMatch(/must be equal to one of the allowed values/);
  });

  test('a request that breaks the contract never reaches the fake', async () => {
    gh.clearViolations();
    const before = gh.fake.requests.length;
    const octokit = gh.client({ retries: 0 });
    await expect(octokit.request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...repo, issue_number: 2, per_page: 'many' as unknown as number })).rejects.toMatchObject({
      status: 422,
    });
    expect(gh.fake.requests.length).toBe(before);
    expect(JSON.stringify(gh.violations())).toMatch(/per_page/);
  });
});
