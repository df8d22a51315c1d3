import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { baseContentFromApi, baseContentFromGit, BaseContentError, readBaseContent, type BaseContent } from '../../src/github/contents.js';
import { CONTENTS_INLINE_LIMIT, fakeSha } from '../support/fake-github.js';
import { startGithubHarness, type GithubHarness } from '../support/github-harness.js';
import { makeTempRepo } from '../support/github-temp-repo.js';

let gh: GithubHarness;
const made: BaseContent[] = [];
const keep = (b: BaseContent | null) => {
  if (b) made.push(b);
  return b;
};
beforeAll(async () => {
  gh = await startGithubHarness();
});
afterAll(async () => {
  for (const b of made) rmSync(b.dir, { recursive: true, force: true });
  await gh?.stop();
});
afterEach(() => {
  const seen = gh.violations();
  gh.clearViolations();
  expect(seen).toEqual([]);
});

const repo = { owner: 'acme', repo: 'datasets' };
const BASE = fakeSha('contents-base');

/** JSONL bigger than the contents API's inline limit. */
function bigJsonl(bytes: number): Buffer {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = `{"messages":[{"role":"user","content":"question ${i} ${randomBytes(24).toString('hex')}"},{"role":"assistant","content":"answer ${i} — ünïcödé ✓"}]}\n`;
    parts.push(line);
    size += Buffer.byteLength(line);
  }
  return Buffer.from(parts.join(''));
}

describe('baseContentFromApi', () => {
  test('a small file comes inline from the contents API', async () => {
    const body = '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}\n'.repeat(20);
    gh.fake.setFile(BASE, 'data/small.jsonl', body);
    const got = keep(await baseContentFromApi(gh.client(), repo, BASE, 'data/small.jsonl'));
    expect(got).toMatchObject({ source: 'api-contents', size: Buffer.byteLength(body) });
    expect(readFileSync(got!.file, 'utf8')).toBe(body);
    expect(gh.fake.calls('repos.getContent')).toHaveLength(1);
  });

  test('an empty file is an empty base, not a missing one', async () => {
    gh.fake.setFile(BASE, 'data/empty.jsonl', '');
    const got = keep(await baseContentFromApi(gh.client(), repo, BASE, 'data/empty.jsonl'));
    expect(got).toMatchObject({ size: 0, source: 'api-contents' });
  });

  test('a file over 1 MB is streamed with the raw media type', async () => {
    const big = bigJsonl(CONTENTS_INLINE_LIMIT + 300_000);
    gh.fake.setFile(BASE, 'data/big.jsonl', big);
    const before = gh.fake.requests.length;
    const got = keep(await baseContentFromApi(gh.client(), repo, BASE, 'data/big.jsonl'));
    expect(got).toMatchObject({ source: 'api-raw', size: big.length });
    expect(readFileSync(got!.file).equals(big)).toBe(true);
    const calls = gh.fake.requests.slice(before);
    expect(calls.map((c) => c.route)).toEqual(['repos.getContent', 'repos.getContent']);
    expect(calls[1]!.headers.accept).toBe('application/vnd.github.raw+json');
  });

  test('when raw contents are refused, the blob is streamed by sha', async () => {
    const big = bigJsonl(CONTENTS_INLINE_LIMIT + 10);
    gh.fake.setFile(BASE, 'data/big2.jsonl', big);
    gh.fake.fault('repos.getContent', { status: 406, message: 'Unsupported media type', times: 1, match: (r) => /raw/.test(String(r.headers.accept)) });
    const got = keep(await baseContentFromApi(gh.client(), repo, BASE, 'data/big2.jsonl'));
    expect(got).toMatchObject({ source: 'api-blob', size: big.length });
    expect(readFileSync(got!.file).equals(big)).toBe(true);
    expect(gh.fake.calls('git.getBlob')).toHaveLength(1);
  });

  test('a file missing at the base ref is null (new file)', async () => {
    gh.fake.addRef(BASE);
    expect(await baseContentFromApi(gh.client(), repo, BASE, 'data/brand-new.jsonl')).toBeNull();
  });

  test('a directory is an error that says so', async () => {
    gh.fake.setFile(BASE, 'dir/inner/x.jsonl', 'x\n');
    await expect(baseContentFromApi(gh.client(), repo, BASE, 'dir/inner')).rejects.toThrow(/is a directory/);
  });

  test('a server error is not mistaken for a new file', async () => {
    gh.fake.setFile(BASE, 'data/flaky.jsonl', 'x\n');
    gh.fake.fault('repos.getContent', { status: 403, message: 'Resource not accessible by integration', times: 1 });
    await expect(baseContentFromApi(gh.client(), repo, BASE, 'data/flaky.jsonl')).rejects.toMatchObject({ status: 403 });
  });

  test('a symbolic link is refused, not followed (GitHub answers a link to a repository file with that file)', async () => {
    gh.fake.setFile(BASE, '.github/workflows/secret.yml', 'not a dataset\n');
    gh.fake.setSymlink(BASE, 'data/inside-link.jsonl', '../.github/workflows/secret.yml');
    gh.fake.setSymlink(BASE, 'data/outside-link.jsonl', '/proc/self/environ');
    await expect(baseContentFromApi(gh.client(), repo, BASE, 'data/inside-link.jsonl')).rejects.toThrow('data/inside-link.jsonl at ' + BASE + ' is a symbolic link, which finetune-ci does not follow');
    await expect(baseContentFromApi(gh.client(), repo, BASE, 'data/outside-link.jsonl')).rejects.toThrow(/is a symlink, not a file/);
  });

  test('a 502 on a GET is retried', async () => {
    gh.fake.setFile(BASE, 'data/retry.jsonl', 'r\n');
    gh.fake.fault('repos.getContent', { status: 502, times: 1 });
    const got = keep(await baseContentFromApi(gh.client(), repo, BASE, 'data/retry.jsonl'));
    expect(readFileSync(got!.file, 'utf8')).toBe('r\n');
  });
});

describe('from git', () => {
  test('baseContentFromGit streams the blob at the commit; missing path is null', async () => {
    const r = makeTempRepo();
    try {
      const big = bigJsonl(2 * CONTENTS_INLINE_LIMIT);
      const base = r.commit('base', { 'data/train.jsonl': big, 'data/crlf.jsonl': Buffer.from('a\r\nb\r\n') });
      r.commit('head', { 'data/train.jsonl': 'changed\n' });
      const got = keep(await baseContentFromGit(r.dir, base, 'data/train.jsonl'));
      expect(got).toMatchObject({ source: 'git', size: big.length });
      expect(readFileSync(got!.file).equals(big)).toBe(true);
      const crlf = keep(await baseContentFromGit(r.dir, base, 'data/crlf.jsonl'));
      expect(readFileSync(crlf!.file).toString('latin1')).toBe('a\r\nb\r\n');
      expect(await baseContentFromGit(r.dir, base, 'data/not-there.jsonl')).toBeNull();
      await expect(baseContentFromGit(r.dir, base, 'data')).rejects.toThrow(BaseContentError);
    } finally {
      r.remove();
    }
  });

  test('a symbolic link in the base tree (mode 120000) is refused, never followed; names are literal', async () => {
    const r = makeTempRepo();
    try {
      r.git('config', 'http.https://github.com/.extraheader', 'AUTHORIZATION: basic c2VjcmV0');
      r.commit('files', { 'data/real.jsonl': 'real\n', 'data/*.jsonl': 'star\n', 'data/[a].jsonl': 'bracket\n' });
      symlinkSync('../.git/config', join(r.dir, 'data/link.jsonl'));
      symlinkSync('/proc/self/environ', join(r.dir, 'data/environ.jsonl'));
      symlinkSync('real.jsonl', join(r.dir, 'data/sibling.jsonl'));
      r.git('add', 'data');
      r.git('commit', '-q', '-m', 'links');
      const base = r.git('rev-parse', 'HEAD');
      for (const path of ['data/link.jsonl', 'data/environ.jsonl', 'data/sibling.jsonl']) {
        await expect(baseContentFromGit(r.dir, base, path)).rejects.toThrow(`${path} at ${base.slice(0, 7)} is a symbolic link, which finetune-ci does not follow`);
      }
      // Glob characters are part of the name, not a pattern; `./` is the root.
      expect(readFileSync(keep(await baseContentFromGit(r.dir, base, 'data/*.jsonl'))!.file, 'utf8')).toBe('star\n');
      expect(readFileSync(keep(await baseContentFromGit(r.dir, base, 'data/[a].jsonl'))!.file, 'utf8')).toBe('bracket\n');
      expect(readFileSync(keep(await baseContentFromGit(r.dir, base, './data/real.jsonl'))!.file, 'utf8')).toBe('real\n');
      expect(await baseContentFromGit(r.dir, base, '../outside.jsonl')).toBeNull();
      expect(await baseContentFromGit(r.dir, base, 'data/link.jsonl/x')).toBeNull();
    } finally {
      r.remove();
    }
  });

  test('readBaseContent uses git when the commit is there, else the API', async () => {
    const r = makeTempRepo();
    try {
      const base = r.commit('base', { 'data/x.jsonl': 'from git\n' });
      const octokit = gh.client();
      const before = gh.fake.requests.length;
      const local = keep(await readBaseContent({ octokit, repo, workspace: r.dir, ref: base, path: 'data/x.jsonl' }));
      expect(local?.source).toBe('git');
      expect(gh.fake.requests.length).toBe(before);

      const remoteSha = fakeSha('only-on-github');
      gh.fake.setFile(remoteSha, 'data/x.jsonl', 'from api\n');
      const remote = keep(await readBaseContent({ octokit, repo, workspace: r.dir, ref: remoteSha, path: 'data/x.jsonl' }));
      expect(remote?.source).toBe('api-contents');
      expect(readFileSync(remote!.file, 'utf8')).toBe('from api\n');

      expect(await readBaseContent({ octokit, repo, workspace: r.dir, ref: base, path: 'data/new.jsonl' })).toBeNull();
    } finally {
      r.remove();
    }
  });
});
