/** When worker threads pay: idle cores beyond the calling thread, none on a busy machine. */
import { describe, expect, test } from '@jest/globals';
import { defaultWorkerThreads } from '../../src/dataset/workers.js';

describe('defaultWorkerThreads', () => {
  test('one per idle core beyond the calling thread, at most 3', () => {
    expect(defaultWorkerThreads(2, 0)).toBe(1);
    expect(defaultWorkerThreads(2, 0.4)).toBe(1);
    expect(defaultWorkerThreads(4, 0)).toBe(3);
    expect(defaultWorkerThreads(16, 1)).toBe(3);
    expect(defaultWorkerThreads(8, 5)).toBe(2);
  });

  test('none when the cores are taken or there is only one', () => {
    expect(defaultWorkerThreads(1, 0)).toBe(0);
    expect(defaultWorkerThreads(2, 1)).toBe(0);
    expect(defaultWorkerThreads(2, 15)).toBe(0);
    expect(defaultWorkerThreads(4, 3.2)).toBe(0);
  });
});
