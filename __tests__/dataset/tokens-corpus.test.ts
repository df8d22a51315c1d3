/**
 * A generated corpus (seeded PRNG: the same every run) of varied chat examples: unicode,
 * emoji, code, numbers, whitespace runs, special-token text. Every content string's count
 * from our counter must equal js-tiktoken's `encode(text, [], []).length` (the oracle), for
 * o200k_base and cl100k_base, and whole-file totals from `checkFile` must equal the billed rule
 * computed with js-tiktoken.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { getEncoding } from 'js-tiktoken';
import type { Encoding } from '../../src/catalog/models.js';
import { counter } from '../../src/dataset/tokens.js';
import { check, cleanup, writeJsonl } from './helpers.js';

afterAll(cleanup);

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'the',
  'model',
  'fine-tuning',
  'dataset',
  "don't",
  "I'll",
  "it's",
  "we've",
  'HELLO',
  'World',
  'token',
  'Café',
  'naïve',
  'façade',
  'Zürich',
  'smörgåsbord',
  'Ελληνικά',
  'русский',
  'язык',
  '中文',
  '日本語のテキスト',
  '한국어',
  'العربية',
  'हिन्दी',
  'ภาษาไทย',
  'עברית',
  'Ünïcödé',
  'ﬁnance',
  'Ａｒｉａｌ',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  'ß',
  'ǅ',
];
const EMOJI = ['👍', '👍🏽', '👨‍👩‍👧‍👦', '🇫🇷', '🎉', '😀', '🧑‍💻', '❤️', '✅', '🤖', '🏳️‍🌈', '©', '™', '→', '∑', '≠'];
const CODE = [
  'function f(x) { return x ** 2; }',
  'def main():\n    for i in range(10):\n        print(i)\n',
  'SELECT id, name FROM users WHERE age >= 21 ORDER BY name;',
  '<div class="a">&nbsp;</div>',
  '{"key": [1, 2, 3], "nested": {"ok": true}}',
  'const re = /^[a-z]+\\d*$/gi;',
  '#include <stdio.h>\nint main(void) {\n\treturn 0;\n}',
  '$ npm test -- --runInBand 2>&1 | tee log.txt',
  'x = a[i] if i < len(a) else None  # comment',
  '```ts\nexport const n: number = 42;\n```',
];
const SPECIAL = ['<|endoftext|>', '<|im_start|>', '<|im_end|>', '<|fim_prefix|>', '<|endofprompt|>'];
const SPACES = [' ', '  ', '   ', '    ', '\t', '\t\t', '\n', '\n\n', '\n\n\n', ' \n ', '\r\n', '        ', '\u00a0', '\u3000'];

function number(rnd: () => number): string {
  const k = Math.floor(rnd() * 6);
  if (k === 0) return String(Math.floor(rnd() * 10 ** Math.floor(rnd() * 12)));
  if (k === 1) return (rnd() * 1000 - 500).toFixed(Math.floor(rnd() * 6));
  if (k === 2) return Math.floor(rnd() * 1e9).toLocaleString('en-US');
  if (k === 3) return `2026-${String(1 + Math.floor(rnd() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}`;
  if (k === 4) return `${Math.floor(rnd() * 100)}%`;
  return `0x${Math.floor(rnd() * 0xffffffff).toString(16)}`;
}

function text(rnd: () => number, maxPieces: number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)] as T;
  const n = 1 + Math.floor(rnd() * maxPieces);
  let s = '';
  for (let i = 0; i < n; i++) {
    const r = rnd();
    if (r < 0.45) s += pick(WORDS);
    else if (r < 0.55) s += pick(EMOJI);
    else if (r < 0.63) s += pick(CODE);
    else if (r < 0.75) s += number(rnd);
    else if (r < 0.78) s += pick(SPECIAL);
    else if (r < 0.8) s += pick(['a', 'z', '=', '-', '!', '.']).repeat(1 + Math.floor(rnd() * 80));
    else if (r < 0.85) s += pick(['.', ',', '?!', '...', ':', ';', '"', "'", '(', ')', '—', '–', '…']);
    s += rnd() < 0.7 ? ' ' : pick(SPACES);
  }
  // sometimes leading or trailing whitespace runs, which tokenizers treat specially
  if (rnd() < 0.15) s = pick(SPACES) + s;
  if (rnd() < 0.3) s = s.trimEnd();
  return s;
}

interface Msg {
  role: string;
  content: string;
  name?: string;
}

function corpus(seed: number, n: number): { messages: Msg[] }[] {
  const rnd = mulberry32(seed);
  const out: { messages: Msg[] }[] = [];
  for (let i = 0; i < n; i++) {
    const messages: Msg[] = [];
    if (rnd() < 0.85) messages.push({ role: 'system', content: text(rnd, 12) });
    const turns = 1 + Math.floor(rnd() * 3);
    for (let t = 0; t < turns; t++) {
      const u: Msg = { role: 'user', content: text(rnd, 40) };
      if (rnd() < 0.1) u.name = `user_${Math.floor(rnd() * 100)}`;
      messages.push(u, { role: 'assistant', content: text(rnd, 60) });
    }
    out.push({ messages });
  }
  return out;
}

const EXAMPLES = corpus(20261125, 300);
const STRINGS = EXAMPLES.flatMap((e) => e.messages.map((m) => m.content));

describe.each(['o200k_base', 'cl100k_base'] as Encoding[])('%s', (enc) => {
  const js = getEncoding(enc);
  const oracle = (s: string) => js.encode(s, [], []).length;
  const ours = counter(enc);

  test(`every content string of ${EXAMPLES.length} generated examples counts as js-tiktoken counts it`, () => {
    expect(STRINGS.length).toBeGreaterThan(900);
    const mismatches: { text: string; ours: number; oracle: number }[] = [];
    let total = 0;
    for (const s of STRINGS) {
      const a = ours(s);
      const b = oracle(s);
      total += b;
      if (a !== b) mismatches.push({ text: s, ours: a, oracle: b });
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(total).toBeGreaterThan(50_000);
  });

  test('the corpus exercises what it claims (emoji, CJK, special-token text, whitespace runs, code)', () => {
    const all = STRINGS.join('\u0000');
    for (const probe of ['👨‍👩‍👧‍👦', '日本語', '<|endoftext|>', '\n\n\n', 'def main():', '\u3000']) expect(all).toContain(probe);
  });

  test('checkFile totals equal the billed rule computed with js-tiktoken', async () => {
    const r = await check(writeJsonl(EXAMPLES), { encoding: enc, trainingContext: null });
    expect(r.validExamples).toBe(EXAMPLES.length);
    const expected = EXAMPLES.map((e) => 1 + e.messages.reduce((acc, m) => acc + 3 + oracle(m.role) + oracle(m.content) + (m.name !== undefined ? oracle(m.name) + 1 : 0), 0));
    expect(Array.from(r.keys.tokens)).toEqual(expected);
    expect(r.tokens.total).toBe(expected.reduce((a, b) => a + b, 0));
  });

  test('lone UTF-16 surrogates (from JSON \\ud83d escapes) count as js-tiktoken counts them', () => {
    for (const s of ['\ud83d', 'a\ud83db', '\udc00x', JSON.parse('"half \\ud83d emoji"') as string]) {
      expect(ours(s)).toBe(oracle(s));
    }
  });
});
