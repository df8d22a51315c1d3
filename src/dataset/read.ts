/**
 * Streaming JSONL reader. Yields lines in batches (one per chunk read) with their 1-based
 * number and byte offset; never holds more than one chunk plus the line being assembled. A line
 * longer than the limit is skipped without being buffered and reported as a problem; CRLF
 * endings, a leading BOM and a missing final newline are handled.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

export interface RawLine {
  /** 1-based line number. */
  line: number;
  /** Byte offset of the line's first byte in the file. */
  offset: number;
  /** The line without its terminator (and without a trailing CR). */
  bytes: Buffer;
}

export interface ReadProblem {
  kind: 'bom' | 'line-too-long';
  line: number;
  offset: number;
  /** For `line-too-long`: the line's length in bytes. */
  length?: number;
}

export interface LineBatch {
  lines: RawLine[];
  problems: ReadProblem[];
  /** Bytes read so far, for progress. */
  bytesRead: number;
}

export interface ReadOptions {
  maxLineBytes: number;
  highWaterMark?: number;
  /** Sees every chunk of the source as read (e.g. to hash the file in the same pass). */
  onChunk?: (chunk: Buffer) => void;
}

const NL = 0x0a;
const CR = 0x0d;

function stripCR(b: Buffer): Buffer {
  return b.length > 0 && b[b.length - 1] === CR ? b.subarray(0, b.length - 1) : b;
}

export async function* readLineBatches(source: string | Readable, opts: ReadOptions): AsyncGenerator<LineBatch> {
  const stream = typeof source === 'string' ? createReadStream(source, { highWaterMark: opts.highWaterMark ?? 1 << 20 }) : source;
  let lineNo = 1;
  let lineStart = 0; // byte offset of the current line
  let pending: Buffer[] = []; // pieces of the current line from earlier chunks
  let pendingBytes = 0;
  let skipping = false; // current line is over the limit: count, do not keep
  let position = 0; // byte offset of the chunk being read
  let first = true;
  let held: Buffer | null = null; // first bytes of the file while they may still begin a BOM

  for await (const raw of stream as AsyncIterable<Buffer | string>) {
    let chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    opts.onChunk?.(chunk);
    const problems: ReadProblem[] = [];
    const lines: RawLine[] = [];
    let start = 0;
    if (first) {
      if (held) {
        chunk = Buffer.concat([held, chunk]);
        held = null;
      }
      // A stream may hand out the BOM's three bytes in more than one chunk.
      if (chunk.length < 3 && chunk[0] === 0xef && (chunk.length < 2 || chunk[1] === 0xbb)) {
        held = Buffer.from(chunk);
        continue;
      }
      first = false;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
        problems.push({ kind: 'bom', line: 1, offset: 0 });
        start = 3;
        lineStart = 3;
      }
    }
    for (;;) {
      const nl = chunk.indexOf(NL, start);
      if (nl === -1) break;
      const lineLen = pendingBytes + (nl - start);
      if (skipping || lineLen > opts.maxLineBytes) {
        problems.push({ kind: 'line-too-long', line: lineNo, offset: lineStart, length: lineLen });
      } else {
        let bytes = chunk.subarray(start, nl);
        if (pendingBytes > 0) {
          pending.push(bytes);
          bytes = Buffer.concat(pending, lineLen);
        }
        lines.push({ line: lineNo, offset: lineStart, bytes: stripCR(bytes) });
      }
      pending = [];
      pendingBytes = 0;
      skipping = false;
      lineNo++;
      start = nl + 1;
      lineStart = position + start;
    }
    if (start < chunk.length) {
      const rest = chunk.length - start;
      if (!skipping && pendingBytes + rest > opts.maxLineBytes) {
        skipping = true;
        pending = [];
      }
      if (!skipping) {
        // Copy: the stream may reuse its buffer, and a view would pin the whole chunk.
        pending.push(Buffer.from(chunk.subarray(start)));
      }
      pendingBytes += rest;
    }
    position += chunk.length;
    // Drop the reference before yielding, so the chunk can be collected while the caller works.
    // eslint-disable-next-line no-useless-assignment
    chunk = Buffer.alloc(0);
    yield { lines, problems, bytesRead: position };
  }
  if (held) {
    // The file is one or two bytes that looked like the start of a BOM: they are its only line.
    pending = [held];
    pendingBytes = held.length;
    position = held.length;
  }
  // A last line without a final newline.
  if (pendingBytes > 0) {
    const problems: ReadProblem[] = [];
    const lines: RawLine[] = [];
    if (skipping) problems.push({ kind: 'line-too-long', line: lineNo, offset: lineStart, length: pendingBytes });
    else lines.push({ line: lineNo, offset: lineStart, bytes: stripCR(Buffer.concat(pending, pendingBytes)) });
    yield { lines, problems, bytesRead: position };
  }
}
