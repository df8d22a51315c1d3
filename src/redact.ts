/**
 * Our own credentials (the API keys and the GitHub token we are given) never leave the process.
 *
 * One registry, filled once per run from the inputs (`main.ts`) and from the settings each
 * journey gets (`addCredentials`), and one function, `redact`, that replaces them in raw text.
 * It is applied where text is still raw, before anything can change its shape:
 * - at the source: a `ProviderError`'s message and hint (a provider that echoes the key);
 * - in every lossy or escaping transform: `escapeText`, `truncate`, `code`, `cell` (markdown),
 *   `plain`/`plainText` (logs), so a key is masked before `_` becomes `&#95;` or the text is cut;
 * - at every sink: the ActionIO (`redactingIO`: logs, annotations, outputs, job summary,
 *   failure), the JSON reports (`redactJson`), the sticky comments.
 *
 * A credential is masked whole, and so is any run of 8 or more of its leading characters: a
 * key cut by truncation (`sk-proj-AbCd…` at 52 characters) is still a key. As a last line of
 * defence the forms other layers would turn it into (URL-encoded, JSON-escaped, the entities
 * `escapeText` uses) are masked too, should any text reach a sink escaped before redaction.
 */
import type { ActionIO, AnnotationProps } from './journeys/io.js';

/** What replaces a credential. */
export const MASK = '***';

/** A run of this many leading characters of a credential is masked like the whole of it. */
export const MIN_PREFIX = 8;

/** Shorter values are not treated as secrets (they would mask ordinary words). */
const MIN_SECRET = 4;

const secrets = new Set<string>();
/** Every form to mask. */
let needles: string[] = [];

/** The entities `escapeText` (report/markdown.ts) writes; a test keeps the two in step. */
const MARKDOWN_ENTITIES: Record<string, string> = {
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
  $: '&#36;',
};

function forms(secret: string): string[] {
  const out = new Set<string>([secret]);
  out.add(encodeURIComponent(secret));
  out.add(JSON.stringify(secret).slice(1, -1));
  out.add(secret.replace(/[&<>"'|`\\*_[\]~#!$]/g, (c) => MARKDOWN_ENTITIES[c] ?? c));
  return [...out];
}

/** Register values to mask from now on (empty, missing and very short values are ignored). */
export function addSecrets(values: Iterable<string | null | undefined>): void {
  let changed = false;
  for (const v of values) {
    const s = typeof v === 'string' ? v.trim() : '';
    if (s.length < MIN_SECRET || secrets.has(s)) continue;
    secrets.add(s);
    changed = true;
  }
  if (!changed) return;
  const all = new Set<string>();
  for (const s of secrets) for (const f of forms(s)) all.add(f);
  needles = [...all];
}

/** Every credential a run is given, as settings carry them (the provider keys, the GitHub token). */
export function credentialValues(s: { githubToken?: string; credentials?: Record<string, object> }): string[] {
  const out: string[] = [];
  if (s.githubToken) out.push(s.githubToken);
  for (const c of Object.values(s.credentials ?? {})) {
    const key = (c as { apiKey?: unknown }).apiKey;
    if (typeof key === 'string') out.push(key);
  }
  return out;
}

/** Register every credential in the settings (idempotent; each journey calls it first). */
export function addCredentials(s: { githubToken?: string; credentials?: Record<string, object> }): void {
  addSecrets(credentialValues(s));
}

/** Where `needle` (whole, or its first MIN_PREFIX+ characters) occurs in `text`, as [start, end). */
function spansOf(text: string, needle: string, out: Array<[number, number]>): void {
  const head = needle.length < MIN_PREFIX ? needle : needle.slice(0, MIN_PREFIX);
  for (let at = text.indexOf(head); at >= 0; at = text.indexOf(head, at + 1)) {
    // Extend the match as far as the text follows the credential: the whole of it, or a cut.
    let k = head.length;
    while (k < needle.length && at + k < text.length && text.charCodeAt(at + k) === needle.charCodeAt(k)) k++;
    out.push([at, at + k]);
  }
}

/** `text` with every registered credential, and every 8+ character prefix of one, masked. */
export function redact(text: string): string {
  if (needles.length === 0 || typeof text !== 'string') return text;
  // Matches of every form on the same raw text, merged: forms share their first characters,
  // so masking one form first would hide the rest of a longer match from the next.
  const spans: Array<[number, number]> = [];
  for (const n of needles) spansOf(text, n, spans);
  if (spans.length === 0) return text;
  spans.sort((a, b) => a[0] - b[0]);
  let out = '';
  let from = 0;
  let i = 0;
  while (i < spans.length) {
    const start = spans[i]![0];
    let end = spans[i]![1];
    for (i++; i < spans.length && spans[i]![0] <= end; i++) end = Math.max(end, spans[i]![1]);
    out += text.slice(from, start) + MASK;
    from = end;
  }
  return out + text.slice(from);
}

/** JSON for a report file, every string in it redacted (keys included). */
export function redactJson(value: unknown, space: number = 2): string {
  if (needles.length === 0) return JSON.stringify(value, null, space);
  return redact(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'string' ? redact(v) : v), space));
}

function props(p: AnnotationProps | undefined): AnnotationProps | undefined {
  if (!p) return p;
  return { ...p, ...(p.title !== undefined ? { title: redact(p.title) } : {}), ...(p.file !== undefined ? { file: redact(p.file) } : {}) };
}

const WRAPPED = Symbol('finetune-ci.redacting');

/**
 * An ActionIO that never lets a credential through: log lines, annotations (and their titles),
 * group names, outputs, the job summary and the failure message. Wrapping twice is a no-op.
 */
export function redactingIO(io: ActionIO, r: (text: string) => string = redact): ActionIO {
  if ((io as { [WRAPPED]?: boolean })[WRAPPED] && r === redact) return io;
  const wrapped: ActionIO & { [WRAPPED]?: boolean } = {
    info: (m) => io.info(r(m)),
    warning: (m, p) => io.warning(r(m), props(p)),
    error: (m, p) => io.error(r(m), props(p)),
    notice: (m, p) => io.notice(r(m), props(p)),
    group: (name, fn) => io.group(r(name), fn),
    setOutput: (n, v) => io.setOutput(n, typeof v === 'string' ? r(v) : v),
    appendSummary: (md) => io.appendSummary(r(md)),
    setSecret: (s) => {
      addSecrets([s]);
      io.setSecret(s);
    },
    setFailed: (m) => io.setFailed(r(m)),
  };
  if (r === redact) wrapped[WRAPPED] = true;
  return wrapped;
}
