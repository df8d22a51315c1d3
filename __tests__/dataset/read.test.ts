/**
 * The streaming reader: line numbers, byte offsets, CRLF, BOM, no final newline, lines that
 * span chunks, lines over the limit (skipped without being buffered), and what it yields
 * for invalid UTF-8 (the bytes as they are: the line analysis reports them).
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { Readable } from 'node:stream';
import { readLineBatches, type LineBatch, type RawLine, type ReadProblem } from '../../src/dataset/read.js';
import { analyzeLine } from '../../src/dataset/line.js';
import { PROFILES } from '../../src/catalog/profiles.js';
import { check, cleanup, fileCodes, goodChat, jsonl, many, writeFixture } from './helpers.js';

afterAll(cleanup);

interface Read {
  lines: { line: number; offset: number; text: string; bytes: Buffer }[];
  problems: ReadProblem[];
  batches: LineBatch[];
}

async function readAll(content: string | Buffer, maxLineBytes = 1 << 20, highWaterMark?: number): Promise<Read> {
  const path = writeFixture('r.jsonl', content);
  const out: Read = { lines: [], problems: [], batches: [] };
  for await (const b of readLineBatches(path, { maxLineBytes, highWaterMark })) {
    out.batches.push(b);
    out.problems.push(...b.problems);
    for (const l of b.lines) out.lines.push({ line: l.line, offset: l.offset, text: l.bytes.toString('utf8'), bytes: Buffer.from(l.bytes) });
  }
  return out;
}

/** Same bytes through a Readable that hands out the given chunk sizes. */
async function readChunks(content: Buffer, sizes: number[], maxLineBytes = 1 << 20): Promise<Read> {
  const chunks: Buffer[] = [];
  let at = 0;
  let i = 0;
  while (at < content.length) {
    const n = sizes[i++ % sizes.length]!;
    chunks.push(Buffer.from(content.subarray(at, at + n)));
    at += n;
  }
  const out: Read = { lines: [], problems: [], batches: [] };
  for await (const b of readLineBatches(Readable.from(chunks), { maxLineBytes })) {
    out.batches.push(b);
    out.problems.push(...b.problems);
    for (const l of b.lines) out.lines.push({ line: l.line, offset: l.offset, text: l.bytes.toString('utf8'), bytes: Buffer.from(l.bytes) });
  }
  return out;
}

const simple = (r: Read) => r.lines.map((l) => [l.line, l.offset, l.text]);

describe('lines, numbers and byte offsets', () => {
  test('LF lines with a final newline', async () => {
    const r = await readAll('a\nbb\nccc\n');
    expect(simple(r)).toEqual([
      [1, 0, 'a'],
      [2, 2, 'bb'],
      [3, 5, 'ccc'],
    ]);
    expect(r.problems).toEqual([]);
  });

  test('no final newline: the last line is still read', async () => {
    const r = await readAll('a\nbb');
    expect(simple(r)).toEqual([
      [1, 0, 'a'],
      [2, 2, 'bb'],
    ]);
  });

  test('CRLF endings: the CR is dropped, offsets count it', async () => {
    const r = await readAll('a\r\nbb\r\nccc');
    expect(simple(r)).toEqual([
      [1, 0, 'a'],
      [2, 3, 'bb'],
      [3, 7, 'ccc'],
    ]);
    const last = await readAll('a\r\nb\r\n');
    expect(simple(last)).toEqual([
      [1, 0, 'a'],
      [2, 3, 'b'],
    ]);
  });

  test('a CR inside a line is kept; only a CR right before LF is a terminator', async () => {
    const r = await readAll('a\rb\nc\r\r\n');
    expect(simple(r)).toEqual([
      [1, 0, 'a\rb'],
      [2, 4, 'c\r'],
    ]);
  });

  test('empty lines are yielded (the analysis calls them blank)', async () => {
    const r = await readAll('a\n\n\nb\n');
    expect(simple(r)).toEqual([
      [1, 0, 'a'],
      [2, 2, ''],
      [3, 3, ''],
      [4, 4, 'b'],
    ]);
  });

  test('an empty file yields no lines', async () => {
    const r = await readAll('');
    expect(r.lines).toEqual([]);
    expect(r.problems).toEqual([]);
  });

  test('offsets are byte offsets, not character offsets', async () => {
    const content = 'é€\n😀x\ny\n';
    const r = await readAll(content);
    expect(simple(r)).toEqual([
      [1, 0, 'é€'],
      [2, 6, '😀x'],
      [3, 12, 'y'],
    ]);
    for (const l of r.lines) {
      expect(
        Buffer.from(content)
          .subarray(l.offset, l.offset + l.bytes.length)
          .equals(l.bytes),
      ).toBe(true);
    }
  });

  test('bytesRead grows to the file size', async () => {
    const content = jsonl(many(20));
    const r = await readAll(content, 1 << 20, 64);
    const seen = r.batches.map((b) => b.bytesRead);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen[seen.length - 1]).toBe(Buffer.byteLength(content));
  });
});

describe('BOM', () => {
  test('a leading BOM is reported at line 1 and not part of the line; offsets count it', async () => {
    const r = await readAll('\uFEFF{"a":1}\nb\n');
    expect(r.problems).toEqual([{ kind: 'bom', line: 1, offset: 0 }]);
    expect(simple(r)).toEqual([
      [1, 3, '{"a":1}'],
      [2, 11, 'b'],
    ]);
  });

  test('a file of just the first bytes of a BOM is one line of those bytes, not a BOM', async () => {
    for (const hwm of [1, 2, 16]) {
      const r = await readAll(Buffer.from([0xef, 0xbb]), 1 << 20, hwm);
      expect(r.problems).toEqual([]);
      expect(r.lines.map((l) => [l.line, l.offset, [...l.bytes]])).toEqual([[1, 0, [0xef, 0xbb]]]);
      expect(r.batches[r.batches.length - 1]!.bytesRead).toBe(2);
    }
    const one = await readAll(Buffer.from([0xef, 0x0a, 0x61]), 1 << 20, 1);
    expect(one.problems).toEqual([]);
    expect(one.lines.map((l) => [l.line, l.offset, [...l.bytes]])).toEqual([
      [1, 0, [0xef]],
      [2, 2, [0x61]],
    ]);
  });

  test('a BOM-like sequence later in the file is not a BOM', async () => {
    const r = await readAll('a\n\uFEFFb\n');
    expect(r.problems).toEqual([]);
    expect(r.lines[1]!.text).toBe('\uFEFFb');
  });

  test.each([[1], [2], [3], [5]])('a BOM is found even when the first chunk is %i byte(s)', async (hwm) => {
    const r = await readAll('\uFEFF{"a":1}\nb\n', 1 << 20, hwm);
    expect(r.problems).toEqual([{ kind: 'bom', line: 1, offset: 0 }]);
    expect(simple(r)).toEqual([
      [1, 3, '{"a":1}'],
      [2, 11, 'b'],
    ]);
  });
});

describe('chunk boundaries', () => {
  const content = Buffer.from('{"messages": "première ligne 😀"}\r\nshort\n\n' + 'x'.repeat(300) + '\r\nend', 'utf8');
  const expected = async () => simple(await readAll(content));

  test.each([[1], [2], [3], [7], [16], [64]])('highWaterMark %i gives the same lines as one chunk', async (hwm) => {
    const r = await readAll(content, 1 << 20, hwm);
    expect(simple(r)).toEqual(await expected());
    // multi-byte characters split across chunks are reassembled intact
    expect(r.lines[0]!.text).toBe('{"messages": "première ligne 😀"}');
  });

  test('irregular chunk sizes from a stream, CR and LF in different chunks', async () => {
    const crlf = content.indexOf('\r\n');
    const sizes = [crlf + 1, 1, 5, 2, 33, 1];
    const r = await readChunks(content, sizes);
    expect(simple(r)).toEqual(await expected());
  });
});

describe('line-too-long', () => {
  test('a long line is skipped, reported with its length, and the next line keeps its number and offset', async () => {
    const long = 'y'.repeat(500);
    const content = `a\n${long}\nbb\nccc`;
    const r = await readAll(content, 100, 16);
    expect(r.problems).toEqual([{ kind: 'line-too-long', line: 2, offset: 2, length: 500 }]);
    expect(simple(r)).toEqual([
      [1, 0, 'a'],
      [3, 503, 'bb'],
      [4, 506, 'ccc'],
    ]);
  });

  test('the skipped line is never buffered: no batch holds more than a chunk of it', async () => {
    const long = 'z'.repeat(10_000);
    const r = await readAll(`${long}\nok\n`, 100, 64);
    expect(r.problems).toEqual([{ kind: 'line-too-long', line: 1, offset: 0, length: 10_000 }]);
    expect(simple(r)).toEqual([[2, 10_001, 'ok']]);
    for (const b of r.batches) for (const l of b.lines) expect(l.bytes.length).toBeLessThanOrEqual(100);
  });

  test('a long last line without a final newline', async () => {
    const r = await readAll(`ok\n${'q'.repeat(300)}`, 100, 32);
    expect(r.problems).toEqual([{ kind: 'line-too-long', line: 2, offset: 3, length: 300 }]);
    expect(simple(r)).toEqual([[1, 0, 'ok']]);
  });

  test('a long line inside one chunk (large highWaterMark)', async () => {
    const r = await readAll(`a\n${'w'.repeat(150)}\nb\n`, 100);
    expect(r.problems.map((p) => [p.kind, p.line])).toEqual([['line-too-long', 2]]);
    expect(simple(r)).toEqual([
      [1, 0, 'a'],
      [3, 153, 'b'],
    ]);
  });

  test('a line of exactly the limit is read', async () => {
    const r = await readAll(`${'k'.repeat(100)}\nb\n`, 100, 8);
    expect(r.problems).toEqual([]);
    expect(r.lines.map((l) => l.bytes.length)).toEqual([100, 1]);
  });

  test('through checkFile: an error at that line, counted as an example, later lines analysed with the right numbers', async () => {
    const lines = many(11).map((o) => JSON.stringify(o));
    lines[3] = JSON.stringify({ messages: [{ role: 'user', content: 'p'.repeat(400) }] });
    const path = writeFixture('long.jsonl', lines.join('\n') + '\n{"messages": [}\n');
    const r = await check(path, { profile: { ...PROFILES.openai, maxLineBytes: 200 } });
    const tooLong = r.diagnostics.filter((d) => d.code === 'line-too-long');
    expect(tooLong.map((d) => [d.line, d.severity])).toEqual([[4, 'error']]);
    expect(tooLong[0]!.message).toContain('over the 200-byte limit');
    expect(r.diagnostics.find((d) => d.code === 'invalid-json')?.line).toBe(12);
    expect(r.examples).toBe(12);
    expect(r.validExamples).toBe(10);
    expect(r.lines).toBe(12);
  });
});

describe('invalid UTF-8 is passed through as bytes and reported by the analysis', () => {
  test('the reader keeps the bytes; the analysis gives invalid-utf8 at that line with the column', async () => {
    const good = JSON.stringify(goodChat(1));
    const prefix = '{"messages":[{"role":"user","content":"caf';
    const bad = Buffer.concat([Buffer.from(prefix), Buffer.from([0xe9]), Buffer.from('"}]}')]);
    const content = Buffer.concat([Buffer.from(good + '\n'), bad, Buffer.from('\n' + good + '\n')]);
    const r = await readAll(content, 1 << 20, 8);
    const raw: RawLine = { line: r.lines[1]!.line, offset: r.lines[1]!.offset, bytes: r.lines[1]!.bytes };
    expect(raw.bytes.equals(bad)).toBe(true);
    const res = analyzeLine(raw.bytes, raw.line, { method: null, encoding: 'o200k_base', profile: PROFILES.openai });
    expect(res.findings.map((f) => f.code)).toEqual(['invalid-utf8']);
    expect(res.line).toBe(2);
    expect(res.findings[0]!.message).toContain(`column ${prefix.length + 1}`);
  });

  test('through checkFile: the error names the line; the neighbours are fine', async () => {
    const bad = Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    const parts: Buffer[] = [];
    for (let i = 0; i < 12; i++) parts.push(i === 5 ? bad : Buffer.from(JSON.stringify(goodChat(i))), Buffer.from('\n'));
    const r = await check(writeFixture('u.jsonl', Buffer.concat(parts)));
    expect(fileCodes(r)).toEqual(['invalid-utf8']);
    expect(r.diagnostics[0]!.line).toBe(6);
    expect(r.diagnostics[0]!.message).toContain('column 7');
    expect(r.validExamples).toBe(11);
  });
});
