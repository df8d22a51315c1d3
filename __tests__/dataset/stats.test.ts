/** The distribution summary: min, max, mean, median, nearest-rank p10/p90, on known values. */
import { describe, expect, test } from '@jest/globals';
import { IntList, distribution } from '../../src/dataset/stats.js';

const d = (xs: number[]) => distribution(Uint32Array.from(xs));

describe('distribution', () => {
  test('1..10 in random order', () => {
    expect(d([7, 3, 10, 1, 5, 9, 2, 8, 4, 6])).toEqual({ min: 1, max: 10, mean: 5.5, median: 5.5, p10: 1, p90: 9 });
  });

  test('1..100: nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(d(xs)).toEqual({ min: 1, max: 100, mean: 50.5, median: 50.5, p10: 10, p90: 90 });
  });

  test('an odd count: the middle value is the median', () => {
    expect(d([5, 1, 3])).toEqual({ min: 1, max: 5, mean: 3, median: 3, p10: 1, p90: 5 });
  });

  test('a skewed list: the mean and the median differ', () => {
    const r = d([1, 1, 1, 1, 1, 1, 1, 1, 1, 1000])!;
    expect(r.mean).toBeCloseTo(100.9, 10);
    expect(r.median).toBe(1);
    expect(r.p90).toBe(1);
    expect(r.max).toBe(1000);
  });

  test('numeric (not lexicographic) sort of large counts', () => {
    expect(d([100000, 9, 20000, 300])).toEqual({ min: 9, max: 100000, mean: 30077.25, median: 10150, p10: 9, p90: 100000 });
  });

  test('one value, and no values', () => {
    expect(d([42])).toEqual({ min: 42, max: 42, mean: 42, median: 42, p10: 42, p90: 42 });
    expect(d([])).toBeNull();
  });

  test('the input is not reordered', () => {
    const xs = Uint32Array.from([3, 1, 2]);
    distribution(xs);
    expect(Array.from(xs)).toEqual([3, 1, 2]);
  });
});

describe('IntList', () => {
  test('grows past its first block and keeps every value in order', () => {
    const l = new IntList();
    for (let i = 0; i < 5000; i++) l.push(i * 3);
    expect(l.length).toBe(5000);
    const v = l.values();
    expect(v.length).toBe(5000);
    expect(v[0]).toBe(0);
    expect(v[1023]).toBe(3069);
    expect(v[1024]).toBe(3072);
    expect(v[4999]).toBe(14997);
    expect(distribution(v)).toMatchObject({ min: 0, max: 14997, median: (2499 * 3 + 2500 * 3) / 2 });
  });
});
