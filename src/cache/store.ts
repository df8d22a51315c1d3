/**
 * The cache directory: one line-results file per fingerprint (`lines-<fingerprint>.bin`) and
 * one summary per file version and settings (`summary-<blob sha>-<fingerprint>.bin`), each in
 * the container of format.ts. A store without a directory lives in memory only (a run's base
 * still reuses the lines its head analysed). Reading never fails a check: a file that cannot be
 * read or is refused is ignored (and replaced on the next write); writing is atomic (temp file
 * and rename) and a failure to write is reported, not thrown.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open as openFile, readFile, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ExampleKeys, FileReport } from '../dataset/check.js';
import { KIND, header, open, type Kind } from './format.js';
import { LineCache } from './lines.js';

/** Summaries kept beyond those used by the current run (the most recently used first). */
export const KEEP_OTHER_SUMMARIES = 32;

/** The CLI's cache directory: $XDG_CACHE_HOME/finetune-ci, else ~/.cache/finetune-ci. */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.cache'), 'finetune-ci');
}

export interface CacheStats {
  lineHits: number;
  lineMisses: number;
  summaryHits: number;
  summaryMisses: number;
  /** Files found but not used, with the reason (`lines-….bin: checksum`). */
  ignored: string[];
}

const BLOB = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export class CacheStore {
  private readonly lineCaches = new Map<string, Promise<LineCache>>();
  private readonly usedSummaries = new Set<string>();
  private readonly summaryStats = { hits: 0, misses: 0 };
  readonly ignored: string[] = [];
  private writeWarned = false;

  /**
   * @param dir the cache directory, or null for a store in memory only
   * @param engine the engine's identity (fingerprint.ts `engineId`)
   * @param warn where problems with the cache go (never fatal)
   */
  constructor(
    readonly dir: string | null,
    readonly engine: string,
    private readonly warn: (m: string) => void = () => {},
  ) {}

  private async read(name: string, kind: Kind, fingerprint: string): Promise<Buffer | null> {
    if (!this.dir) return null;
    let file: Buffer;
    try {
      file = await readFile(join(this.dir, name));
    } catch {
      return null; // none yet
    }
    const r = open(file, kind, fingerprint);
    if ('refused' in r) {
      this.ignored.push(`${name}: ${r.refused}`);
      return null;
    }
    return r.payload;
  }

  private async write(name: string, kind: Kind, fingerprint: string, pieces: Uint8Array[]): Promise<void> {
    if (!this.dir) return;
    const tmp = join(this.dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await mkdir(this.dir, { recursive: true });
      const fh = await openFile(tmp, 'w');
      try {
        await fh.writev([header(kind, fingerprint, pieces), ...pieces]);
      } finally {
        await fh.close();
      }
      await rename(tmp, join(this.dir, name));
    } catch (e) {
      await rm(tmp, { force: true }).catch(() => {});
      if (!this.writeWarned) {
        this.writeWarned = true;
        this.warn(`Could not write the cache in ${this.dir} (${(e as Error).message}); results are not affected.`);
      }
    }
  }

  /** The line results for a fingerprint (loaded once; empty when there are none yet). */
  lines(fingerprint: string): Promise<LineCache> {
    let p = this.lineCaches.get(fingerprint);
    if (!p) {
      p = (async () => {
        const payload = await this.read(`lines-${fingerprint}.bin`, KIND.lines, fingerprint);
        if (!payload) return new LineCache();
        const c = LineCache.parse(payload);
        if (!c) this.ignored.push(`lines-${fingerprint}.bin: layout`);
        return c ?? new LineCache();
      })();
      this.lineCaches.set(fingerprint, p);
    }
    return p;
  }

  private summaryName(blob: string, fingerprint: string): string {
    return `summary-${blob}-${fingerprint.slice(0, 32)}.bin`;
  }

  /**
   * A file's report from its summary, relabelled with `path`; null when there is none (or the
   * blob id is not a git object id).
   */
  async getSummary(blob: string, fingerprint: string, path: string): Promise<FileReport | null> {
    if (!BLOB.test(blob)) return null;
    const name = this.summaryName(blob, fingerprint);
    const mem = this.memory.get(name);
    const payload = mem ?? (await this.read(name, KIND.summary, fingerprint));
    const report = payload ? decodeSummary(payload, path) : null;
    if (payload && !report) this.ignored.push(`${name}: layout`);
    if (!report) {
      this.summaryStats.misses++;
      return null;
    }
    this.summaryStats.hits++;
    this.usedSummaries.add(name);
    return report;
  }

  /** Summaries of a store without a directory. */
  private readonly memory = new Map<string, Buffer>();

  async putSummary(blob: string, fingerprint: string, report: FileReport): Promise<void> {
    if (!BLOB.test(blob)) return;
    const name = this.summaryName(blob, fingerprint);
    const pieces = encodeSummary(report);
    this.usedSummaries.add(name);
    if (!this.dir) {
      this.memory.set(name, Buffer.concat(pieces));
      return;
    }
    await this.write(name, KIND.summary, fingerprint, pieces);
  }

  /** Write the line results that grew, and trim old summaries. */
  async flush(): Promise<void> {
    if (!this.dir) return;
    for (const [fp, p] of this.lineCaches) {
      const c = await p;
      if (c.dirty) {
        await this.write(`lines-${fp}.bin`, KIND.lines, fp, c.payload());
        c.dirty = false;
      }
    }
    await this.trim().catch(() => {});
  }

  /** Keep the summaries this run used and the most recent others; touch the used ones. */
  private async trim(): Promise<void> {
    const dir = this.dir!;
    const now = new Date();
    const others: { name: string; mtime: number }[] = [];
    for (const name of await readdir(dir)) {
      if (!name.startsWith('summary-')) continue;
      if (this.usedSummaries.has(name)) {
        await utimes(join(dir, name), now, now).catch(() => {});
        continue;
      }
      const s = await stat(join(dir, name)).catch(() => null);
      if (s) others.push({ name, mtime: s.mtimeMs });
    }
    others.sort((a, b) => b.mtime - a.mtime);
    for (const o of others.slice(KEEP_OTHER_SUMMARIES)) await rm(join(dir, o.name), { force: true });
  }

  async stats(): Promise<CacheStats> {
    let lineHits = 0;
    let lineMisses = 0;
    for (const p of this.lineCaches.values()) {
      const c = await p;
      lineHits += c.hits;
      lineMisses += c.misses;
    }
    return { lineHits, lineMisses, summaryHits: this.summaryStats.hits, summaryMisses: this.summaryStats.misses, ignored: [...this.ignored] };
  }
}

/**
 * A summary: u32 JSON bytes, the report as JSON (paths blanked, keys left out), u32 examples,
 * then the keys: example hashes (2n u32), prompt hashes (2n u32), tokens (n u32).
 */
export function encodeSummary(report: FileReport): Uint8Array[] {
  const { keys, ...rest } = report;
  const json = Buffer.from(JSON.stringify({ ...rest, path: '', diagnostics: rest.diagnostics.map((d) => ({ ...d, file: '' })) }), 'utf8');
  const n = keys.tokens.length;
  const head = Buffer.alloc(4);
  head.writeUInt32LE(json.length, 0);
  const count = Buffer.alloc(4);
  count.writeUInt32LE(n, 0);
  const view = (a: Uint32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  return [head, json, count, view(keys.hash), view(keys.promptHash), view(keys.tokens)];
}

export function decodeSummary(payload: Buffer, path: string): FileReport | null {
  try {
    if (payload.length < 8) return null;
    const jsonBytes = payload.readUInt32LE(0);
    if (4 + jsonBytes + 4 > payload.length) return null;
    const rest = JSON.parse(payload.toString('utf8', 4, 4 + jsonBytes)) as Omit<FileReport, 'keys'>;
    const n = payload.readUInt32LE(4 + jsonBytes);
    const at = 8 + jsonBytes;
    if (payload.length !== at + n * 20) return null;
    const words = (from: number, count: number) => {
      const out = new Uint32Array(count);
      new Uint8Array(out.buffer).set(payload.subarray(from, from + count * 4));
      return out;
    };
    const keys: ExampleKeys = { hash: words(at, 2 * n), promptHash: words(at + 8 * n, 2 * n), tokens: words(at + 16 * n, n) };
    if (typeof rest !== 'object' || rest === null || !Array.isArray(rest.diagnostics) || rest.validExamples !== n) return null;
    return { ...rest, path, diagnostics: rest.diagnostics.map((d) => ({ ...d, file: path })), keys };
  } catch {
    return null;
  }
}
