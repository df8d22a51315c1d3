/**
 * No second full pass for the base: the base version is streamed from git and its figures come
 * from its summary or from the line results the head's check left (only the lines that are
 * only in the base are analysed). Property: over random edits (lines added, removed, changed,
 * duplicated, broken), the base's report and the diff equal those of a full check of the base.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CacheStore } from '../../src/cache/store.js';
import { diffTargets } from '../../src/dataset/diff.js';
import { checkTarget, type CheckRunOptions, type TargetReport } from '../../src/dataset/target.js';
import { gitBlobAt, workingTreeBlob } from '../../src/github/contents.js';
import { cleanup, goodChat } from '../dataset/helpers.js';
import { makeTempRepo, type TempRepo } from '../support/github-temp-repo.js';

const repos: TempRepo[] = [];
afterAll(() => {
  for (const r of repos) r.remove();
  cleanup();
});

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function plain(t: TargetReport): unknown {
  const f = (r: TargetReport['training']) => ({ ...r, path: '', keys: { hash: [...r.keys.hash], promptHash: [...r.keys.promptHash], tokens: [...r.keys.tokens] } });
  return { ...t, name: '', notices: t.notices.map((n) => ({ ...n, file: '' })), training: f(t.training), validation: t.validation ? f(t.validation) : null };
}

const line = (i: number, answer = `It is ${i + 1}.`) => {
  const ex = goodChat(i) as { messages: { role: string; content: string }[] };
  ex.messages[2]!.content = answer;
  return JSON.stringify(ex);
};

/** A random edit of a list of lines. */
function edit(r: () => number, lines: string[], next: () => number): string[] {
  const out = [...lines];
  const n = 1 + Math.floor(r() * 6);
  for (let k = 0; k < n; k++) {
    const at = Math.floor(r() * (out.length + 1));
    const what = r();
    if (what < 0.25)
      out.splice(at, 0, line(next())); // add
    else if (what < 0.45 && out.length > 1)
      out.splice(Math.min(at, out.length - 1), 1); // remove
    else if (what < 0.7 && out.length > 0)
      out[Math.min(at, out.length - 1)] = line(Math.floor(r() * 1000), `changed ${k}`); // same prompt, new answer
    else if (what < 0.8 && out.length > 0)
      out.splice(at, 0, out[Math.floor(r() * out.length)]!); // duplicate
    else if (what < 0.9)
      out.splice(at, 0, r() < 0.5 ? '{"messages": [' : ''); // broken, blank
    else out.reverse(); // moved
  }
  return out;
}

const spec = (trainingFile: string) => ({ name: 'd', trainingFile, model: 'gpt-4o-mini-2024-07-18', method: null, epochs: 'auto' as const });

describe('the base by its lines', () => {
  test("over random edits, the base from the head's line results equals a full check of the base", async () => {
    const repo = makeTempRepo();
    repos.push(repo);
    const r = prng(7);
    let counter = 100;
    let base = Array.from({ length: 25 }, (_, i) => line(i));
    for (let round = 0; round < 12; round++) {
      const head = edit(r, base, () => counter++);
      const baseSha = repo.commit(`base ${round}`, { 'd.jsonl': base.join('\n') + '\n' });
      repo.commit(`head ${round}`, { 'd.jsonl': head.join('\n') + '\n' });
      const file = join(repo.dir, 'd.jsonl');
      const store = new CacheStore(null, 'engine');
      const blob = await workingTreeBlob(repo.dir, 'd.jsonl');
      expect(blob).toBe(repo.git('rev-parse', 'HEAD:d.jsonl'));
      const headReport = await checkTarget(spec(file), { today: '2026-12-01', cache: store, files: { [file]: { blob } } });
      const at = (await gitBlobAt(repo.dir, baseSha, 'd.jsonl'))!;
      const before = await store.stats();
      const files: CheckRunOptions['files'] = { 'd.jsonl@base': { blob: at.sha, source: { size: at.size, open: at.open } } };
      const byLines = await checkTarget(spec('d.jsonl@base'), { today: '2026-12-01', cache: store, files, keepDiagnostics: 0 });
      const after = await store.stats();
      // Only the lines that are not in the head were analysed (a small file is one batch, looked up whole).
      expect(after.lineMisses - before.lineMisses).toBe(base.filter((l) => !head.includes(l)).length);
      // A full check of the base, from a plain file and no cache.
      const plainBase = join(repo.dir, `base-${round}.jsonl`);
      writeFileSync(plainBase, base.join('\n') + '\n');
      const full = await checkTarget(spec(plainBase), { today: '2026-12-01', keepDiagnostics: 0 });
      expect(plain(byLines)).toEqual(plain(full));
      expect(diffTargets(byLines, headReport)).toEqual(diffTargets(full, headReport));
      // The head's file is summarised: a second head check reads nothing.
      const again = await checkTarget(spec(file), { today: '2026-12-01', cache: store, files: { [file]: { blob } } });
      expect(plain(again)).toEqual(plain(headReport));
      expect((await store.stats()).summaryHits).toBe(after.summaryHits + 1);
      base = head;
    }
  }, 60_000);

  test('a modified working tree file is not vouched for by git', async () => {
    const repo = makeTempRepo();
    repos.push(repo);
    repo.commit('one', { 'a.jsonl': line(1) + '\n' });
    expect(await workingTreeBlob(repo.dir, 'a.jsonl')).toBe(repo.git('rev-parse', 'HEAD:a.jsonl'));
    writeFileSync(join(repo.dir, 'a.jsonl'), line(2) + '\n');
    expect(await workingTreeBlob(repo.dir, 'a.jsonl')).toBeNull();
    writeFileSync(join(repo.dir, '.gitattributes'), 'b.jsonl filter=lfs\n');
    repo.commit('two', { 'a.jsonl': line(1) + '\n', 'b.jsonl': line(3) + '\n' });
    expect(await workingTreeBlob(repo.dir, 'b.jsonl')).toBeNull();
    expect(await workingTreeBlob(repo.dir, 'missing.jsonl')).toBeNull();
    expect(await gitBlobAt(repo.dir, repo.git('rev-parse', 'HEAD'), 'missing.jsonl')).toBeNull();
  });

  test('a base stream that ends early is an error, not a report of part of the file', async () => {
    const { Readable } = await import('node:stream');
    const files: CheckRunOptions['files'] = {
      'x@base': { blob: 'a'.repeat(40), source: { size: 1000, open: () => Readable.from([Buffer.from(line(1) + '\n')]) } },
    };
    await expect(checkTarget(spec('x@base'), { today: '2026-12-01', cache: new CacheStore(null, 'e'), files })).rejects.toThrow(/read \d+ of 1000 bytes/);
  });
});
