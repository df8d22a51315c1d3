/**
 * The one sanitizer for untrusted text (dataset keys and excerpts, file names, config patterns,
 * target names, model ids, provider and suite messages) on its way out of the process: into a log
 * line, an annotation, a terminal, a comment. Markdown adds its own escaping on top
 * (`escapeText` in markdown.ts) and uses the same character class.
 *
 * Two dangers, two functions:
 * - `visible`: characters that act instead of showing — C0/C1 controls (terminal escapes, a bare
 *   `\r` that rewrites a line), bidirectional overrides, embeddings, isolates and marks (text that
 *   reads differently from what it is, "Trojan Source"), tag characters (invisible ASCII) — each
 *   become U+FFFD, so a reader sees that something was there.
 * - `defuseCommands`: the runner executes any stdout line that starts with `::name …::` (after
 *   blanks) and any line that contains `##[name]` as a workflow command. Every line we print goes
 *   through it at the output boundary (`coreIO`, the CLI's writes); `plain` makes data one line.
 */
import { redact } from '../redact.js';

/**
 * Controls (except tab, LF, CR), the bidi controls (ALM, LRM, RLM, LRE…RLO, LRI…PDI), the
 * deprecated format characters U+206A–U+206F, interlinear annotation marks and the tag block.
 * Zero-width joiners (emoji, Indic and Persian scripts) and variation selectors stay.
 */
const HIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u206f\ufff9-\ufffb]|\udb40[\udc00-\udc7f]/g;

/** The same set, for tests and callers that only need to know. */
export function hasHidden(text: string): boolean {
  HIDDEN.lastIndex = 0;
  const found = HIDDEN.test(text);
  HIDDEN.lastIndex = 0;
  return found;
}

/** Every control or invisible formatting character (see HIDDEN) becomes U+FFFD; line breaks stay. */
export function visible(text: string): string {
  return text.replace(HIDDEN, '\ufffd');
}

/** Shorten to `max` characters (by code point), marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  // A code point is at most two code units: nothing past 2 × max can be kept.
  const chars = Array.from(text.length > 2 * max + 2 ? text.slice(0, 2 * max + 2) : text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/**
 * Untrusted text for one line of a log or a terminal: hidden characters shown as U+FFFD, every
 * run of whitespace (newlines included) one space, trimmed, at most `max` characters.
 */
export function plain(text: string, max = 200): string {
  // Our credentials are masked first, on the raw text: a cut key is still a key (../redact.ts).
  return truncate(
    visible(redact(text))
      .replace(/[\s\u0085]+/g, ' ')
      .trim(),
    max,
  );
}

/**
 * Text about to be printed where the runner reads workflow commands: a line that would start a
 * command (`::` first after blanks) or that holds a legacy `##[` command gets a zero-width space
 * inside the marker. Nothing else changes; text that is no command passes as it is.
 */
export function defuseCommands(text: string): string {
  // The blanks .NET trims, without line breaks: each scan stops at its line's end (linear time).
  return text.replace(/^([\t\v\f \u00a0\u0085\u1680\u2000-\u200a\u202f\u205f\u3000\ufeff]*):(?=:)/gm, '$1:\u200b').replace(/#(?=#\[)/g, '#\u200b');
}

/** A log message: hidden characters shown, CR line breaks made LF, no line a workflow command. */
export function logText(message: string): string {
  return defuseCommands(visible(message.replace(/\r\n?/g, '\n')));
}

/**
 * JSON for a terminal or a file someone may `cat`: the same value, but every hidden character
 * (and `#` of a `##[`, and U+2028/U+2029) written as a `\u` escape, which any JSON reader turns
 * back into the same string. Pretty-printed JSON never starts a line with `::`.
 */
export function safeJson(value: unknown, indent = 2): string {
  const hex = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  return JSON.stringify(value, null, indent)
    .replace(HIDDEN, (c) => c.split('').map(hex).join(''))
    .replace(/[\u2028\u2029]/g, hex)
    .replace(/#(?=#\[)/g, '\\u0023');
}
