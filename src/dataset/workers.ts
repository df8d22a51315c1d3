/**
 * Line analysis in worker threads. The main thread reads and splits lines (cheap), packs each
 * batch into one transferable buffer, and hands it to a worker; results come back tagged with
 * the batch's sequence number and are passed on strictly in file order. At most two batches
 * per worker are in flight, so memory stays bounded whatever the file size.
 *
 * The worker runs the same bundle as the caller (`url`): entry points call `isAnalysisWorker()`
 * first and hand over to `serveAnalysis()` when it is true.
 */
import { availableParallelism, loadavg } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { analyzeLine, type LineContext, type LineResult } from './line.js';
import type { LineBatch, ReadProblem } from './read.js';
import { loadEncoding } from './tokens.js';
import { loadOpenTokenizer } from '../tokenizers/open.js';
import { GarbagePacer } from './memory.js';

export interface WorkerOptions {
  /**
   * Worker threads that analyse lines; the calling thread only reads, splits and aggregates
   * (and never loads a tokenizer: about 65 MB saved).
   */
  threads: number;
  /** The module a worker starts: the entry point's own `import.meta.url`. */
  url?: URL;
  /** The calling thread analyses a share of the batches too (it then loads a tokenizer). */
  share?: boolean;
  /** Use workers even for small files (tests). */
  always?: boolean;
  /**
   * Lines to analyse, in bytes, before the pool starts: below it the calling thread analyses
   * them itself (a worker's start-up and its own tokenizer cost more than a few MB of work, and
   * a run whose lines are nearly all cached never starts one). Default `WORKER_MIN_WORK_BYTES`.
   */
  minWorkBytes?: number;
}

/**
 * Worker threads that pay, beside the calling thread: one per idle core beyond it (at most 3),
 * none when the cores are taken. Measured on 2 cores (README, Benchmark): with both cores free a
 * worker gives ~1.5×; with other processes on the machine, workers were slower than one thread
 * (up to 1.8× slower at a load of 15), and they always cost more CPU and memory.
 */
export function defaultWorkerThreads(cores = availableParallelism(), load = loadavg()[0] ?? 0): number {
  const idle = Math.round(cores - load);
  return idle >= 2 ? Math.min(3, idle - 1) : 0;
}

/** Work (bytes of lines to analyse) that pays for starting worker threads (measured: README, Benchmark). */
export const WORKER_MIN_WORK_BYTES = 8 * 1024 * 1024;

interface BatchMessage {
  seq: number;
  buf: ArrayBuffer;
  meta: Int32Array; // [line, start, end] per line
}

interface ResultMessage {
  seq: number;
  results?: LineResult[];
  error?: string;
}

const FLAG = 'finetuneCiAnalysisWorker';

/** Young-generation size of a worker thread, in MB. */
export const WORKER_YOUNG_GENERATION_MB = 8;

export function isAnalysisWorker(): boolean {
  return !isMainThread && !!(workerData as Record<string, unknown> | null)?.[FLAG];
}

/** Worker side: analyse every batch that arrives. */
export async function serveAnalysis(): Promise<void> {
  const ctx = (workerData as { ctx: LineContext }).ctx;
  // Messages wait in the port's queue until the listener is attached.
  await loadEncoding(ctx.encoding);
  if (ctx.tokenizer) await loadOpenTokenizer(ctx.tokenizer);
  const pacer = new GarbagePacer();
  parentPort!.on('message', (m: BatchMessage) => {
    pacer.processed(m.buf.byteLength);
    try {
      const bytes = Buffer.from(m.buf);
      const results: LineResult[] = [];
      for (let i = 0; i < m.meta.length; i += 3) {
        const line = m.meta[i] as number;
        const start = m.meta[i + 1] as number;
        const end = m.meta[i + 2] as number;
        results.push(analyzeLine(bytes.subarray(start, end), line, ctx));
      }
      parentPort!.postMessage({ seq: m.seq, results } satisfies ResultMessage);
    } catch (e) {
      parentPort!.postMessage({ seq: m.seq, error: (e as Error).stack ?? String(e) } satisfies ResultMessage);
    }
  });
}

function pack(batch: LineBatch, seq: number): BatchMessage {
  let total = 0;
  for (const l of batch.lines) total += l.bytes.length;
  const buf = new ArrayBuffer(total);
  const view = new Uint8Array(buf);
  const meta = new Int32Array(batch.lines.length * 3);
  let at = 0;
  batch.lines.forEach((l, i) => {
    view.set(l.bytes, at);
    meta[i * 3] = l.line;
    meta[i * 3 + 1] = at;
    meta[i * 3 + 2] = at + l.bytes.length;
    at += l.bytes.length;
  });
  return { seq, buf, meta };
}

export interface Handlers<B extends LineBatch = LineBatch> {
  problem(p: ReadProblem): void;
  result(r: LineResult): void;
  progress(bytesRead: number): void;
  /**
   * A whole batch in file order (its `lines` emptied, its other fields kept) with the results
   * of its lines; when given, it is called instead of `problem` and `result`.
   */
  batch?(b: B, results: LineResult[]): void;
}

export async function runInWorkers<B extends LineBatch>(batches: AsyncIterable<B>, ctx: LineContext, opts: WorkerOptions, on: Handlers<B>): Promise<void> {
  if (!opts.url) throw new Error('runInWorkers needs the entry point URL (WorkerOptions.url)');
  // Started on the first batch past `minWorkBytes` of lines to analyse.
  const pool: Worker[] = [];
  const threshold = opts.always ? 0 : (opts.minWorkBytes ?? WORKER_MIN_WORK_BYTES);
  let work = 0;
  const maxInFlight = opts.threads * 2;
  const done = new Map<number, { batch: B; results: LineResult[] }>();
  const waiting = new Map<number, B>();
  let next = 0; // next seq to hand on
  let lastBytes = 0;
  let inFlight = 0;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const signal = () => {
    const w = wake;
    wake = null;
    w?.();
  };

  const pacer = new GarbagePacer();
  const flush = () => {
    for (;;) {
      const ready = done.get(next);
      if (!ready) break;
      done.delete(next);
      if (on.batch) on.batch(ready.batch, ready.results);
      else {
        for (const p of ready.batch.problems) on.problem(p);
        for (const r of ready.results) on.result(r);
      }
      on.progress(ready.batch.bytesRead);
      pacer.processed(ready.batch.bytesRead - lastBytes);
      lastBytes = ready.batch.bytesRead;
      next++;
    }
  };

  const start = () => {
    for (let i = 0; i < opts.threads; i++) {
      // A small young generation: a worker's garbage is short-lived, and the default (sized for
      // a main thread) costs tens of MB of RSS per worker for no speed (measured).
      const w = new Worker(opts.url!, { workerData: { [FLAG]: true, ctx }, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
      pool.push(w);
      w.on('message', (m: ResultMessage) => {
        inFlight--;
        const batch = waiting.get(m.seq)!;
        waiting.delete(m.seq);
        if (m.error) failure ??= new Error(`analysis worker failed: ${m.error}`);
        else done.set(m.seq, { batch: { ...batch, lines: [] }, results: m.results ?? [] });
        try {
          flush();
        } catch (e) {
          failure ??= e as Error;
        }
        signal();
      });
      w.on('error', (e) => {
        failure ??= e;
        signal();
      });
      // A worker that ends without an error event must not leave the run waiting for its batches.
      w.on('exit', (code) => {
        if (inFlight > 0 && !failure) failure = new Error(`an analysis worker exited (code ${code}) with ${inFlight} batch(es) unanswered`);
        signal();
      });
    }
  };

  try {
    let seq = 0;
    for await (const batch of batches) {
      while (inFlight >= maxInFlight && !failure) await new Promise<void>((r) => (wake = r));
      if (failure) throw failure;
      const s = seq++;
      waiting.set(s, { ...batch, lines: [] });
      if (batch.lines.length === 0) {
        done.set(s, { batch, results: [] });
        waiting.delete(s);
        flush();
        continue;
      }
      let bytes = 0;
      for (const l of batch.lines) bytes += l.bytes.length;
      work += bytes;
      if (pool.length === 0 && work >= threshold && opts.threads > 0) start();
      // Before the pool starts, and with `share` every (threads + 1)-th batch after it, the
      // calling thread analyses the batch itself.
      const slot = pool.length === 0 ? 0 : s % (pool.length + (opts.share ? 1 : 0));
      if (slot === pool.length || pool.length === 0) {
        await loadEncoding(ctx.encoding);
        if (ctx.tokenizer) await loadOpenTokenizer(ctx.tokenizer);
        const results = batch.lines.map((l) => analyzeLine(l.bytes, l.line, ctx));
        waiting.delete(s);
        done.set(s, { batch: { ...batch, lines: [] }, results });
        flush();
        continue;
      }
      const msg = pack(batch, s);
      inFlight++;
      pool[slot]!.postMessage(msg, [msg.buf]);
    }
    while (inFlight > 0 && !failure) await new Promise<void>((r) => (wake = r));
    if (failure) throw failure;
    flush();
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}
