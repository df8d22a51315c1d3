/**
 * Check one dataset file: stream its lines through `analyzeLine` (in worker threads for large
 * files), then the rules that need the whole file (format, duplicates, minimum examples,
 * truncation), and return a report with every count and the first diagnostics.
 */
import { createHash, hash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { fileBlobSha } from '../cache/blob.js';
import { lineFingerprint, summaryFingerprint } from '../cache/fingerprint.js';
import type { LineCache } from '../cache/lines.js';
import type { CacheStore } from '../cache/store.js';
import type { ValidationProfile } from '../catalog/profiles.js';
import { analyzeLine, type LineContext, type LineResult } from './line.js';
import { readLineBatches, type LineBatch, type ReadProblem } from './read.js';
import type { Finding } from './rules.js';
import { IntList, distribution } from './stats.js';
import { KeyList, KeyMap, hexToWords } from './keys.js';
import { loadEncoding } from './tokens.js';
import { loadOpenTokenizer } from '../tokenizers/open.js';
import { GarbagePacer } from './memory.js';
import type { DataFormat, Diagnostic, Distribution, Method } from './types.js';
import { runInWorkers, type WorkerOptions } from './workers.js';

export interface FileCheckOptions extends LineContext {
  role: 'training' | 'validation';
  trainingContext: number | null;
  /** Diagnostics kept for the report; all are still counted. */
  keepDiagnostics?: number;
  /** Hashes of the training file's examples, to find validation examples that repeat them. */
  trainingHashes?: KeyMap;
  /** Called with bytes read so far. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  workers?: WorkerOptions;
  /** Results by content; none: every line is analysed. */
  cache?: FileCacheOptions;
  /** sha256 of `trainingHashes`' words (fingerprint.ts `wordsDigest`): lets a validation file be summarised. */
  trainingDigest?: string;
  /** Read the bytes from here instead of `path` (a base version streamed from git). */
  source?: { size: number; open: () => Readable };
}

export interface CodeCount {
  code: string;
  severity: Diagnostic['severity'];
  count: number;
}

export interface FileReport {
  path: string;
  role: 'training' | 'validation';
  /** The data's format, or null when no line had a recognisable shape. */
  format: DataFormat | null;
  bytes: number;
  lines: number;
  /** Non-blank lines: what the provider counts as examples. */
  examples: number;
  /** Examples that passed their schema and were counted. */
  validExamples: number;
  errors: number;
  warnings: number;
  infos: number;
  diagnostics: Diagnostic[];
  /** How many diagnostics were counted but not kept. */
  diagnosticsOmitted: number;
  byCode: CodeCount[];
  tokens: {
    /** Billed tokens before truncation. */
    total: number;
    /** Σ min(example, training context). */
    billable: number;
    assistant: number;
    perExample: Distribution | null;
    /** Examples longer than the training context (truncated when trained). */
    overContext: number;
  };
  stats: {
    messages: number;
    messagesPerExample: Distribution | null;
    images: number;
    missingSystem: number;
    missingUser: number;
    duplicates: number;
    /** Validation examples that also appear in the training file. */
    inTraining: number;
  };
  /** Per-example keys for the diff against the base branch (not serialised). */
  keys: ExampleKeys;
}

/**
 * Per valid example, in file order: the 64-bit hash of its bytes and of its prompt (two u32
 * words each, hi then lo) and its tokens. Fixed-size binary: memory stays flat as files grow.
 */
export interface ExampleKeys {
  hash: Uint32Array;
  promptHash: Uint32Array;
  tokens: Uint32Array;
}

const FORMAT_OF_METHOD: Record<Method, DataFormat[]> = {
  supervised: ['chat', 'completion', 'text'],
  dpo: ['dpo'],
  reinforcement: ['reinforcement'],
};

/** The method a file's data implies when none is given. */
export function methodForFormat(format: DataFormat | null): Method {
  return format === 'dpo' ? 'dpo' : format === 'reinforcement' ? 'reinforcement' : 'supervised';
}

export class FileAggregator {
  private readonly diagnostics: Diagnostic[] = [];
  private omitted = 0;
  private readonly counts = new Map<string, CodeCount>();
  private errors = 0;
  private warnings = 0;
  private infos = 0;
  private lines = 0;
  private examples = 0;
  private valid = 0;
  private shape: LineResult['shape'] = null;
  private firstExampleLine: number | null = null;
  private readonly tokens = new IntList();
  private readonly messagesPer = new IntList();
  private readonly hashes = new KeyList();
  private readonly promptHashes = new KeyList();
  /** First line of each example hash, to name the original of a duplicate. */
  private readonly seen = new KeyMap();
  private total = 0;
  private billable = 0;
  private assistant = 0;
  private overContext = 0;
  private messages = 0;
  private images = 0;
  private missingSystem = 0;
  private missingUser = 0;
  private duplicates = 0;
  private inTraining = 0;
  /** Lines without an assistant answer that carry extra top-level keys (grader data). */
  private reinforcementLike = 0;
  /** The whole file is not JSONL (a JSON document, an LFS pointer): one error, no examples. */
  private notJsonl = false;
  private readonly keep: number;

  constructor(
    private readonly path: string,
    private readonly opts: FileCheckOptions,
  ) {
    this.keep = opts.keepDiagnostics ?? 1000;
  }

  private emit(line: number | null, f: Finding): void {
    const c = this.counts.get(f.code);
    if (c) c.count++;
    else this.counts.set(f.code, { code: f.code, severity: f.severity, count: 1 });
    if (f.severity === 'error') this.errors++;
    else if (f.severity === 'warning') this.warnings++;
    else this.infos++;
    if (this.diagnostics.length < this.keep) {
      this.diagnostics.push({ ...f, file: this.path, line });
    } else {
      this.omitted++;
    }
  }

  problem(p: ReadProblem): void {
    this.lines = Math.max(this.lines, p.line);
    if (p.kind === 'bom') {
      this.emit(p.line, {
        code: 'bom',
        severity: 'warning',
        path: '',
        message: 'the file starts with a UTF-8 byte-order mark',
        hint: 'save the file as UTF-8 without BOM; some tools read the mark as part of the first line',
      });
    } else {
      this.examples++;
      this.emit(p.line, {
        code: 'line-too-long',
        severity: 'error',
        path: '',
        message: `the line is ${(p.length ?? 0).toLocaleString('en-US')} bytes, over the ${this.opts.profile.maxLineBytes.toLocaleString('en-US')}-byte limit; it was skipped`,
        hint: 'shorten the example (large base64 images are the usual cause: use https image URLs or smaller images)',
      });
    }
  }

  add(r: LineResult): void {
    this.lines = Math.max(this.lines, r.line);
    if (!r.blank) this.examples++;
    let valid = r.valid;
    if (r.shape !== null) {
      if (this.shape === null) {
        this.shape = r.shape;
        this.firstExampleLine = r.line;
      } else if (r.shape !== this.shape) {
        this.emit(r.line, {
          code: 'mixed-formats',
          severity: 'error',
          path: '',
          message: `the line is ${r.shape} data, but the file is ${this.shape} data (from line ${this.firstExampleLine})`,
          hint: 'keep one format per file',
        });
        valid = false;
      }
    }
    for (const f of r.findings) this.emit(r.line, f);
    if (r.findings.some((f) => f.code === 'missing-assistant-message') && r.findings.some((f) => f.code === 'unknown-key')) {
      this.reinforcementLike++;
    }
    if (!valid) return;
    this.valid++;
    this.tokens.push(r.tokens);
    this.messagesPer.push(r.messages);
    const [hi, lo] = hexToWords(r.hash);
    const [phi, plo] = hexToWords(r.promptHash);
    this.hashes.push(hi, lo);
    this.promptHashes.push(phi, plo);
    this.total += r.tokens;
    this.assistant += r.assistantTokens;
    this.messages += r.messages;
    this.images += r.images;
    if (!r.hasSystem) this.missingSystem++;
    if (!r.hasUser) this.missingUser++;
    const ctx = this.opts.trainingContext;
    if (ctx !== null && r.tokens > ctx) {
      this.overContext++;
      this.billable += ctx;
      const before = r.finalAnswerTokens === null ? null : r.tokens - r.finalAnswerTokens;
      const answerLost = before !== null && before >= ctx;
      this.emit(r.line, {
        code: 'over-context',
        severity: 'warning',
        path: '',
        message: answerLost
          ? `the example is ${r.tokens.toLocaleString('en-US')} tokens, over the model's ${ctx.toLocaleString('en-US')}-token training context, and its final assistant answer starts after token ${before.toLocaleString('en-US')}: truncation removes the whole answer, so the example trains nothing on it (and is still billed)`
          : `the example is ${r.tokens.toLocaleString('en-US')} tokens, over the model's ${ctx.toLocaleString('en-US')}-token training context: it will be truncated`,
        hint: answerLost
          ? 'shorten the prompt so the answer fits, or split the example; as it is, it costs money and teaches nothing'
          : 'shorten or split the example; only the first part is trained on',
      });
    } else {
      this.billable += r.tokens;
    }
    const first = this.seen.get(hi, lo);
    if (first !== undefined) {
      this.duplicates++;
      this.emit(r.line, {
        code: 'duplicate-example',
        severity: 'warning',
        path: '',
        message: `the example is an exact duplicate of line ${first}`,
        hint: 'remove the copy: duplicates weigh an example twice',
      });
    } else {
      this.seen.set(hi, lo, r.line);
    }
    if (this.opts.trainingHashes?.has(hi, lo)) {
      this.inTraining++;
      this.emit(r.line, {
        code: 'in-training-and-validation',
        severity: 'warning',
        path: '',
        message: 'this validation example also appears in the training file',
        hint: 'remove it from one of the two files, or the validation loss flatters the model',
      });
    }
  }

  /** The whole file is one problem (not JSONL at all): report it once, with no examples. */
  wholeFile(f: Finding): void {
    this.notJsonl = true;
    this.emit(null, f);
  }

  /** Drop every kept and counted diagnostic with one of these codes. */
  private forget(codes: ReadonlySet<string>): void {
    for (const code of codes) {
      const c = this.counts.get(code);
      if (!c) continue;
      if (c.severity === 'error') this.errors -= c.count;
      else if (c.severity === 'warning') this.warnings -= c.count;
      else this.infos -= c.count;
      const kept = this.diagnostics.filter((d) => d.code === code).length;
      this.omitted -= c.count - kept;
      this.counts.delete(code);
    }
    const rest = this.diagnostics.filter((d) => !codes.has(d.code));
    this.diagnostics.length = 0;
    this.diagnostics.push(...rest);
  }

  /**
   * Reinforcement data checked as supervised data: most examples end without an assistant
   * answer and carry extra keys for a grader. One error says so instead of hundreds.
   */
  private reinforcementInstead(): void {
    if (this.shape !== 'chat' || this.opts.method === 'reinforcement') return;
    if (this.reinforcementLike === 0 || this.reinforcementLike * 2 < this.examples) return;
    this.forget(REINFORCEMENT_SIGNS);
    this.emit(this.firstExampleLine, {
      code: 'looks-like-reinforcement',
      severity: 'error',
      path: '',
      message: `this looks like reinforcement data: ${this.reinforcementLike} of ${this.examples} examples have no assistant answer and carry extra keys for a grader`,
      hint: 'set method: reinforcement (CLI: --method reinforcement), or add the assistant answers for supervised fine-tuning',
    });
  }

  /** The format this file's data is in, given the method asked for. */
  format(): DataFormat | null {
    if (this.shape === 'chat' && this.opts.method === 'reinforcement') return 'reinforcement';
    return this.shape;
  }

  finish(bytes: number): FileReport {
    this.reinforcementInstead();
    const format = this.format();
    const method = this.opts.method;
    if (format !== null && method !== null && !FORMAT_OF_METHOD[method].includes(format)) {
      this.emit(this.firstExampleLine, {
        code: 'method-does-not-fit-data',
        severity: 'error',
        path: '',
        message: `method "${method}" needs ${FORMAT_OF_METHOD[method].join(' or ')} data, but the file is ${format} data`,
        hint: `set the method to ${methodForFormat(format)} (or leave it on auto), or convert the data`,
      });
    }
    if (format !== null && !this.opts.profile.formats.includes(format)) {
      this.emit(this.firstExampleLine, {
        code: 'format-not-supported',
        severity: 'error',
        path: '',
        message: `${this.opts.profile.name} does not take ${format} data`,
        hint: `use one of: ${this.opts.profile.formats.join(', ')}`,
      });
    }
    const { maxDatasetBytes, sdkCheckMaxBytes, name } = this.opts.profile;
    const gb = (n: number) => `${(n / 1e9).toLocaleString('en-US', { maximumFractionDigits: 1 })} GB`;
    if (maxDatasetBytes !== undefined && bytes > maxDatasetBytes) {
      this.emit(null, {
        code: 'file-too-large',
        severity: 'error',
        path: '',
        message: `the file is ${gb(bytes)}; ${name} takes files up to ${gb(maxDatasetBytes)}`,
        hint: 'split the data, or drop examples',
      });
    } else if (sdkCheckMaxBytes !== undefined && bytes > sdkCheckMaxBytes) {
      this.emit(null, {
        code: 'file-too-large-for-sdk-check',
        severity: 'warning',
        path: '',
        message: `the file is ${gb(bytes)}; ${name}'s SDK refuses files over ${gb(sdkCheckMaxBytes)} when it checks them before upload`,
        hint: 'finetune-ci uploads without that check; if you upload with the SDK, pass check=False or split the file',
      });
    }
    if (this.notJsonl) {
      // already reported once for the whole file
    } else if (this.examples === 0) {
      this.emit(null, {
        code: 'empty-file',
        severity: 'error',
        path: '',
        message: 'the file has no examples',
        hint: 'add examples, one JSON object per line',
      });
    } else if (this.opts.role === 'training' && this.examples < this.opts.profile.minExamples) {
      this.emit(null, {
        code: 'too-few-examples',
        severity: 'error',
        path: '',
        message: `the file has ${this.examples} example${this.examples === 1 ? '' : 's'}; ${this.opts.profile.name} needs at least ${this.opts.profile.minExamples}`,
        hint: `add examples: at least ${this.opts.profile.minExamples}, and 50–100 are advised`,
      });
    }
    // Upper bounds a provider publishes (Vertex AI): the job would be refused.
    const most = this.opts.role === 'training' ? this.opts.profile.maxExamples : this.opts.profile.maxValidationExamples;
    if (most !== undefined && this.examples > most) {
      this.emit(null, {
        code: 'too-many-examples',
        severity: 'error',
        path: '',
        message: `the ${this.opts.role} file has ${this.examples.toLocaleString('en-US')} examples; ${this.opts.profile.name} takes at most ${most.toLocaleString('en-US')}`,
        hint: this.opts.role === 'training' ? 'split the data or sample it down' : 'keep a smaller validation sample',
      });
    }
    const hardLimit = this.opts.profile.maxTrainingFileBytes;
    if (hardLimit !== undefined && bytes > hardLimit) {
      this.emit(null, {
        code: 'file-too-large',
        severity: 'error',
        path: '',
        message: `the file is ${bytes.toLocaleString('en-US')} bytes; ${this.opts.profile.name} takes files up to ${hardLimit.toLocaleString('en-US')} bytes`,
        hint: 'shrink the file (fewer or shorter examples)',
      });
    }
    this.diagnostics.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    return {
      path: this.path,
      role: this.opts.role,
      format,
      bytes,
      lines: this.lines,
      examples: this.examples,
      validExamples: this.valid,
      errors: this.errors,
      warnings: this.warnings,
      infos: this.infos,
      diagnostics: this.diagnostics,
      diagnosticsOmitted: this.omitted,
      byCode: [...this.counts.values()].sort((a, b) => b.count - a.count),
      tokens: {
        total: this.total,
        billable: this.billable,
        assistant: this.assistant,
        perExample: distribution(this.tokens.values()),
        overContext: this.overContext,
      },
      stats: {
        messages: this.messages,
        messagesPerExample: distribution(this.messagesPer.values()),
        images: this.images,
        missingSystem: this.missingSystem,
        missingUser: this.missingUser,
        duplicates: this.duplicates,
        inTraining: this.inTraining,
      },
      keys: {
        hash: this.hashes.words().slice(),
        promptHash: this.promptHashes.words().slice(),
        tokens: Uint32Array.from(this.tokens.values()),
      },
    };
  }
}

/** What supervised checks say about reinforcement data; replaced by one `looks-like-reinforcement`. */
const REINFORCEMENT_SIGNS: ReadonlySet<string> = new Set(['missing-assistant-message', 'unknown-key', 'developer-role', 'no-system-message']);

const LFS_POINTER = 'version https://git-lfs.github.com/spec/v1';
const SNIFF_BYTES = 4096;

/**
 * A file that is not JSONL at all, from its first bytes: a Git LFS pointer (the checkout has no
 * LFS content), or a JSON document (a pretty-printed object or an array). null: read it as JSONL.
 */
export async function sniffNotJsonl(path: string, display = path): Promise<Finding | null> {
  const fh = await open(path, 'r');
  let head: Buffer;
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SNIFF_BYTES, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  return sniffHead(head, display);
}

/** The first `SNIFF_BYTES` of a stream (which is then closed). */
async function headOf(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  try {
    for await (const c of stream as AsyncIterable<Buffer>) {
      parts.push(c);
      n += c.length;
      if (n >= SNIFF_BYTES) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(parts).subarray(0, SNIFF_BYTES);
}

/** `sniffNotJsonl` on a file's first bytes. */
function sniffHead(bytes: Buffer, display: string): Finding | null {
  const head = bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (head.startsWith(LFS_POINTER)) {
    return {
      code: 'lfs-pointer',
      severity: 'error',
      path: '',
      message: 'the file is a Git LFS pointer, not the dataset: this checkout has no LFS content',
      hint: 'check out with LFS content: `lfs: true` on actions/checkout (locally: `git lfs pull`)',
    };
  }
  const first = head.trimStart().split('\n', 1)[0]?.trim() ?? '';
  const array = first.startsWith('[');
  const pretty = first === '{' || /^\{\s*"[^"]*"\s*:\s*[[{]?$/.test(first);
  if (!array && !pretty) return null;
  const tmp = `${display.replace(/\.jsonl?$/i, '')}.fixed.jsonl`;
  const then = ` && mv ${shellWord(tmp)} ${shellWord(display)}`;
  return {
    code: 'json-not-jsonl',
    severity: 'error',
    path: '',
    message: `JSON, not JSONL: the file is ${array ? 'a JSON array' : 'a pretty-printed JSON document'}; fine-tuning takes one JSON object per line`,
    hint: array
      ? `convert it to one object per line: jq -c '.[]' ${shellWord(display)} > ${shellWord(tmp)}${then}`
      : `convert it to one object per line: jq -c . ${shellWord(display)} > ${shellWord(tmp)}${then} (remove any comments first)`,
  };
}

function shellWord(s: string): string {
  return /^[\w./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Files at least this large are worth the start-up of worker threads. */
export const WORKER_MIN_BYTES = 8 * 1024 * 1024;

/** Results by content (src/cache): a file's summary by its blob id, its lines by their hash. */
export interface FileCacheOptions {
  store: CacheStore;
  /** The file's git blob id when git vouches for its bytes; else it is computed from the bytes read. */
  blob?: string | null;
}

/** A batch whose `lines` are the cache misses, with the cached results of the others. */
interface PlannedBatch extends LineBatch {
  /** Per line of the batch, in order: its cached result, or null (a miss, in `lines`). */
  order: (LineResult | null)[];
  /** The sha256 of each miss, in order. */
  keys: Buffer[];
}

async function* lookup(batches: AsyncIterable<LineBatch>, cache: LineCache): AsyncGenerator<PlannedBatch> {
  for await (const b of batches) {
    const order: (LineResult | null)[] = [];
    const keys: Buffer[] = [];
    const misses: LineBatch['lines'] = [];
    for (const l of b.lines) {
      const key = hash('sha256', l.bytes, 'buffer');
      const hit = cache.get(key, l.line);
      order.push(hit ?? null);
      if (!hit) {
        keys.push(key);
        misses.push(l);
      }
    }
    yield { ...b, lines: misses, order, keys };
  }
}

export async function checkFile(path: string, opts: FileCheckOptions): Promise<FileReport> {
  const size = opts.source?.size ?? (await stat(path)).size;
  const ctx: LineContext = { method: opts.method, encoding: opts.encoding, profile: opts.profile, ...(opts.tokenizer ? { tokenizer: opts.tokenizer } : {}) };
  const cache = opts.cache;
  let summaryFp: string | null = null;
  let lineCache: LineCache | null = null;
  if (cache) {
    const lineFp = lineFingerprint(cache.store.engine, ctx);
    summaryFp = summaryFingerprint(lineFp, {
      role: opts.role,
      trainingContext: opts.trainingContext,
      keepDiagnostics: opts.keepDiagnostics ?? 1000,
      training: opts.trainingDigest ?? null,
    });
    // A validation file checked against training keys the fingerprint cannot name is not summarised.
    const summarise = !(opts.trainingHashes && !opts.trainingDigest);
    const blob = summarise ? (cache.blob ?? (opts.source ? null : await fileBlobSha(path))) : null;
    if (blob) {
      const hit = await cache.store.getSummary(blob, summaryFp, path);
      if (hit) {
        opts.onProgress?.(size, size);
        return hit;
      }
    }
    if (!summarise) summaryFp = null;
    lineCache = await cache.store.lines(lineFp);
  }
  // A file that is not JSONL at all is one finding, not a finding per line (its summary, when
  // cached, is of a JSONL file: the same bytes would not be here).
  const whole = opts.source ? sniffHead(await headOf(opts.source.open()), path) : await sniffNotJsonl(path);
  if (whole) {
    const agg = new FileAggregator(path, opts);
    agg.wholeFile(whole);
    return agg.finish(size);
  }
  const agg = new FileAggregator(path, opts);
  // The summary is stored under the id git gave (git vouched for those bytes), else under the
  // id of the bytes actually read, hashed in the same pass.
  const vouched = cache?.blob ?? null;
  const blobHash = createHash('sha1').update(`blob ${size}\0`);
  let bytesSeen = 0;
  const read = readLineBatches(opts.source ? opts.source.open() : path, {
    maxLineBytes: opts.profile.maxLineBytes,
    onChunk: (c) => {
      if (summaryFp && !vouched) blobHash.update(c);
      bytesSeen += c.length;
    },
  });
  const batches: AsyncIterable<LineBatch | PlannedBatch> = lineCache ? lookup(read, lineCache) : read;
  const take = (b: LineBatch | PlannedBatch, results: LineResult[]) => {
    for (const p of b.problems) agg.problem(p);
    if (!('order' in b)) {
      for (const r of results) agg.add(r);
      return;
    }
    let j = 0;
    for (const hit of b.order) {
      if (hit) agg.add(hit);
      else {
        const r = results[j] as LineResult;
        lineCache!.put(b.keys[j] as Buffer, r);
        j++;
        agg.add(r);
      }
    }
  };
  const threads = opts.workers?.threads ?? 0;
  if (threads > 0 && (size >= WORKER_MIN_BYTES || opts.workers?.always)) {
    await runInWorkers(batches, ctx, opts.workers!, {
      problem: (p) => agg.problem(p),
      result: (r) => agg.add(r),
      batch: take,
      progress: (n) => opts.onProgress?.(n, size),
    });
  } else {
    const pacer = new GarbagePacer();
    let last = 0;
    for await (const batch of batches) {
      // The tokenizer is loaded only when a line must be counted.
      if (batch.lines.length > 0) {
        await loadEncoding(opts.encoding);
        if (opts.tokenizer) await loadOpenTokenizer(opts.tokenizer);
      }
      take(
        batch,
        batch.lines.map((l) => analyzeLine(l.bytes, l.line, ctx)),
      );
      opts.onProgress?.(batch.bytesRead, size);
      pacer.processed(batch.bytesRead - last);
      last = batch.bytesRead;
    }
  }
  // A stream that ended early (its source failed) is not the file: no report from part of it.
  if (opts.source && bytesSeen !== size) throw new Error(`${path}: read ${bytesSeen} of ${size} bytes`);
  const report = agg.finish(size);
  if (cache && summaryFp && bytesSeen === size) await cache.store.putSummary(vouched ?? blobHash.digest('hex'), summaryFp, report);
  return report;
}

export type { ValidationProfile };
