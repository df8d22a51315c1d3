/**
 * The test-data resolver (./support/shared-data.ts): environment variable, then ../shared, then
 * the cache or a download checked against the pinned sha256; with none, an error that says which
 * file is needed and where to get it. Downloads go to a local server here (no network).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envVarFor, sharedFile, sharedFilesUnder, SharedDataMissing, type Generator, type SharedFile } from './support/shared-data.js';
import { SHARED_MANIFEST, TOGETHER_TESTS } from './support/shared-manifest.js';

const BODY = '{"a":1}\n{"b":2}\n{"c":3}\n';
/** Shaped like together-python's test files (our own text): what together-cases.py runs. */
const TESTS_PY = [
  'import pytest',
  'from pathlib import Path',
  'from together.utils.files import check_file',
  '',
  'def test_check_jsonl_plain(tmp_path: Path):',
  '    f = tmp_path / "x.jsonl"',
  '    f.write_text(\'{"text": "a"}\\n\')',
  '    report = check_file(f)',
  '    assert not report["is_check_passed"]  # our stand-in passes everything: ignored',
  '',
  '@pytest.mark.parametrize("name, body", [pytest.param("one", "1", id="first"), pytest.param("two", "2", id="second")])',
  'def test_check_jsonl_param(tmp_path, name, body):',
  '    f = tmp_path / f"{name}.jsonl"',
  '    f.write_text(body)',
  '    check_file(f)',
  '',
  'def test_check_csv_not_run(tmp_path):',
  '    raise RuntimeError("only test_check_jsonl_* functions run")',
  '',
].join('\n');
const MADE = { 'test_check_jsonl_plain.jsonl': '{"text": "a"}\n', 'test_check_jsonl_param_one.jsonl': '1', 'test_check_jsonl_param_two.jsonl': '2' };
const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

let server: Server;
let base: string;
let hits: string[];
let dir: string;
const saved = { ...process.env };

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/data.jsonl') res.end(BODY);
    else if (req.url === '/tests.py') res.end(TESTS_PY);
    else if (req.url === '/tampered.jsonl') res.end(BODY.replace('3', '4'));
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

beforeEach(() => {
  hits = [];
  dir = mkdtempSync(join(tmpdir(), 'ftci-shared-'));
  mkdirSync(join(dir, 'beside'));
  process.env.FINETUNE_CI_SHARED_BESIDE = join(dir, 'beside');
  process.env.FINETUNE_CI_SHARED_CACHE = join(dir, 'cache');
  delete process.env.FINETUNE_CI_SHARED_DIR;
});
afterEach(() => {
  for (const k of Object.keys(process.env)) if (k.startsWith('FINETUNE_CI_SHARED')) delete process.env[k];
  Object.assign(process.env, saved);
  rmSync(dir, { recursive: true, force: true });
});

function entry(over: Partial<SharedFile> = {}): SharedFile {
  return { path: 'data/x/data.jsonl', sha256: sha(BODY), bytes: BODY.length, url: `${base}/data.jsonl`, source: 'a test file', ...over };
}

describe('sharedFile', () => {
  test('with nothing available it fails and names the file, the variable, the folder and the URL', async () => {
    const m = [entry({ url: `${base}/gone.jsonl` })];
    const err = (await sharedFile('data/x/data.jsonl', { manifest: m }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(SharedDataMissing);
    expect(err.message).toContain('This test needs shared/data/x/data.jsonl: a test file');
    expect(err.message).toContain('set FINETUNE_CI_SHARED_DATA_X_DATA_JSONL to a copy of it');
    expect(err.message).toContain(join(dir, 'beside', 'data/x/data.jsonl'));
    expect(err.message).toContain(`download it from ${base}/gone.jsonl`);
    expect(err.message).toContain('Tried: downloading it failed: HTTP 404');
  });

  test('a file without a URL says it must be copied', async () => {
    const err = (await sharedFile('data/x/data.jsonl', { manifest: [entry({ url: undefined })] }).catch((e: unknown) => e)) as Error;
    expect(err.message).toContain('it is not published as a file');
    expect(hits).toEqual([]);
  });

  test("the file's environment variable comes first, and must have the pinned sha256", async () => {
    const f = join(dir, 'mine.jsonl');
    writeFileSync(f, BODY);
    writeFileSync(join(dir, 'beside', 'ignored'), '');
    process.env[envVarFor('data/x/data.jsonl')] = f;
    expect(await sharedFile('data/x/data.jsonl', { manifest: [entry()] })).toBe(f);
    writeFileSync(f, 'other');
    await expect(sharedFile('data/x/data.jsonl', { manifest: [entry()] })).rejects.toThrow(`has sha256 ${sha('other')}, not the pinned ${sha(BODY)}`);
    expect(hits).toEqual([]);
  });

  test('FINETUNE_CI_SHARED_DIR is a folder laid out like shared/', async () => {
    mkdirSync(join(dir, 'copy', 'data', 'x'), { recursive: true });
    writeFileSync(join(dir, 'copy', 'data', 'x', 'data.jsonl'), BODY);
    process.env.FINETUNE_CI_SHARED_DIR = join(dir, 'copy');
    expect(await sharedFile('data/x/data.jsonl', { manifest: [entry()] })).toBe(join(dir, 'copy', 'data', 'x', 'data.jsonl'));
  });

  test('../shared beside the project is used when present', async () => {
    mkdirSync(join(dir, 'beside', 'data', 'x'), { recursive: true });
    writeFileSync(join(dir, 'beside', 'data', 'x', 'data.jsonl'), BODY);
    expect(await sharedFile('data/x/data.jsonl', { manifest: [entry()] })).toBe(join(dir, 'beside', 'data', 'x', 'data.jsonl'));
    expect(hits).toEqual([]);
  });

  test('otherwise it downloads once, checks the sha256 and serves the cache after that', async () => {
    const first = await sharedFile('data/x/data.jsonl', { manifest: [entry()] });
    expect(readFileSync(first, 'utf8')).toBe(BODY);
    const second = await sharedFile('data/x/data.jsonl', { manifest: [entry()] });
    expect(second).toBe(first);
    expect(hits).toEqual(['/data.jsonl']);
  });

  test('a download with other content is refused and not cached', async () => {
    const err = (await sharedFile('data/x/data.jsonl', { manifest: [entry({ url: `${base}/tampered.jsonl` })] }).catch((e: unknown) => e)) as Error;
    expect(err.message).toContain(`has sha256 ${sha(BODY.replace('3', '4'))}, not the pinned ${sha(BODY)}`);
    await expect(sharedFile('data/x/data.jsonl', { manifest: [entry({ url: `${base}/gone.jsonl` })] })).rejects.toThrow(SharedDataMissing);
  });

  test('firstLines keeps a prefix of the download (a file cut from a published dataset)', async () => {
    const two = '{"a":1}\n{"b":2}\n';
    const p = await sharedFile('data/x/data.jsonl', { manifest: [entry({ sha256: sha(two), bytes: two.length, firstLines: 2 })] });
    expect(readFileSync(p, 'utf8')).toBe(two);
  });

  test('sharedFilesUnder resolves every file of a folder', async () => {
    const m = [entry(), entry({ path: 'data/x/b.jsonl', url: undefined }), entry({ path: 'data/y/c.jsonl' })];
    mkdirSync(join(dir, 'beside', 'data', 'x'), { recursive: true });
    writeFileSync(join(dir, 'beside', 'data', 'x', 'b.jsonl'), BODY);
    const got = await sharedFilesUnder('data/x', { manifest: m });
    expect(got).toHaveLength(2);
    expect(got[1]).toBe(join(dir, 'beside', 'data', 'x', 'b.jsonl'));
  });
});

describe('files generated by running third-party tests (generatedBy)', () => {
  const gen = (over: { sha256?: string } = {}): Generator => ({
    script: '__tests__/support/together-cases.py',
    inputs: [{ url: `${base}/tests.py`, sha256: over.sha256 ?? sha(TESTS_PY) }],
  });
  const manifest = (g: Generator, shaOf = (body: string) => sha(body)): SharedFile[] =>
    Object.entries(MADE).map(([name, body]) => ({ path: `data/gen/${name}`, sha256: shaOf(body), bytes: body.length, source: 'made by a test', generatedBy: g }));

  test('one run of the script makes every file, each with its pinned sha256, and the cache serves them after that', async () => {
    const m = manifest(gen());
    const got = await sharedFilesUnder('data/gen', { manifest: m });
    expect(got.map((p) => sha(readFileSync(p)))).toEqual(Object.values(MADE).map((b) => sha(b)));
    expect(got.every((p) => p.startsWith(join(dir, 'cache')))).toBe(true);
    expect(hits).toEqual(['/tests.py']);
    expect(await sharedFilesUnder('data/gen', { manifest: m })).toEqual(got);
    expect(hits).toEqual(['/tests.py']);
  });

  test('a downloaded test file with other content is not run, and the error says how the file is made', async () => {
    const m = manifest(gen({ sha256: sha('other') }));
    const err = (await sharedFile('data/gen/test_check_jsonl_plain.jsonl', { manifest: m }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(SharedDataMissing);
    expect(err.message).toContain('This test needs shared/data/gen/test_check_jsonl_plain.jsonl: made by a test');
    expect(err.message).toContain(`let the test generate it: python3 __tests__/support/together-cases.py runs ${base}/tests.py (needs the network and python3`);
    expect(err.message).toContain(`Tried: generating it failed: ${base}/tests.py has sha256 ${sha(TESTS_PY)}, not the pinned ${sha('other')}`);
    expect(existsSync(join(dir, 'cache'))).toBe(true);
    expect(readdirSync(join(dir, 'cache')).filter((f) => f.endsWith('.jsonl'))).toEqual([]);
  });

  test('an output without its pinned sha256 is not cached', async () => {
    const m = manifest(gen(), (body) => sha(`${body}!`));
    const err = (await sharedFile('data/gen/test_check_jsonl_param_one.jsonl', { manifest: m }).catch((e: unknown) => e)) as Error;
    expect(err.message).toContain('Tried: generating it: python3 __tests__/support/together-cases.py did not write it with the pinned sha256.');
    expect(readdirSync(join(dir, 'cache')).filter((f) => f.endsWith('.jsonl'))).toEqual([]);
  });
});

describe('the manifest', () => {
  test('pins every file of ../shared the tests may read, each once, with a sha256', () => {
    const paths = SHARED_MANIFEST.map((e) => e.path);
    expect(new Set(paths).size).toBe(paths.length);
    for (const p of ['contracts/openai-openapi.yaml', 'contracts/together-openapi.yaml', 'fixtures/toy_chat_fine_tuning.jsonl']) expect(paths).toContain(p);
    expect(paths.filter((p) => p.startsWith('data/real/') && p.endsWith('.jsonl'))).toHaveLength(23);
    expect(paths.filter((p) => p.startsWith('data/together-cases/'))).toHaveLength(50);
    for (const e of SHARED_MANIFEST) expect(e.sha256).toMatch(/^[0-9a-f]{64}$/);
    // Published files are pinned to a commit, never a branch.
    for (const e of SHARED_MANIFEST.filter((x) => x.url)) expect(e.url).toMatch(/^https:\/\/raw\.githubusercontent\.com\/[^/]+\/[^/]+\/[0-9a-f]{40}\//);
    // Together's cases are generated from its tests at one commit, each input checked by sha256.
    for (const e of SHARED_MANIFEST.filter((x) => x.path.startsWith('data/together-cases/'))) expect(e.generatedBy).toBe(TOGETHER_TESTS);
    for (const i of TOGETHER_TESTS.inputs) {
      expect(i.url).toMatch(/^https:\/\/raw\.githubusercontent\.com\/togethercomputer\/together-python\/eba5e5f[0-9a-f]{33}\/tests\/unit\/test_[a-z_]+\.py$/);
      expect(i.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});
