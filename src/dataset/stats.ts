/**
 * Distributions over a growing list of integers kept in a typed array: 4 bytes per example,
 * not an object per example.
 */
import type { Distribution } from './types.js';

export class IntList {
  private data = new Uint32Array(1024);
  length = 0;

  push(n: number): void {
    if (this.length === this.data.length) {
      const next = new Uint32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = n;
  }

  values(): Uint32Array {
    return this.data.subarray(0, this.length);
  }
}

/** Nearest-rank percentile over sorted values, p in [0, 1]. */
function percentile(sorted: Uint32Array, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil(p * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

export function distribution(values: Uint32Array): Distribution | null {
  if (values.length === 0) return null;
  const sorted = Uint32Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return {
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    mean: sum / sorted.length,
    median,
    p10: percentile(sorted, 0.1),
    p90: percentile(sorted, 0.9),
  };
}
