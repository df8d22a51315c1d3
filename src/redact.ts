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
/** Every form to mask; `prefix`: its first 8+ characters are masked too. */
let needles: { text: string; prefix: boolean }[] = [];
/** Values masked only whole (a JSON credential: its first characters are not secret). */
const wholeOnly = new Set<string>();

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

/** Field names whose values are secrets, inside a JSON credential (a service-account key). */
const SECRET_FIELD = /key|token|secret|password|credential/i;
/** …unless they name where a secret is (a key file's path is no secret, and masking it would hide paths). */
const NOT_SECRET_FIELD = /(file|path|url|uri|endpoint|id)$/i;

/**
 * The parts of a value to mask. A JSON object (a service-account key file) is masked whole,
 * and its secret fields (`private_key`, `client_secret`…) by prefix too: its own first
 * characters (`{"type": "service_account"`) are not secret. A multi-line secret (a PEM key) is
 * also masked line by line.
 */
function secretParts(value: string): { byPrefix: string[]; wholeOnly: string[] } {
  let parsed: unknown;
  if (value.startsWith('{')) {
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = undefined;
    }
  }
  const out = { byPrefix: [] as string[], wholeOnly: [] as string[] };
  const add = (v: string) => {
    // A PEM key starts with public armour (`-----BEGIN PRIVATE KEY-----`): whole, then by line.
    (v.startsWith('-----') ? out.wholeOnly : out.byPrefix).push(v);
    if (!v.includes('\n')) return;
    for (const line of v.split(/\r?\n/)) if (line.trim().length >= 2 * MIN_PREFIX && !line.startsWith('-----')) out.byPrefix.push(line.trim());
  };
  if (parsed === null || typeof parsed !== 'object') {
    add(value);
    return out;
  }
  out.wholeOnly.push(value);
  const stack: unknown[] = [parsed];
  for (let n = 0; stack.length && n < 10_000; n++) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    for (const [k, v] of Object.entries(node)) {
      if (typeof v === 'string' && SECRET_FIELD.test(k) && v.trim().length >= MIN_SECRET) add(v.trim());
      else if (v && typeof v === 'object') stack.push(v);
    }
  }
  return out;
}

/** Register values to mask from now on (empty, missing and very short values are ignored). */
export function addSecrets(values: Iterable<string | null | undefined>): void {
  let changed = false;
  for (const v of values) {
    const s = typeof v === 'string' ? v.trim() : '';
    if (s.length < MIN_SECRET || secrets.has(s) || wholeOnly.has(s)) continue;
    const parts = secretParts(s);
    for (const p of parts.wholeOnly) wholeOnly.add(p);
    for (const p of parts.byPrefix) secrets.add(p);
    changed = true;
  }
  if (!changed) return;
  const all = new Map<string, boolean>();
  for (const s of wholeOnly) for (const f of forms(s)) all.set(f, all.get(f) ?? false);
  for (const s of secrets) for (const f of forms(s)) all.set(f, true);
  needles = [...all].map(([text, prefix]) => ({ text, prefix }));
}

/**
 * Every credential a run is given, as settings carry them: the GitHub token and, per provider,
 * every field named like a secret (`apiKey`, `credentialsJson`…; not `baseUrl`, `endpoint`,
 * `keyFile`).
 */
export function credentialValues(s: { githubToken?: string; credentials?: Record<string, object> }): string[] {
  const out: string[] = [];
  if (s.githubToken) out.push(s.githubToken);
  for (const c of Object.values(s.credentials ?? {})) {
    for (const [k, v] of Object.entries(c ?? {})) if (typeof v === 'string' && SECRET_FIELD.test(k) && !NOT_SECRET_FIELD.test(k)) out.push(v);
  }
  return out;
}

/** Register every credential in the settings (idempotent; each journey calls it first). */
export function addCredentials(s: { githubToken?: string; credentials?: Record<string, object> }): void {
  addSecrets(credentialValues(s));
}

/** Where `needle` (whole, or with `prefix` its first MIN_PREFIX+ characters) occurs in `text`, as [start, end). */
function spansOf(text: string, needle: string, prefix: boolean, out: Array<[number, number]>): void {
  const head = !prefix || needle.length < MIN_PREFIX ? needle : needle.slice(0, MIN_PREFIX);
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
  for (const n of needles) spansOf(text, n.text, n.prefix, spans);
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
