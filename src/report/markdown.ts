/**
 * Markdown for GitHub comments and job summaries. Dataset text and model answers are
 * untrusted: `escapeText` makes them inert (no HTML tags or comments, no @mentions, #refs or
 * GH-refs that notify or link, no table breaks, no markdown syntax, no hidden or bidi characters),
 * `code` puts them in an inline code span. Hidden characters are those of `visible` (text.ts).
 * Both mask our own credentials (src/redact.ts) before they escape or shorten anything.
 */
import { redact } from '../redact.js';
import { truncate as cut, visible } from './text.js';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '|': '&#124;',
  '`': '&#96;',
  '\\': '&#92;',
  '*': '&#42;',
  _: '&#95;',
  '[': '&#91;',
  ']': '&#93;',
  '~': '&#126;',
  '#': '&#35;',
  '!': '&#33;',
};

/**
 * Escape untrusted text for use anywhere in GitHub-flavoured markdown, table cells included.
 * Newlines become spaces (a cell is one line); `@`, a `#` before a digit and `GH-` before a digit
 * get a zero-width joiner so that no one is mentioned and no issue is linked (GitHub resolves
 * references after decoding entities); control, bidi and other hidden characters show as U+FFFD.
 */
export function escapeText(text: string): string {
  // Credentials are masked first, on the raw text: escaping would hide them from a later pass.
  return (
    visible(redact(text))
      .replace(/\r?\n|\r/g, ' ')
      // Before the entities: `&#35;` itself is a `#` and digits.
      .replace(/#(?=\d)/g, '#\u200d')
      .replace(/\b(gh)-(?=\d)/gi, '$1-\u200d')
      .replace(/[&<>"'|`\\*_[\]~#!]/g, (c) => ENTITIES[c] ?? c)
      .replace(/@/g, '@\u200d')
      .replace(/:\/\//g, ':&#47;&#47;')
      .replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}\u200d.`)
      .replace(/\$/g, '&#36;')
  );
}

/**
 * Untrusted text inside an inline code span: entities would show literally there, so instead
 * the characters that could end the span or a table cell are neutralised.
 */
export function code(text: string, max = 80): string {
  const t = truncate(
    visible(text)
      .replace(/[\s\u0085]+/g, ' ')
      .trim(),
    max,
  )
    .replace(/`/g, "'")
    .replace(/\|/g, '\\|');
  return `\`${t || ' '}\``;
}

/** Shorten to `max` characters (by code point), marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  // Masked before the cut: a cut credential is still one.
  return cut(redact(text), max);
}

/** Untrusted text, first line-ish, shortened and escaped: for table cells and lists. */
export function cell(text: string, max = 80): string {
  return escapeText(truncate(text.replace(/\s+/g, ' ').trim(), max));
}

export function table(header: string[], rows: string[][], align?: ('l' | 'r' | 'c')[]): string {
  const sep = header.map((_, i) => {
    const a = align?.[i] ?? 'l';
    return a === 'r' ? '---:' : a === 'c' ? ':---:' : '---';
  });
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(sep), ...rows.map(line)].join('\n');
}

export function details(summary: string, body: string): string {
  return `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

export function formatInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatUsd(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return 'unknown';
  const abs = Math.abs(n);
  const digits = abs !== 0 && abs < 0.01 ? 4 : 2;
  return `${n < 0 ? '−' : ''}$${abs.toFixed(digits)}`;
}

/** A signed delta for a table: "+1,234", "−12", "±0". */
export function formatDelta(n: number, fmt: (v: number) => string = formatInt): string {
  if (n === 0) return '±0';
  return n > 0 ? `+${fmt(n)}` : `−${fmt(-n)}`;
}

export function formatUsdDelta(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return 'unknown';
  if (Math.abs(n) < 0.00005) return '±$0.00';
  return n > 0 ? `+${formatUsd(n)}` : `−${formatUsd(-n)}`;
}
