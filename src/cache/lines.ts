/**
 * Line results by content: the analysis of a line (everything `analyzeLine` returns but the
 * line number) keyed by the sha256 of its bytes, for one fingerprint. Flat memory: records are
 * fixed-size words in one typed array, found through an open-addressing table of indices;
 * findings (rare) are JSON in one byte store.
 *
 * Record (14 u32 words): key (first 16 bytes of the sha256) ×4, tokens, assistant tokens,
 * messages, images, prompt hash hi, lo, flags (shape in bits 0–2, valid, blank, has system,
 * has user), findings offset, findings length, final answer tokens + 1 (0: none). A line's example hash is the first 8 bytes of
 * its sha256, so the key carries it.
 *
 * Payload on disk: u32 records, u32 words per record, u32 findings bytes, the records, the
 * findings.
 */
import type { LineResult } from '../dataset/line.js';
import { hexToWords } from '../dataset/keys.js';

export const STRIDE = 14;
const SHAPES: LineResult['shape'][] = [null, 'chat', 'dpo', 'completion'];
const VALID = 1 << 3;
const BLANK = 1 << 4;
const SYSTEM = 1 << 5;
const USER = 1 << 6;

/** Entries kept on disk at most (56 bytes each): the lines used by the last run first. */
export const MAX_RECORDS = 4_000_000;

function hex8(hi: number, lo: number): string {
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

export class LineCache {
  private rec: Uint32Array;
  private findings: Buffer;
  private findingsBytes = 0;
  private slots: Int32Array;
  private mask: number;
  /** Records looked up or added in this run (kept first when the file is trimmed). */
  private used: Uint8Array;
  count = 0;
  hits = 0;
  misses = 0;
  /** Something was added since the cache was loaded. */
  dirty = false;

  constructor(expected = 0) {
    const cap = Math.max(1024, expected);
    this.rec = new Uint32Array(cap * STRIDE);
    this.used = new Uint8Array(cap);
    this.findings = Buffer.alloc(4096);
    let slots = 2048;
    while (slots < cap * 2) slots *= 2;
    this.slots = new Int32Array(slots);
    this.mask = slots - 1;
  }

  /** From a payload (already checked by its container); null when its layout does not add up. */
  static parse(payload: Buffer): LineCache | null {
    if (payload.length < 12) return null;
    const n = payload.readUInt32LE(0);
    const stride = payload.readUInt32LE(4);
    const fBytes = payload.readUInt32LE(8);
    if (stride !== STRIDE || payload.length !== 12 + n * STRIDE * 4 + fBytes) return null;
    const c = new LineCache(n);
    // Copy into aligned words (the payload's offset need not be a multiple of 4).
    new Uint8Array(c.rec.buffer).set(payload.subarray(12, 12 + n * STRIDE * 4));
    if (fBytes > c.findings.length) c.findings = Buffer.alloc(fBytes);
    payload.copy(c.findings, 0, 12 + n * STRIDE * 4);
    c.findingsBytes = fBytes;
    for (let i = 0; i < n; i++) {
      const r = i * STRIDE;
      if ((c.rec[r + 11] as number) + (c.rec[r + 12] as number) > fBytes) return null;
      if (((c.rec[r + 10] as number) & 7) >= SHAPES.length) return null;
      c.insert(i);
    }
    c.count = n;
    return c;
  }

  private find(k0: number, k1: number, k2: number, k3: number): number {
    let s = (k0 ^ k2) & this.mask;
    for (;;) {
      const at = this.slots[s] as number;
      if (at === 0) return -1 - s;
      const r = (at - 1) * STRIDE;
      if (this.rec[r] === k0 && this.rec[r + 1] === k1 && this.rec[r + 2] === k2 && this.rec[r + 3] === k3) return at - 1;
      s = (s + 1) & this.mask;
    }
  }

  private insert(i: number): void {
    const r = i * STRIDE;
    const s = this.find(this.rec[r] as number, this.rec[r + 1] as number, this.rec[r + 2] as number, this.rec[r + 3] as number);
    if (s < 0) this.slots[-1 - s] = i + 1;
  }

  /** The cached result of the line whose bytes hash to `key` (a 32-byte sha256), for `line`. */
  get(key: Buffer, line: number): LineResult | undefined {
    const i = this.find(key.readUInt32LE(0), key.readUInt32LE(4), key.readUInt32LE(8), key.readUInt32LE(12));
    if (i < 0) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.used[i] = 1;
    const w = this.rec;
    const r = i * STRIDE;
    const flags = w[r + 10] as number;
    const valid = (flags & VALID) !== 0;
    const fLen = w[r + 12] as number;
    const off = w[r + 11] as number;
    return {
      line,
      shape: SHAPES[flags & 7] ?? null,
      valid,
      blank: (flags & BLANK) !== 0,
      tokens: w[r + 4] as number,
      assistantTokens: w[r + 5] as number,
      finalAnswerTokens: w[r + 13] === 0 ? null : (w[r + 13] as number) - 1,
      messages: w[r + 6] as number,
      images: w[r + 7] as number,
      hasSystem: (flags & SYSTEM) !== 0,
      hasUser: (flags & USER) !== 0,
      hash: valid ? key.toString('hex', 0, 8) : '',
      promptHash: valid ? hex8(w[r + 8] as number, w[r + 9] as number) : '',
      findings: fLen === 0 ? [] : JSON.parse(this.findings.toString('utf8', off, off + fLen)),
    };
  }

  /**
   * Remember a line's result. A result the record cannot carry exactly (a hash that is not the
   * line's own, numbers past 32 bits) is not cached: the line is analysed again next time.
   */
  put(key: Buffer, r: LineResult): void {
    const shape = SHAPES.indexOf(r.shape);
    if (shape < 0) return;
    if (r.valid ? r.hash !== key.toString('hex', 0, 8) || !/^[0-9a-f]{16}$/.test(r.promptHash) : r.hash !== '' || r.promptHash !== '') return;
    for (const n of [r.tokens, r.assistantTokens, r.messages, r.images]) if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) return;
    const fin = r.finalAnswerTokens;
    if (fin !== null && (!Number.isInteger(fin) || fin < 0 || fin >= 0xffffffff)) return;
    const k0 = key.readUInt32LE(0);
    const k1 = key.readUInt32LE(4);
    const k2 = key.readUInt32LE(8);
    const k3 = key.readUInt32LE(12);
    if (this.find(k0, k1, k2, k3) >= 0) return;
    let fOff = 0;
    let fLen = 0;
    if (r.findings.length > 0) {
      const json = Buffer.from(JSON.stringify(r.findings), 'utf8');
      if (this.findingsBytes + json.length > 0xffffffff) return;
      if (this.findingsBytes + json.length > this.findings.length) {
        const next = Buffer.alloc(Math.max(this.findings.length * 2, this.findingsBytes + json.length));
        this.findings.copy(next, 0, 0, this.findingsBytes);
        this.findings = next;
      }
      json.copy(this.findings, this.findingsBytes);
      fOff = this.findingsBytes;
      fLen = json.length;
      this.findingsBytes += json.length;
    }
    if ((this.count + 1) * STRIDE > this.rec.length) this.growRecords();
    if ((this.count + 1) * 2 > this.slots.length) this.growSlots();
    const [phi, plo] = r.valid ? hexToWords(r.promptHash) : [0, 0];
    const w = this.rec;
    const at = this.count * STRIDE;
    w[at] = k0;
    w[at + 1] = k1;
    w[at + 2] = k2;
    w[at + 3] = k3;
    w[at + 4] = r.tokens;
    w[at + 5] = r.assistantTokens;
    w[at + 6] = r.messages;
    w[at + 7] = r.images;
    w[at + 8] = phi;
    w[at + 9] = plo;
    w[at + 10] = shape | (r.valid ? VALID : 0) | (r.blank ? BLANK : 0) | (r.hasSystem ? SYSTEM : 0) | (r.hasUser ? USER : 0);
    w[at + 11] = fOff;
    w[at + 12] = fLen;
    w[at + 13] = fin === null ? 0 : fin + 1;
    this.used[this.count] = 1;
    this.insert(this.count);
    this.count++;
    this.dirty = true;
  }

  private growRecords(): void {
    const cap = (this.rec.length / STRIDE) * 2;
    const rec = new Uint32Array(cap * STRIDE);
    rec.set(this.rec);
    this.rec = rec;
    const used = new Uint8Array(cap);
    used.set(this.used);
    this.used = used;
  }

  private growSlots(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    this.mask = this.slots.length - 1;
    for (let i = 0; i < this.count; i++) this.insert(i);
  }

  /**
   * The payload as pieces (views, no copy of the records). Past `max` records, the ones this run
   * used are kept first, then the others in their order.
   */
  payload(max = MAX_RECORDS): Uint8Array[] {
    let rec = this.rec.subarray(0, this.count * STRIDE);
    let findings: Uint8Array = this.findings.subarray(0, this.findingsBytes);
    let n = this.count;
    if (n > max) {
      const keep: number[] = [];
      for (let i = 0; i < n && keep.length < max; i++) if (this.used[i]) keep.push(i);
      for (let i = 0; i < n && keep.length < max; i++) if (!this.used[i]) keep.push(i);
      const out = new Uint32Array(keep.length * STRIDE);
      const parts: Buffer[] = [];
      let fAt = 0;
      keep.forEach((i, j) => {
        out.set(this.rec.subarray(i * STRIDE, (i + 1) * STRIDE), j * STRIDE);
        const len = this.rec[i * STRIDE + 12] as number;
        const off = this.rec[i * STRIDE + 11] as number;
        out[j * STRIDE + 11] = len === 0 ? 0 : fAt;
        if (len > 0) {
          parts.push(this.findings.subarray(off, off + len));
          fAt += len;
        }
      });
      rec = out;
      findings = Buffer.concat(parts);
      n = keep.length;
    }
    const head = Buffer.alloc(12);
    head.writeUInt32LE(n, 0);
    head.writeUInt32LE(STRIDE, 4);
    head.writeUInt32LE(findings.byteLength, 8);
    return [head, new Uint8Array(rec.buffer, rec.byteOffset, rec.byteLength), findings];
  }
}
