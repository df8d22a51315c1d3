/**
 * Reading outside the workspace (issue 14, High #2): every dataset, suite and config path is
 * resolved to its real path and refused when it leads outside the workspace, into .git, or to
 * something that is not a regular file — with real symbolic links in a temp git repository.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { configReader, ConfigError } from '../src/config.js';
import { confine } from '../src/paths.js';
import { readSuite } from '../src/smoke/suite.js';
import { makeTempRepo, type TempRepo } from './support/github-temp-repo.js';

const SECRET = 'finetune-ci-canary-7f3a9c';
let repo: TempRepo;
let outside: string;
let ws: string;

beforeAll(() => {
  repo = makeTempRepo();
  ws = repo.dir;
  outside = mkdtempSync(join(tmpdir(), 'finetune-ci-runner-temp-'));
  writeFileSync(join(outside, 'secret.txt'), `TOKEN=${SECRET}\n`);
  // What actions/checkout leaves in .git/config when it persists credentials.
  repo.git('config', 'http.https://github.com/.extraheader', `AUTHORIZATION: basic ${SECRET}`);
  repo.commit('data', { 'data/train.jsonl': '{"messages":[]}\n', 'smoke/ok.yml': 'cases: []\n' });
  mkdirSync(join(ws, 'links'));
  symlinkSync(join(outside, 'secret.txt'), join(ws, 'links', 'runner-temp.jsonl'));
  symlinkSync('/proc/self/environ', join(ws, 'links', 'environ.jsonl'));
  symlinkSync('../.git/config', join(ws, 'links', 'git-config.jsonl'));
  symlinkSync('../data/train.jsonl', join(ws, 'links', 'inside.jsonl'));
  symlinkSync('../data', join(ws, 'links', 'data-dir'));
  symlinkSync(outside, join(ws, 'links', 'outside-dir'));
  symlinkSync('/nonexistent/finetune-ci', join(ws, 'links', 'dangling.jsonl'));
  symlinkSync(join(outside, 'secret.txt'), join(ws, 'links', 'suite.yml'));
  repo.git('add', 'links');
  repo.git('commit', '-q', '-m', 'links');
});
afterAll(() => {
  repo.remove();
  rmSync(outside, { recursive: true, force: true });
});

describe('confine', () => {
  test('a file in the workspace, or a link to one, resolves to its real path', async () => {
    expect(await confine(ws, 'data/train.jsonl')).toEqual({ ok: true, path: join(realpathSync(ws), 'data/train.jsonl') });
    expect(await confine(ws, 'links/inside.jsonl')).toEqual({ ok: true, path: join(realpathSync(ws), 'data/train.jsonl') });
    expect(await confine(ws, 'links/data-dir/train.jsonl')).toMatchObject({ ok: true });
    expect(await confine(ws, './data/../data/train.jsonl')).toMatchObject({ ok: true });
  });

  test.each([
    ['links/runner-temp.jsonl', 'outside', 'is a symbolic link that leads outside the workspace'],
    ['links/environ.jsonl', 'outside', 'is a symbolic link that leads outside the workspace'],
    ['links/outside-dir/secret.txt', 'outside', 'is a symbolic link that leads outside the workspace'],
    ['links/git-config.jsonl', 'git-dir', "is a symbolic link into the repository's .git directory"],
    ['.git/config', 'git-dir', "is inside the repository's .git directory"],
    ['../../../../../../../etc/passwd', 'outside', 'is outside the workspace'],
    ['/etc/passwd', 'outside', 'is outside the workspace'],
    ['data', 'not-file', 'is not a regular file'],
    ['links/data-dir', 'not-file', 'is a symbolic link to something that is not a regular file'],
    ['links/dangling.jsonl', 'missing', 'does not exist'],
    ['data/nope.jsonl', 'missing', 'does not exist'],
  ])('%s is refused (%s), quoting nothing of the target', async (path, problem, reason) => {
    const c = await confine(ws, path);
    expect(c).toEqual({ ok: false, problem, reason });
  });

  test("allowOutside (CLI arguments): a path naming a place outside is the caller's; a link inside leading out is not", async () => {
    const abs = join(outside, 'secret.txt');
    expect(await confine(ws, abs, { allowOutside: true })).toMatchObject({ ok: true });
    expect(await confine(ws, relative(ws, abs), { allowOutside: true })).toMatchObject({ ok: true });
    expect(await confine(ws, 'links/runner-temp.jsonl', { allowOutside: true })).toMatchObject({ ok: false, problem: 'outside' });
    expect(await confine(ws, 'links/git-config.jsonl', { allowOutside: true })).toMatchObject({ ok: false, problem: 'git-dir' });
  });
});

describe('the config file and suites', () => {
  test('a config file that is a link out of the workspace is a located error, not read', async () => {
    symlinkSync(join(outside, 'secret.txt'), join(ws, 'config-link.yml'));
    const read = configReader(ws);
    let err: unknown;
    try {
      await read('config-link.yml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const e = err as ConfigError;
    expect(e.message).toBe('config-link.yml: the config file is a symbolic link that leads outside the workspace; finetune-ci reads its config only from a regular file inside the repository');
    expect(e.problems).toEqual([expect.objectContaining({ file: 'config-link.yml', line: null })]);
    expect(e.message).not.toContain(SECRET);
    expect(e.message).not.toContain(outside);
    await expect(read('../../../../../../../etc/hostname')).rejects.toThrow('is outside the workspace');
    await expect(read('.git/config')).rejects.toThrow("inside the repository's .git directory");
    expect(await read('no-such.yml')).toBeNull();
    expect(await read('smoke/ok.yml')).toBe('cases: []\n');
  });

  test('a suite that is a link out of the workspace is an unsafe-path diagnostic at the suite', async () => {
    const r = await readSuite('links/suite.yml', { workspace: ws });
    expect(r.suite).toBeNull();
    expect(r.diagnostics).toEqual([
      expect.objectContaining({
        code: 'unsafe-path',
        severity: 'error',
        file: 'links/suite.yml',
        message: 'the smoke suite links/suite.yml is a symbolic link that leads outside the workspace; finetune-ci reads only regular files inside the repository',
      }),
    ]);
    expect(JSON.stringify(r)).not.toContain(SECRET);
    expect((await readSuite('smoke/ok.yml', { workspace: ws })).diagnostics.map((d) => d.code)).not.toContain('unsafe-path');
    expect((await readSuite('smoke/none.yml', { workspace: ws })).diagnostics.map((d) => d.code)).toEqual(['suite-not-found']);
  });
});
