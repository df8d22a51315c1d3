/**
 * Fingerprints: everything that changes a cached result, hashed. A line's analysis depends on
 * the engine (the code that analyses: its version and, for a bundle, the bundle's own bytes,
 * which carry the rules and the tokenizer with its rank tables) and its context: the encoding
 * (after user overrides), the validation profile (after user overrides such as min-examples),
 * the method, and an open model's own tokenizer (pinned by revision) when there is one. A file's summary depends on those plus the role, the training context (after
 * overrides), the diagnostics kept, and for a validation file the training file's examples.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LineContext } from '../dataset/line.js';
import { FORMAT_VERSION } from './format.js';

/**
 * Bump when the analysis of a line or the summary of a file changes in a way the bundle hash
 * does not see (runs from source: tests, `tsx`).
 */
export const ENGINE_VERSION = 'finetune-ci-engine-1';

function sha256(s: string | Uint8Array): string {
  return createHash('sha256').update(s).digest('hex');
}

/**
 * The engine's identity: the version above and the sha256 of the running entry file (the ncc
 * bundle in the Action and the CLI), so that any new build misses every old entry.
 */
export function engineId(entry?: URL): string {
  let build = 'source';
  if (entry?.protocol === 'file:') {
    try {
      build = sha256(readFileSync(fileURLToPath(entry)));
    } catch {
      build = 'unreadable';
    }
  }
  return `${ENGINE_VERSION}+${build}`;
}

/**
 * Everything in the line context enters the fingerprint (a field added to it later, such as an
 * open model's own tokenizer, is covered without a change here).
 */
export function lineFingerprint(engine: string, ctx: LineContext): string {
  return sha256(JSON.stringify({ format: FORMAT_VERSION, engine, ctx }));
}

export interface SummaryFacts {
  role: 'training' | 'validation';
  trainingContext: number | null;
  keepDiagnostics: number;
  /** sha256 of the training file's example hashes (validation files), else null. */
  training: string | null;
}

export function summaryFingerprint(lineFp: string, facts: SummaryFacts): string {
  return sha256(JSON.stringify({ lines: lineFp, ...facts }));
}

/** A digest of a word array (the training keys a validation file is checked against). */
export function wordsDigest(words: Uint32Array): string {
  return sha256(new Uint8Array(words.buffer, words.byteOffset, words.byteLength));
}
