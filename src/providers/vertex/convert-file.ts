/**
 * A whole JSONL file through the Vertex converter, streaming: lines go out as they are
 * converted (to a stream, or to a file that appears only when every line converted), problems
 * come back with their line numbers, and the output's sha256 names the upload.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { readLineBatches } from '../../dataset/read.js';
import { convertLine, type ConvertProblem } from './convert.js';

export interface LocatedProblem extends ConvertProblem {
  file: string;
  line: number;
}

export interface ConvertSummary {
  examples: number;
  /** Lines that were already Vertex examples and went through unchanged. */
  alreadyVertex: number;
  problems: LocatedProblem[];
  /** sha256 (hex) of the output bytes. */
  sha256: string;
  bytes: number;
}

/** Largest line read; Vertex takes files up to 1 GB, an example is far smaller. */
const MAX_LINE_BYTES = 150 * 1024 * 1024;

async function write(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

/** Convert `input` to `out`. Stops writing after the first problem but keeps reading to report them all (up to `maxProblems`). */
export async function convertStream(input: string, out: Writable | null, maxProblems = 100): Promise<ConvertSummary> {
  const hash = createHash('sha256');
  const problems: LocatedProblem[] = [];
  let examples = 0;
  let alreadyVertex = 0;
  let bytes = 0;
  for await (const batch of readLineBatches(input, { maxLineBytes: MAX_LINE_BYTES })) {
    for (const p of batch.problems) {
      if (p.kind === 'line-too-long' && problems.length < maxProblems) {
        problems.push({ file: input, line: p.line, code: 'line-too-long', path: '', message: `the line is ${p.length} bytes, too long to convert`, hint: 'split the example' });
      }
    }
    for (const l of batch.lines) {
      const text = l.bytes.toString('utf8');
      if (text.trim() === '') continue;
      examples++;
      const r = convertLine(text);
      if (!r.ok) {
        if (problems.length < maxProblems) problems.push({ file: input, line: l.line, ...r.problem });
        continue;
      }
      if (r.alreadyVertex) alreadyVertex++;
      if (problems.length) continue;
      const chunk = `${r.text}\n`;
      hash.update(chunk);
      bytes += Buffer.byteLength(chunk);
      if (out) await write(out, chunk);
    }
  }
  return { examples, alreadyVertex, problems, sha256: hash.digest('hex'), bytes };
}

/** Convert `input` into `outPath`; the file exists afterwards only if every line converted. */
export async function convertFile(input: string, outPath: string): Promise<ConvertSummary> {
  const tmp = `${outPath}.partial-${process.pid}`;
  const out = createWriteStream(tmp);
  try {
    const summary = await convertStream(input, out);
    out.end();
    await once(out, 'close');
    if (summary.problems.length) await rm(tmp, { force: true });
    else await rename(tmp, outPath);
    return summary;
  } catch (e) {
    out.destroy();
    await rm(tmp, { force: true });
    throw e;
  }
}

export function formatProblem(p: LocatedProblem): string {
  return `${p.file}:${p.line}${p.path ? ` ${p.path}` : ''}: ${p.message} [${p.code}]; ${p.hint}`;
}
