/**
 * The diff of examples over binary keys, against the reference it replaced (two count maps over
 * string hashes), on random base/head lists with repeats, shared prompts and reorderings.
 */
import { describe, expect, test } from '@jest/globals';
import { diffExamples } from '../../src/dataset/diff.js';

/** The former implementation, on string keys. */
function reference(base: { hash: string[]; promptHash: string[] }, head: { hash: string[]; promptHash: string[] }) {
  const counts = (keys: string[]) => {
    const m = new Map<string, number>();
    for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
    return m;
  };
  const baseCounts = counts(base.hash);
  const headCounts = counts(head.hash);
  const addedPrompts: string[] = [];
  const removedPrompts = new Map<string, number>();
  let unchanged = 0;
  head.hash.forEach((h, i) => {
    const left = baseCounts.get(h) ?? 0;
    if (left > 0) {
      baseCounts.set(h, left - 1);
      unchanged++;
    } else addedPrompts.push(head.promptHash[i]!);
  });
  base.hash.forEach((h, i) => {
    const left = headCounts.get(h) ?? 0;
    if (left > 0) headCounts.set(h, left - 1);
    else removedPrompts.set(base.promptHash[i]!, (removedPrompts.get(base.promptHash[i]!) ?? 0) + 1);
  });
  let changed = 0;
  let added = 0;
  for (const p of addedPrompts) {
    const left = removedPrompts.get(p) ?? 0;
    if (left > 0) {
      removedPrompts.set(p, left - 1);
      changed++;
    } else added++;
  }
  let removed = 0;
  for (const n of removedPrompts.values()) removed += n;
  return { added, removed, changed, unchanged };
}

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

describe('diffExamples', () => {
  test('equals the string-keyed reference over random edits', () => {
    const r = prng(11);
    for (let round = 0; round < 300; round++) {
      // An example is (prompt p, answer a): its hash is a function of both, its prompt hash of p.
      const ex = () => [Math.floor(r() * 6), Math.floor(r() * 3)] as const;
      const list = (n: number) => Array.from({ length: n }, ex);
      const base = list(Math.floor(r() * 12));
      const head = r() < 0.5 ? list(Math.floor(r() * 12)) : [...base.filter(() => r() < 0.8), ...list(Math.floor(r() * 4))];
      const strings = (xs: (readonly [number, number])[]) => ({ hash: xs.map(([p, a]) => `h${p}.${a}`), promptHash: xs.map(([p]) => `p${p}`) });
      const words = (xs: (readonly [number, number])[]) => ({
        hash: Uint32Array.from(xs.flatMap(([p, a]) => [p + 1, 1000 + a])),
        promptHash: Uint32Array.from(xs.flatMap(([p]) => [7, p + 1])),
        tokens: new Uint32Array(xs.length),
      });
      expect(diffExamples(words(base), words(head))).toEqual(reference(strings(base), strings(head)));
    }
  });

  test('no base: everything is added', () => {
    const head = { hash: Uint32Array.from([1, 2, 3, 4]), promptHash: Uint32Array.from([5, 6, 7, 8]), tokens: new Uint32Array(2) };
    expect(diffExamples(null, head)).toEqual({ added: 2, removed: 0, changed: 0, unchanged: 0 });
  });
});
