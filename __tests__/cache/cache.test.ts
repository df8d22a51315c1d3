/**
 * Results cached by content (src/cache): the container refuses what it must not trust, the store
 * ignores such files and rebuilds them, and a check gives the same report with a cold cache, a
 * warm one and none, on the benchmark's own corpus (generated small).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROFILES } from '../../src/catalog/profiles.js';
import { engineId, lineFingerprint } from '../../src/cache/fingerprint.js';
import { FORMAT_VERSION, HEADER_BYTES, KIND, header, open } from '../../src/cache/format.js';
import { LineCache } from '../../src/cache/lines.js';
import { CacheStore, decodeSummary, encodeSummary, userCacheDir } from '../../src/cache/store.js';
import { fileBlobSha } from '../../src/cache/blob.js';
import { checkTarget, type TargetReport } from '../../src/dataset/target.js';
import { analyzeLine } from '../../src/dataset/line.js';
import { cleanup, tempDir, writeFixture, writeJsonl, goodChat, many } from '../dataset/helpers.js';
import { makeTempRepo } from '../support/github-temp-repo.js';

afterAll(cleanup);

const MODEL = 'gpt-4o-mini-2024-07-18';
const ENGINE = 'test-engine';
const FP = 'ab'.repeat(32);

let corpus: string;
beforeAll(async () => {
  // The benchmark's generator, at 0.3 MB: the same variety (tools, unicode, code, weights).
  const { writeCorpus } = (await import(pathToFileURL(join(process.cwd(), 'bench', 'corpus.mjs')).href)) as {
    writeCorpus: (path: string, mb: number, seed: number) => Promise<unknown>;
  };
  corpus = join(tempDir(), 'corpus.jsonl');
  await writeCorpus(corpus, 0.3, 42);
  // A few lines that are not clean: findings must come back from the cache as they were.
  const extra = ['', 'not json {', JSON.stringify({ messages: [{ role: 'user', content: 'no answer' }] }), readFileSync(corpus, 'utf8').split('\n')[0]!];
  writeFileSync(corpus, readFileSync(corpus, 'utf8') + extra.join('\n') + '\n');
});

/** Everything a report says, keys included (typed arrays compared as plain arrays). */
function plain(t: TargetReport): unknown {
  const f = (r: TargetReport['training']) => ({ ...r, keys: { hash: [...r.keys.hash], promptHash: [...r.keys.promptHash], tokens: [...r.keys.tokens] } });
  return { ...t, training: f(t.training), validation: t.validation ? f(t.validation) : null };
}

const spec = (trainingFile: string, validationFile?: string) => ({
  name: 't',
  trainingFile,
  validationFile,
  model: MODEL,
  method: null,
  epochs: 'auto' as const,
});

describe('the container', () => {
  const payload = [Buffer.from('hello '), Buffer.from('cache')];
  const file = () => Buffer.concat([header(KIND.lines, FP, payload), ...payload]);

  test('a file written for the same kind and fingerprint opens to its payload', () => {
    const r = open(file(), KIND.lines, FP);
    expect('payload' in r && r.payload.toString()).toBe('hello cache');
  });

  test('another format version, fingerprint or kind, a truncated or corrupt file are refused', () => {
    const version = file();
    version.writeUInt32LE(FORMAT_VERSION + 1, 8);
    expect(open(version, KIND.lines, FP)).toEqual({ refused: 'version' });
    expect(open(file(), KIND.lines, 'cd'.repeat(32))).toEqual({ refused: 'fingerprint' });
    expect(open(file(), KIND.summary, FP)).toEqual({ refused: 'kind' });
    expect(open(file().subarray(0, file().length - 1), KIND.lines, FP)).toEqual({ refused: 'truncated' });
    expect(open(file().subarray(0, 40), KIND.lines, FP)).toEqual({ refused: 'truncated' });
    const corrupt = file();
    corrupt[HEADER_BYTES + 2]! ^= 0x20;
    expect(open(corrupt, KIND.lines, FP)).toEqual({ refused: 'checksum' });
    expect(open(Buffer.from('{"not":"a cache"}'), KIND.lines, FP)).toEqual({ refused: 'magic' });
  });
});

describe('line results', () => {
  const ctx = { method: null, encoding: 'o200k_base' as const, profile: PROFILES.openai };
  const lines = [JSON.stringify(goodChat(1)), JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }), '[1, 2]', '   ', JSON.stringify({ prompt: 'p', completion: '' })].map((l) =>
    Buffer.from(l),
  );

  test('a cached result is the analysis itself, at any line number, through a save and load', async () => {
    const { hash } = await import('node:crypto');
    const c = new LineCache();
    lines.forEach((b, i) => c.put(hash('sha256', b, 'buffer'), analyzeLine(b, i + 1, ctx)));
    const pieces = c.payload();
    const back = LineCache.parse(Buffer.concat(pieces))!;
    expect(back.count).toBe(lines.length);
    lines.forEach((b, i) => {
      expect(back.get(hash('sha256', b, 'buffer'), 40 + i)).toEqual(analyzeLine(b, 40 + i, ctx));
    });
    expect(back.get(hash('sha256', Buffer.from('{}'), 'buffer'), 1)).toBeUndefined();
  });

  test('a payload whose layout does not add up is refused', () => {
    const c = new LineCache();
    c.put(Buffer.alloc(32, 7), analyzeLine(lines[2]!, 1, ctx));
    const p = Buffer.concat(c.payload());
    expect(LineCache.parse(p.subarray(0, p.length - 1))).toBeNull();
    const bad = Buffer.from(p);
    bad.writeUInt32LE(99, 4); // words per record
    expect(LineCache.parse(bad)).toBeNull();
  });

  test('a trimmed cache keeps the lines this run used', async () => {
    const { hash } = await import('node:crypto');
    const c = new LineCache();
    lines.forEach((b, i) => c.put(hash('sha256', b, 'buffer'), analyzeLine(b, i + 1, ctx)));
    const loaded = LineCache.parse(Buffer.concat(c.payload()))!;
    loaded.get(hash('sha256', lines[4]!, 'buffer'), 1);
    loaded.get(hash('sha256', lines[1]!, 'buffer'), 1);
    const kept = LineCache.parse(Buffer.concat(loaded.payload(2)))!;
    expect(kept.count).toBe(2);
    expect(kept.get(hash('sha256', lines[4]!, 'buffer'), 9)).toEqual(analyzeLine(lines[4]!, 9, ctx));
    expect(kept.get(hash('sha256', lines[1]!, 'buffer'), 9)).toEqual(analyzeLine(lines[1]!, 9, ctx));
    expect(kept.get(hash('sha256', lines[0]!, 'buffer'), 9)).toBeUndefined();
  });
});

describe('a check with the cache', () => {
  test('cold, warm and without the cache give the same report on the bench corpus', async () => {
    const dir = tempDir();
    const none = await checkTarget(spec(corpus), { today: '2026-12-01' });
    const store1 = new CacheStore(dir, ENGINE);
    const cold = await checkTarget(spec(corpus), { today: '2026-12-01', cache: store1 });
    await store1.flush();
    expect((await store1.stats()).lineMisses).toBeGreaterThan(100);
    const store2 = new CacheStore(dir, ENGINE);
    const warm = await checkTarget(spec(corpus), { today: '2026-12-01', cache: store2 });
    expect((await store2.stats()).summaryHits).toBe(1);
    expect(plain(cold)).toEqual(plain(none));
    expect(plain(warm)).toEqual(plain(none));
    expect(none.training.errors).toBeGreaterThan(0); // the dirty lines are in
  });

  test('a changed file is summarised anew, its unchanged lines come from the cache', async () => {
    const dir = tempDir();
    const file = writeJsonl(many(30), 'edit.jsonl');
    const store = new CacheStore(dir, ENGINE);
    await checkTarget(spec(file), { today: '2026-12-01', cache: store });
    await store.flush();
    const rows = many(30);
    rows[7] = goodChat(500);
    writeFileSync(file, rows.map((r) => JSON.stringify(r) + '\n').join(''));
    const again = new CacheStore(dir, ENGINE);
    const r = await checkTarget(spec(file), { today: '2026-12-01', cache: again });
    const s = await again.stats();
    expect(s.summaryHits).toBe(0);
    expect([s.lineHits, s.lineMisses]).toEqual([29, 1]);
    expect(plain(r)).toEqual(plain(await checkTarget(spec(file), { today: '2026-12-01' })));
  });

  test('other settings, a new engine, a corrupt or truncated file: ignored, analysed again, rewritten', async () => {
    const dir = tempDir();
    const file = writeJsonl(many(20), 'settings.jsonl');
    const first = new CacheStore(dir, ENGINE);
    const expected = await checkTarget(spec(file), { today: '2026-12-01', cache: first });
    await first.flush();
    // Another model's encoding: nothing of the o200k results is used.
    const other = new CacheStore(dir, ENGINE);
    await checkTarget({ ...spec(file), model: 'gpt-3.5-turbo-0125' }, { today: '2026-12-01', cache: other });
    expect(await other.stats()).toMatchObject({ lineHits: 0, summaryHits: 0 });
    const newer = new CacheStore(dir, 'another-engine');
    await checkTarget(spec(file), { today: '2026-12-01', cache: newer });
    expect(await newer.stats()).toMatchObject({ lineHits: 0, summaryHits: 0 });

    const fp = lineFingerprint(ENGINE, { method: null, encoding: 'o200k_base', profile: PROFILES.openai });
    const linesFile = join(dir, `lines-${fp}.bin`);
    const summaries = readdirSync(dir).filter((n) => n.startsWith('summary-'));
    for (const damage of [
      (b: Buffer) => b.subarray(0, b.length - 7), // truncated
      (b: Buffer) => {
        const c = Buffer.from(b);
        c[c.length - 3]! ^= 1; // corrupt
        return c;
      },
      (b: Buffer) => {
        const c = Buffer.from(b);
        c.writeUInt32LE(FORMAT_VERSION + 1, 8); // another format version
        return c;
      },
    ]) {
      writeFileSync(linesFile, damage(readFileSync(linesFile)));
      for (const s of summaries) writeFileSync(join(dir, s), damage(readFileSync(join(dir, s))));
      const store = new CacheStore(dir, ENGINE);
      const r = await checkTarget(spec(file), { today: '2026-12-01', cache: store });
      const st = await store.stats();
      expect(st).toMatchObject({ lineHits: 0, summaryHits: 0 });
      expect(st.ignored.length).toBeGreaterThanOrEqual(2);
      expect(plain(r)).toEqual(plain(expected));
      await store.flush();
      // Rebuilt: the next run trusts it again.
      const next = new CacheStore(dir, ENGINE);
      await checkTarget(spec(file), { today: '2026-12-01', cache: next });
      expect(await next.stats()).toMatchObject({ summaryHits: 1, ignored: [] });
    }
  });

  test('a validation file is summarised with its training file, and other training keys miss', async () => {
    const dir = tempDir();
    const train = writeJsonl(many(12), 'train.jsonl');
    const val = writeJsonl([goodChat(100), goodChat(2)], 'val.jsonl');
    const s1 = new CacheStore(dir, ENGINE);
    const a = await checkTarget(spec(train, val), { today: '2026-12-01', cache: s1 });
    expect(a.validation!.stats.inTraining).toBe(1);
    const s2 = new CacheStore(dir, ENGINE);
    expect(plain(await checkTarget(spec(train, val), { today: '2026-12-01', cache: s2 }))).toEqual(plain(a));
    expect((await s2.stats()).summaryHits).toBe(2);
    // The training file loses the example the validation file repeats: the validation summary must not be reused.
    writeFileSync(
      train,
      many(12)
        .filter((_, i) => i !== 2)
        .map((r) => JSON.stringify(r) + '\n')
        .join(''),
    );
    const s3 = new CacheStore(dir, ENGINE);
    const b = await checkTarget(spec(train, val), { today: '2026-12-01', cache: s3 });
    expect(b.validation!.stats.inTraining).toBe(0);
    expect(plain(b)).toEqual(plain(await checkTarget(spec(train, val), { today: '2026-12-01' })));
  });

  test('a store without a directory writes nothing and still reuses lines', async () => {
    const store = new CacheStore(null, ENGINE);
    const file = writeJsonl(many(15), 'mem.jsonl');
    await checkTarget(spec(file), { today: '2026-12-01', cache: store });
    await checkTarget(spec(file), { today: '2026-12-01', cache: store });
    await store.flush();
    expect(await store.stats()).toMatchObject({ summaryHits: 1 });
  });
});

describe('summaries and ids', () => {
  test('a summary decodes to the report it encoded, under the path asked for', async () => {
    const file = writeJsonl([...many(10), { messages: [] }], 'sum.jsonl');
    const r = (await checkTarget(spec(file), { today: '2026-12-01' })).training;
    const back = decodeSummary(Buffer.concat(encodeSummary(r)), '/elsewhere/sum.jsonl')!;
    expect(back.path).toBe('/elsewhere/sum.jsonl');
    expect(back.diagnostics.every((d) => d.file === '/elsewhere/sum.jsonl')).toBe(true);
    expect({ ...back, path: r.path, diagnostics: back.diagnostics.map((d) => ({ ...d, file: r.path })) }).toEqual(r);
    expect(decodeSummary(Buffer.concat(encodeSummary(r)).subarray(0, 30), 'x')).toBeNull();
  });

  test("a file's blob id is git's", async () => {
    const repo = makeTempRepo();
    try {
      const content = Buffer.from(JSON.stringify(goodChat(1)) + '\n\u00e9\r\n');
      repo.commit('one', { 'a.jsonl': content });
      expect(await fileBlobSha(join(repo.dir, 'a.jsonl'))).toBe(repo.git('rev-parse', 'HEAD:a.jsonl'));
    } finally {
      repo.remove();
    }
  });

  test("the engine id follows the entry file's bytes", () => {
    const a = writeFixture('entry-a.js', 'console.log(1)');
    const b = writeFixture('entry-b.js', 'console.log(2)');
    expect(engineId(pathToFileURL(a))).not.toBe(engineId(pathToFileURL(b)));
    expect(engineId(pathToFileURL(a))).toBe(engineId(pathToFileURL(a)));
  });

  test("the CLI's directory is under XDG_CACHE_HOME, else ~/.cache", () => {
    expect(userCacheDir({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/finetune-ci');
    expect(userCacheDir({ XDG_CACHE_HOME: 'relative' })).toMatch(/\.cache\/finetune-ci$/);
  });
});
