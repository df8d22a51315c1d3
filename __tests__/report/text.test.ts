/**
 * The one sanitizer for untrusted text (src/report/text.ts) and the markdown escaping built on
 * it: workflow commands from file names, bidi overrides ("Trojan Source"), terminal escapes,
 * invisible tag characters, and GitHub's reference auto-links (issue 14, High #1 and Low #10).
 */
import { describe, expect, test } from '@jest/globals';
import { code, escapeText, cell } from '../../src/report/markdown.js';
import { defuseCommands, hasHidden, logText, plain, safeJson, visible } from '../../src/report/text.js';
import { commandLines, isCommandLine, runnerLines } from '../support/workflow-commands.js';

/** The bidi controls and other invisible characters that must never reach a reader raw. */
const HIDDEN_CHARS = [
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e', // LRE RLE PDF LRO RLO
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069', // LRI RLI FSI PDI
  '\u200e',
  '\u200f',
  '\u061c', // LRM RLM ALM
  '\u206a',
  '\u206f',
  '\ufff9',
  '\ufffb',
  '\u{e0041}',
  '\u{e007f}', // tag characters (invisible ASCII)
  '\u001b',
  '\u0007',
  '\u0000',
  '\u007f',
  '\u0085',
  '\u009b', // controls, NEL, CSI
];

describe('visible', () => {
  test.each(HIDDEN_CHARS.map((c) => [c.codePointAt(0)!.toString(16)]))('U+%s becomes U+FFFD', (hex) => {
    const c = String.fromCodePoint(parseInt(hex, 16));
    expect(visible(`a${c}b`)).toBe('a\ufffdb');
    expect(hasHidden(`a${c}b`)).toBe(true);
  });

  test('ordinary text, emoji sequences and joiners of other scripts stay', () => {
    const text = 'Grüße 👨‍👩‍👧 می‌خواهم ❤️ \t tab';
    expect(visible(text)).toBe(text);
    expect(hasHidden(text)).toBe(false);
  });
});

describe('plain: data for one line of a log or terminal', () => {
  test('line breaks of every kind become one space; hidden characters show', () => {
    expect(plain('a\n::warning::b\r::notice::c\r\nd\u2028e', 200)).toBe('a ::warning::b ::notice::c d e');
    expect(plain('evil\u202egnp.jsonl', 200)).toBe('evil\ufffdgnp.jsonl');
    expect(plain('\u001b[31mred\u001b[0m', 200)).toBe('\ufffd[31mred\ufffd[0m');
  });

  test('shortens by code point', () => {
    expect(plain('😀'.repeat(10), 4)).toBe('😀😀😀…');
  });
});

describe('defuseCommands: no printed line is a workflow command', () => {
  test.each([
    ['::error title=x::a.jsonl: 3 examples'],
    ['  ::warning::indented'],
    ['\t::notice::tab'],
    ['\u00a0::notice::no-break space'],
    ['\u0085::notice::next line'],
    ['ok\n::warning::second line'],
    ['ok\r::notice::carriage return'],
    ['ok\r\n::add-mask::x'],
    ['checked a ##[warning]legacy command mid-line'],
    ['##[set-output name=x;]y'],
    ['::stop-commands::token'],
  ])('%j', (text) => {
    const out = defuseCommands(text);
    for (const line of runnerLines(out)) expect(isCommandLine(line)).toBe(false);
    // Only a zero-width space was added: what a reader sees is the same.
    expect(out.replace(/\u200b/g, '')).toBe(text);
  });

  test('text that is no command passes as it is', () => {
    const text = 'finetune-ci: data/a::b.jsonl: 3 examples, see #12\n  done: 100% (a::b)';
    expect(defuseCommands(text)).toBe(text);
  });

  test('logText: CR line breaks made LF, hidden characters shown, commands defused', () => {
    const out = logText('a\r::notice::x\u202e');
    expect(out).toBe('a\n:\u200b:notice::x\ufffd');
  });
});

describe('safeJson', () => {
  test('the same value back, with nothing hidden and no command in the text', () => {
    const value = { path: '::error::a\n##[warning]b\u202e\u2066\u{e0041}\u0085\u2028.jsonl', n: 1, nested: [{ k: '\u001b[2J' }] };
    const text = safeJson(value);
    expect(JSON.parse(text)).toEqual(value);
    expect(hasHidden(text)).toBe(false);
    expect(text).not.toMatch(/[\u2028\u2029]/);
    for (const line of runnerLines(text)) expect(isCommandLine(line)).toBe(false);
  });
});

describe('markdown escaping', () => {
  test('issue, GH- and mention references do not link or notify', () => {
    const out = escapeText('fixes #1, GH-1 and gh-22, acme/repo#3, ping @octocat and @acme/team');
    // `&#35;` decodes to `#` before GitHub looks for references: the joiner must follow it.
    expect(out.replace(/&#35;/g, '#').replace(/&#\d+;/g, '')).not.toMatch(/#\d|GH-\d|@[a-z]/i);
    expect(out).toContain('GH-\u200d1');
    expect(out).toContain('&#35;\u200d1');
    expect(out).toContain('@\u200doctocat');
  });

  test('bidi overrides and other hidden characters never reach the comment', () => {
    for (const c of HIDDEN_CHARS) {
      for (const out of [escapeText(`x${c}y`), cell(`x${c}y`), code(`x${c}y`)]) {
        expect(hasHidden(out)).toBe(false);
        expect(out).toContain('\ufffd');
      }
    }
  });
});

describe('linear time on hostile input', () => {
  test('a megabyte of line breaks, blanks or markers is defused in one pass', () => {
    for (const text of ['\n'.repeat(1 << 20), ' '.repeat(1 << 20) + 'x', '\u2028'.repeat(1 << 20), '#'.repeat(1 << 20) + '[', ' \n'.repeat(1 << 19) + '::x']) {
      const started = process.hrtime.bigint();
      const out = logText(text);
      // Generous: a quadratic scan of 1 MB takes minutes, a linear one milliseconds.
      expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2000);
      expect(commandLines(out)).toEqual([]);
    }
  });
});
