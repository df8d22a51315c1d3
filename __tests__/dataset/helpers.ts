/**
 * Fixture builders for the dataset tests: small JSONL files in a temporary directory, and
 * shortcuts that run one line through `analyzeLine` or a whole file through `checkFile`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROFILES, type ValidationProfile } from '../../src/catalog/profiles.js';
import type { Encoding } from '../../src/catalog/models.js';
import { checkFile, type FileCheckOptions, type FileReport } from '../../src/dataset/check.js';
import { analyzeLine, type LineResult } from '../../src/dataset/line.js';
import type { Finding } from '../../src/dataset/rules.js';
import type { Method } from '../../src/dataset/types.js';

const dirs: string[] = [];

/** A fresh temporary directory, removed by `cleanup()`. */
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'finetune-ci-test-'));
  dirs.push(d);
  return d;
}

export function cleanup(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Write a file; `content` is the exact bytes (string as UTF-8, or a Buffer). */
export function writeFixture(name: string, content: string | Buffer): string {
  const p = join(tempDir(), name);
  writeFileSync(p, content);
  return p;
}

/** One JSON object per line, each followed by "\n". */
export function jsonl(objs: readonly unknown[]): string {
  return objs.map((o) => `${typeof o === 'string' ? o : JSON.stringify(o)}\n`).join('');
}

export function writeJsonl(objs: readonly unknown[], name = 'data.jsonl'): string {
  return writeFixture(name, jsonl(objs));
}

export interface LineOpts {
  method?: Method | null;
  encoding?: Encoding;
  profile?: ValidationProfile;
}

export function analyze(obj: unknown, opts: LineOpts = {}): LineResult {
  const text = typeof obj === 'string' ? obj : JSON.stringify(obj);
  return analyzeRaw(Buffer.from(text, 'utf8'), opts);
}

export function analyzeRaw(bytes: Buffer, opts: LineOpts = {}, line = 1): LineResult {
  return analyzeLine(bytes, line, {
    method: opts.method === undefined ? null : opts.method,
    encoding: opts.encoding ?? 'o200k_base',
    profile: opts.profile ?? PROFILES.openai,
  });
}

export function codes(r: { findings: readonly Finding[] }): string[] {
  return r.findings.map((f) => f.code);
}

export function finding(r: { findings: readonly Finding[] }, code: string): Finding | undefined {
  return r.findings.find((f) => f.code === code);
}

export async function check(path: string, opts: Partial<FileCheckOptions> = {}): Promise<FileReport> {
  return checkFile(path, {
    method: null,
    encoding: 'o200k_base',
    profile: PROFILES.openai,
    role: 'training',
    trainingContext: 65_536,
    ...opts,
  });
}

export function fileCodes(r: FileReport): string[] {
  return r.diagnostics.map((d) => d.code);
}

/** A well-formed chat example that trips no rule. */
export function goodChat(i = 0): Record<string, unknown> {
  return {
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: `What is ${i} + 1?` },
      { role: 'assistant', content: `${i + 1}` },
    ],
  };
}

/** A well-formed DPO example that trips no rule. */
export function goodDpo(i = 0): Record<string, unknown> {
  return {
    input: {
      messages: [
        { role: 'system', content: 'Answer kindly.' },
        { role: 'user', content: `Question ${i}?` },
      ],
    },
    preferred_output: [{ role: 'assistant', content: 'A kind answer.' }],
    non_preferred_output: [{ role: 'assistant', content: 'A rude answer.' }],
  };
}

export function goodCompletion(i = 0): Record<string, unknown> {
  return { prompt: `Say ${i}:`, completion: ` ${i}` };
}

/** n distinct copies of a builder's examples. */
export function many(n: number, build: (i: number) => unknown = goodChat): unknown[] {
  return Array.from({ length: n }, (_, i) => build(i));
}
