/**
 * Per-example keys as fixed-size binary: a 64-bit hash is two u32 words (hi, lo) in a typed
 * array, and lookups go through an open-addressing table over typed arrays. A million examples
 * cost ~20 bytes each for the report's keys and ~24 bytes each for a table, not a string and a
 * map entry per example (which grew a 1 GB check's heap by over 100 MB).
 */

/** A growable list of 64-bit keys, two u32 words each. */
export class KeyList {
  private data = new Uint32Array(2048);
  length = 0;

  push(hi: number, lo: number): void {
    if (this.length * 2 === this.data.length) {
      const next = new Uint32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length * 2] = hi;
    this.data[this.length * 2 + 1] = lo;
    this.length++;
  }

  /** The words, hi then lo per key (a view: copy it to keep it past further pushes). */
  words(): Uint32Array {
    return this.data.subarray(0, this.length * 2);
  }
}

/** 16 hex digits (a 64-bit key) as its two u32 words. */
export function hexToWords(hex: string): [number, number] {
  return [parseInt(hex.slice(0, 8), 16) >>> 0, parseInt(hex.slice(8, 16), 16) >>> 0];
}

/** Key `i` of a word array as 16 hex digits (tests, debugging). */
export function keyHex(words: Uint32Array, i: number): string {
  return (words[i * 2] as number).toString(16).padStart(8, '0') + (words[i * 2 + 1] as number).toString(16).padStart(8, '0');
}

/**
 * A map from 64-bit keys to u32 values: linear probing, load ≤ 1/2, no deletion (a count that
 * drops to zero stays as a zero). The keys are hashes already, so their low word is the slot.
 */
export class KeyMap {
  private keys: Uint32Array;
  private vals: Uint32Array;
  private used: Uint8Array;
  private mask: number;
  size = 0;

  constructor(expected = 1024) {
    let cap = 1024;
    while (cap < expected * 2) cap *= 2;
    this.keys = new Uint32Array(cap * 2);
    this.vals = new Uint32Array(cap);
    this.used = new Uint8Array(cap);
    this.mask = cap - 1;
  }

  /** From every key of a word array, each mapped to `value` (a set). */
  static of(words: Uint32Array, value = 1): KeyMap {
    const m = new KeyMap(words.length / 2);
    for (let i = 0; i < words.length; i += 2) m.set(words[i] as number, words[i + 1] as number, value);
    return m;
  }

  private slot(hi: number, lo: number): number {
    let s = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
    for (;;) {
      if (!this.used[s]) return s;
      if (this.keys[s * 2] === hi && this.keys[s * 2 + 1] === lo) return s;
      s = (s + 1) & this.mask;
    }
  }

  get(hi: number, lo: number): number | undefined {
    const s = this.slot(hi, lo);
    return this.used[s] ? (this.vals[s] as number) : undefined;
  }

  has(hi: number, lo: number): boolean {
    return this.used[this.slot(hi, lo)] === 1;
  }

  set(hi: number, lo: number, value: number): void {
    const s = this.slot(hi, lo);
    if (!this.used[s]) {
      if ((this.size + 1) * 2 > this.used.length) {
        this.grow();
        this.set(hi, lo, value);
        return;
      }
      this.used[s] = 1;
      this.keys[s * 2] = hi;
      this.keys[s * 2 + 1] = lo;
      this.size++;
    }
    this.vals[s] = value;
  }

  /** Add `by` to the key's value (0 when absent); returns the new value. */
  add(hi: number, lo: number, by = 1): number {
    const v = (this.get(hi, lo) ?? 0) + by;
    this.set(hi, lo, v);
    return v;
  }

  /** Every value (absent keys are not visited). */
  *values(): IterableIterator<number> {
    for (let s = 0; s < this.used.length; s++) if (this.used[s]) yield this.vals[s] as number;
  }

  private grow(): void {
    const { keys, vals, used } = this;
    const cap = used.length * 2;
    this.keys = new Uint32Array(cap * 2);
    this.vals = new Uint32Array(cap);
    this.used = new Uint8Array(cap);
    this.mask = cap - 1;
    this.size = 0;
    for (let s = 0; s < used.length; s++) {
      if (used[s]) this.set(keys[s * 2] as number, keys[s * 2 + 1] as number, vals[s] as number);
    }
  }
}
