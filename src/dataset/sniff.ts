/**
 * Files that are not JSONL at all, told from their first bytes before any line is read: a Git
 * LFS pointer (the checkout has no LFS content) or a JSON document (a pretty-printed object or
 * an array). Each is one finding for the whole file, with the fix, instead of an error per line.
 */
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Finding } from './rules.js';

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

/** The first `SNIFF_BYTES` of a stream (which is then closed): a base blob streamed from git. */
export async function headOf(stream: Readable): Promise<Buffer> {
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
export function sniffHead(bytes: Buffer, display: string): Finding | null {
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
    hint: array ? `convert: jq -c '.[]' ${shellWord(display)} > ${shellWord(tmp)}${then}` : `convert: jq -c . ${shellWord(display)} > ${shellWord(tmp)}${then} (remove any comments first)`,
  };
}

function shellWord(s: string): string {
  return /^[\w./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
