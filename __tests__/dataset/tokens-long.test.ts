/**
 * The exec-loop counter over gpt-tokenizer's data (issue 13) and its bound on long pre-tokens
 * (issue 14 #3): the same counts as js-tiktoken (the oracle) on pre-tokens long enough to take
 * the heap merge, for both encodings; bounded work on runs the split pattern cannot break; and
 * long repeated strings counted once. The tests count work, never time.
 */
import { describe, expect, test } from '@jest/globals';
import { getEncoding } from 'js-tiktoken';
import { LINE_LIMITS } from '../../src/catalog/limits.js';
import type { Encoding } from '../../src/catalog/models.js';
import { counter, counterStats, cuts, libraryCounter } from '../../src/dataset/tokens.js';

const ENCODINGS: Encoding[] = ['o200k_base', 'cl100k_base'];

function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}
const rnd = rng(99);
const from = (alphabet: string[], n: number) => Array.from({ length: n }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
const codePoints = (lo: number, count: number) => Array.from({ length: count }, (_, i) => String.fromCodePoint(lo + i));

/** Pre-tokens of 65 to ~1,200 characters: longer than the library merge is given. */
const LONG: [string, string][] = [
  ['one character repeated', 'a'.repeat(1200)],
  ['two characters alternating', 'ab'.repeat(500)],
  ['random CJK (3 bytes each)', from(codePoints(0x4e00, 20_000), 600)],
  ['random lower-case letters with accents', from([...'abcdefghijklmnopqrstuvwxyzéèàü'], 1000)],
  ['emoji (surrogate pairs, 4 bytes each)', from(codePoints(0x1f600, 80), 300)],
  ['punctuation', from([...'!@#$%^&*()-_=+[]{};:,.<>/?|~'], 900)],
  ['a whitespace run before a word', `${' '.repeat(800)}x`],
  ['Latin-1 capitals', 'ÀÉÎ'.repeat(300)],
  ['just over the library limit', from([...'qwertzuiop'], 65)],
];

describe.each(ENCODINGS)('%s: the same counts as js-tiktoken', (enc) => {
  const js = getEncoding(enc);
  const ours = counter(enc);

  test.each(LONG)('%s', (_name, text) => {
    const heapBefore = counterStats.longPieces;
    expect(ours(`say ${text} now`)).toBe(js.encode(`say ${text} now`, [], []).length);
    // it took the heap merge; gpt-tokenizer's own quadratic merge never saw it
    expect(counterStats.longPieces).toBeGreaterThan(heapBefore);
    expect(counterStats.longestLibraryMerge).toBeLessThanOrEqual(64);
  });

  test("gpt-tokenizer's own count agrees on ordinary text", async () => {
    const lib = await libraryCounter(enc);
    const text = 'The model’s answer: 42 — naïve café, 日本語, emoji 🎉, code `x => x ** 2`,\n\n\tend.  ';
    expect(ours(text)).toBe(lib(text));
    expect(ours(text)).toBe(js.encode(text, [], []).length);
  });
});

describe('bounded work on runs the split pattern cannot break (issue 14 #3)', () => {
  test.each([
    ['1 MB of one character (over 600 s before)', 'a'.repeat(1 << 20)],
    ['40,000 random CJK characters (14.6 s before)', from(codePoints(0x4e00, 20_000), 40_000)],
  ])('%s: merged by the heap, with at most ~3 heap pops per byte', (_name, text) => {
    const bytes = Buffer.byteLength(text);
    const pops = counterStats.heapPops;
    const n = counter('o200k_base')(text);
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(bytes);
    expect(counterStats.heapPops - pops).toBeLessThanOrEqual(3 * bytes);
    expect(counterStats.longestLibraryMerge).toBeLessThanOrEqual(64);
  });

  test('past the exact limit a run is counted in pieces, flagged approximate, and close to the exact count', () => {
    const max = LINE_LIMITS.maxExactPreTokenChars.value;
    const before = counterStats.approximate;
    const tok = counter('cl100k_base');
    const exactPiece = tok('z'.repeat(max));
    expect(counterStats.approximate).toBe(before);
    const n = tok('z'.repeat(3 * max));
    expect(counterStats.approximate).toBe(before + 1);
    // three pieces of the same run: three times the count of one
    expect(n).toBe(3 * exactPiece);
  });

  test('a cut never splits a surrogate pair', () => {
    const text = 'x' + '😀'.repeat(10);
    const ranges = cuts(text, 4);
    expect(ranges.map(([a, b]) => text.slice(a, b)).join('')).toBe(text);
    for (const [a, b] of ranges) {
      expect(b - a).toBeLessThanOrEqual(4);
      expect(text.slice(a, b)).not.toMatch(/[\ud800-\udbff]$|^[\udc00-\udfff]/);
    }
    expect(cuts('abcdefghij', 4)).toEqual([
      [0, 4],
      [4, 8],
      [8, 10],
    ]);
  });
});

describe('long strings that repeat are counted once (issue 13)', () => {
  test('a 2 KB system prompt counted on every line is tokenized once', () => {
    const tok = counter('o200k_base');
    const prompt = `You are a careful assistant. ${from([...'abcdefgh ,.'], 2000)}`;
    const misses = counterStats.cacheMisses;
    const hits = counterStats.cacheHits;
    const first = tok(prompt);
    for (let i = 0; i < 50; i++) expect(tok(prompt)).toBe(first);
    expect(counterStats.cacheMisses - misses).toBe(1);
    expect(counterStats.cacheHits - hits).toBe(50);
    expect(first).toBe(getEncoding('o200k_base').encode(prompt, [], []).length);
  });

  test('short strings are not cached, and the cache forgets the least recently used', () => {
    const tok = counter('o200k_base');
    const misses = counterStats.cacheMisses;
    tok('short text');
    expect(counterStats.cacheMisses).toBe(misses);
    const first = `first ${'x y '.repeat(100)}`;
    tok(first);
    for (let i = 0; i < 600; i++) tok(`${i} ${'p q '.repeat(100)}`);
    const hits = counterStats.cacheHits;
    tok(first);
    expect(counterStats.cacheHits).toBe(hits);
  });
});
