/**
 * Token counting for one encoding: `tok(text)` is the number of tokens of the text, special-token
 * strings (e.g. "<|endoftext|>") counted as the plain text they are. tokens.ts builds the billed
 * counts on it and re-exports what callers use.
 *
 * The counter is gpt-tokenizer's own data driven by a plain loop: the encoding's split pattern
 * run sticky from one pre-token to the next, each pre-token looked up in its rank table, and
 * gpt-tokenizer's byte-pair merge (with its cache) for the pre-tokens that are not a token. The
 * same counts as `countTokens` (and js-tiktoken: the oracle tests), without `matchAll`'s match
 * objects and the special-token setup per call. Two additions, because a line is untrusted:
 * - gpt-tokenizer's merge is quadratic in the pre-token's length (1 MB of one character took
 *   over 600 s), so a pre-token longer than LONG_PIECE characters is merged with a heap instead
 *   (the same merges in the same order: lowest rank first, leftmost on ties), n log n;
 * - a pre-token longer than LINE_LIMITS.maxExactPreTokenChars is merged in pieces of that size,
 *   which bounds the merge's memory; the count is then approximate and `counterStats` says so.
 * Long strings that repeat across lines (system prompts, tool definitions) are counted once
 * while they stay in a small cache.
 */
import { LINE_LIMITS } from '../catalog/limits.js';
import type { Encoding } from '../catalog/models.js';

const AS_TEXT = { disallowedSpecial: new Set<string>() };

export type CountFn = (text: string) => number;

/** What the counters did, for tests (they count work, never time) and the approximate-count notice. */
export const counterStats = {
  /** Pre-tokens merged with the heap (longer than LONG_PIECE characters). */
  longPieces: 0,
  /** Heap pops of those merges: at most about 3 per byte of the piece. */
  heapPops: 0,
  /** Pre-tokens too long to count exactly, counted in pieces. */
  approximate: 0,
  /** Longest pre-token handed to gpt-tokenizer's own (quadratic) merge, in characters. */
  longestLibraryMerge: 0,
  cacheHits: 0,
  cacheMisses: 0,
};

/** Pre-tokens longer than this many characters are merged with the heap. */
const LONG_PIECE = 64;

/** Strings of at least this many characters are remembered with their count… */
const CACHE_MIN_CHARS = 256;
/** …up to this many characters each, this many strings, and this many characters in all. */
const CACHE_MAX_CHARS = 65_536;
const CACHE_ENTRIES = 512;
const CACHE_TOTAL_CHARS = 4 << 20;

/**
 * The parts of gpt-tokenizer's encoder the loop uses. They are not its public API, so they are
 * checked when an encoding loads: if a release renames them, counting falls back to
 * `countTokens` (same counts, slower, and without the long pre-token bound).
 */
interface EncoderCore {
  tokenSplitRegex: RegExp;
  bytePairStringRankEncoder: Map<string, number>;
  bytePairEncode(piece: string): number[];
  getBpeRankFromBytes(bytes: Uint8Array): number | undefined;
  /** Rank → the token, as text or (when it is not UTF-8) as bytes. */
  bytePairRankDecoder?: readonly (string | readonly number[] | undefined)[];
}

type Tokenizer = { countTokens: (text: string, opts: typeof AS_TEXT) => number };

function coreOf(t: Tokenizer): EncoderCore | null {
  const core = (t as unknown as { default?: { bytePairEncodingCoreProcessor?: Partial<EncoderCore> } }).default?.bytePairEncodingCoreProcessor;
  if (core && core.tokenSplitRegex instanceof RegExp && core.bytePairStringRankEncoder instanceof Map && typeof core.bytePairEncode === 'function' && typeof core.getBpeRankFromBytes === 'function') {
    return core as EncoderCore;
  }
  return null;
}

const encoder = new TextEncoder();

/**
 * Every token's rank keyed by its bytes read as Latin-1 (one character per byte), built on the
 * first long pre-token: a pair's rank is then one substring and one map lookup, where the
 * library's lookup decodes UTF-8 (or searches the non-UTF-8 tokens) each time. ~10 MB.
 */
const BYTE_RANKS = new WeakMap<EncoderCore, Map<string, number> | null>();

function byteRanks(core: EncoderCore): Map<string, number> | null {
  let table = BYTE_RANKS.get(core);
  if (table !== undefined) return table;
  table = null;
  const decoder = core.bytePairRankDecoder;
  if (Array.isArray(decoder)) {
    table = new Map();
    decoder.forEach((token: string | readonly number[] | undefined, rank: number) => {
      if (typeof token === 'string') table?.set(Buffer.from(token, 'utf8').toString('latin1'), rank);
      else if (Array.isArray(token)) table?.set(Buffer.from(token).toString('latin1'), rank);
    });
  }
  BYTE_RANKS.set(core, table);
  return table;
}

/**
 * Byte-pair merge of one pre-token with a binary heap of (rank, position) keys: at each step the
 * lowest-ranked adjacent pair, the leftmost on ties, is merged, exactly as tiktoken's loop does;
 * then the two pairs around it are ranked again. Returns the number of tokens.
 */
function heapMergeCount(piece: string, core: EncoderCore): number {
  const bytes = encoder.encode(piece);
  const n = bytes.length;
  if (n <= 1) return n;
  counterStats.longPieces++;
  const table = byteRanks(core);
  const latin1 = table ? Buffer.from(bytes.buffer, bytes.byteOffset, n).toString('latin1') : '';
  // Parts are byte ranges [i, next[i]); a merged-away part has next[i] = -1.
  const next = new Int32Array(n + 1);
  const prev = new Int32Array(n + 1);
  const rank = new Float64Array(n); // rank of the pair starting at part i (Infinity: none)
  for (let i = 0; i <= n; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
  }
  const pairRank = (i: number): number => {
    const j = next[i] as number;
    if (j >= n) return Infinity;
    const end = next[j] as number;
    const r = table ? table.get(latin1.slice(i, end)) : core.getBpeRankFromBytes(bytes.subarray(i, end));
    return r ?? Infinity;
  };
  // Keys are rank · 2^24 + position (positions < 2^24 bytes; ranks < 2^20): exact in a double.
  const heap = new Float64Array(3 * n + 1);
  let size = 0;
  const SHIFT = 16_777_216;
  const push = (key: number) => {
    let i = size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((heap[parent] as number) <= key) break;
      heap[i] = heap[parent] as number;
      i = parent;
    }
    heap[i] = key;
  };
  const pop = (): number => {
    const top = heap[0] as number;
    const last = heap[--size] as number;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && (heap[child + 1] as number) < (heap[child] as number)) child++;
      if ((heap[child] as number) >= last) break;
      heap[i] = heap[child] as number;
      i = child;
    }
    heap[i] = last;
    return top;
  };
  for (let i = 0; i < n; i++) {
    const r = pairRank(i);
    rank[i] = r;
    if (r !== Infinity) push(r * SHIFT + i);
  }
  let parts = n;
  while (size > 0) {
    const key = pop();
    counterStats.heapPops++;
    const i = key % SHIFT;
    const r = (key - i) / SHIFT;
    // Stale: the part was merged away, or its pair was ranked again since.
    if (next[i] === -1 || rank[i] !== r) continue;
    const j = next[i] as number;
    const k = next[j] as number;
    next[i] = k;
    next[j] = -1;
    if (k <= n) prev[k] = i;
    parts--;
    const ri = pairRank(i);
    rank[i] = ri;
    if (ri !== Infinity) push(ri * SHIFT + i);
    const h = prev[i] as number;
    if (h >= 0) {
      const rh = pairRank(h);
      if (rh !== rank[h]) {
        rank[h] = rh;
        if (rh !== Infinity) push(rh * SHIFT + h);
      }
    }
  }
  return parts;
}

/** A pre-token the rank table does not hold. */
function pieceCount(piece: string, core: EncoderCore): number {
  if (piece.length <= LONG_PIECE) {
    if (piece.length > counterStats.longestLibraryMerge) counterStats.longestLibraryMerge = piece.length;
    return core.bytePairEncode(piece).length;
  }
  // (heap keys hold byte positions below 2^24: at most 4 bytes per character)
  const max = Math.min(LINE_LIMITS.maxExactPreTokenChars.value, 4_000_000);
  if (piece.length <= max) return heapMergeCount(piece, core);
  // Too long to merge at once: in pieces.
  counterStats.approximate++;
  let n = 0;
  for (const [from, to] of cuts(piece, max)) n += heapMergeCount(piece.slice(from, to), core);
  return n;
}

/** [from, to) ranges of at most `max` characters covering `text`, never cutting a surrogate pair. */
export function cuts(text: string, max: number): [number, number][] {
  const out: [number, number][] = [];
  for (let from = 0; from < text.length;) {
    let to = Math.min(from + max, text.length);
    const c = text.charCodeAt(to - 1);
    if (to < text.length && to - 1 > from && c >= 0xd800 && c <= 0xdbff) to--;
    out.push([from, to]);
    from = to;
  }
  return out;
}

function exactCounter(core: EncoderCore): CountFn {
  const { source, flags } = core.tokenSplitRegex;
  // Pre-tokens follow each other, so a sticky `test` finds each one's end without building a
  // match array; where nothing matches (no such text with these patterns, but cheap to be
  // right), the global pattern skips ahead exactly as `matchAll` would.
  const sticky = new RegExp(source, `${flags.replace(/[gy]/g, '')}y`);
  const global = new RegExp(source, `${flags.replace(/[gy]/g, '')}g`);
  const ranks = core.bytePairStringRankEncoder;
  return (text) => {
    let n = 0;
    let start = 0;
    while (start < text.length) {
      sticky.lastIndex = start;
      let end = sticky.test(text) ? sticky.lastIndex : -1;
      if (end <= start) {
        global.lastIndex = start + 1;
        const m = global.exec(text);
        if (m === null || m[0].length === 0) break;
        start = m.index;
        end = start + m[0].length;
      }
      const piece = text.slice(start, end);
      if (ranks.get(piece) !== undefined) n++;
      else n += pieceCount(piece, core);
      start = end;
    }
    return n;
  };
}

/** A count remembered for long strings, least recently used out first. */
function cached(count: CountFn): CountFn {
  const cache = new Map<string, number>();
  let chars = 0;
  return (text) => {
    // (never a string that may hold an approximate count: a hit would not say so)
    const max = Math.min(CACHE_MAX_CHARS, LINE_LIMITS.maxExactPreTokenChars.value);
    if (text.length < CACHE_MIN_CHARS || text.length > max) return count(text);
    const hit = cache.get(text);
    if (hit !== undefined) {
      counterStats.cacheHits++;
      cache.delete(text);
      cache.set(text, hit);
      return hit;
    }
    counterStats.cacheMisses++;
    const n = count(text);
    while (cache.size > 0 && (cache.size >= CACHE_ENTRIES || chars + text.length > CACHE_TOTAL_CHARS)) {
      const oldest = cache.keys().next().value as string;
      cache.delete(oldest);
      chars -= oldest.length;
    }
    cache.set(text, n);
    chars += text.length;
    return n;
  };
}

/**
 * Encodings load on demand: each one costs tens of MB once built, and a run needs one. Call
 * `loadEncoding` (async) before `counter` (sync, on the hot path).
 */
const COUNTERS: Partial<Record<Encoding, CountFn>> = {};

const LOADERS: Record<Encoding, () => Promise<Tokenizer>> = {
  o200k_base: () => import('gpt-tokenizer/encoding/o200k_base'),
  cl100k_base: () => import('gpt-tokenizer/encoding/cl100k_base'),
};

export async function loadEncoding(encoding: Encoding): Promise<CountFn> {
  const ready = COUNTERS[encoding];
  if (ready) return ready;
  const t = await LOADERS[encoding]();
  const core = coreOf(t);
  const count = core ? cached(exactCounter(core)) : (text: string) => t.countTokens(text, AS_TEXT);
  const fn: CountFn = (text) => (text.length === 0 ? 0 : count(text));
  COUNTERS[encoding] = fn;
  return fn;
}

/** gpt-tokenizer's own count (matchAll and its merge), for the tests and the benchmark. */
export async function libraryCounter(encoding: Encoding): Promise<CountFn> {
  const t = await LOADERS[encoding]();
  return (text) => (text.length === 0 ? 0 : t.countTokens(text, AS_TEXT));
}

export function counter(encoding: Encoding): CountFn {
  const fn = COUNTERS[encoding];
  if (!fn) throw new Error(`encoding ${encoding} is not loaded: await loadEncoding('${encoding}') first`);
  return fn;
}
