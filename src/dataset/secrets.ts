/**
 * Well-known credential patterns. A model must never be trained on a secret, and a report
 * must never repeat one: matches are shown masked.
 *
 * Every line of a pull request is untrusted, so the scan is linear in the line's length by
 * construction, not by luck of the regex engine: a rule is a `start` regex of bounded width (no
 * `*`, `+` or `{n,}`: a test checks the sources), then a run of `body` characters walked by hand,
 * then plain checks on that run. The run from a start inside an earlier run ends where that run
 * ended, so each character is walked at most once per rule whatever the number of starts; a
 * line of 300 KB of `sk-` costs what any 300 KB line costs (a backtracking
 * `sk-[…]{20,}T3BlbkFJ[…]{20,}` took 137 s on it).
 */

export interface SecretPattern {
  name: string;
  /** Where a candidate starts; bounded width (only `?` and `{m,n}` quantifiers). */
  start: RegExp;
  /** The ASCII characters the credential's body is made of, as a regex character class. */
  body: string;
  /** Fewest body characters. */
  min: number;
  /** The body is exactly `min` characters (the run must not be longer). */
  exact?: boolean;
  /** No word character (`[A-Za-z0-9_]`) right before the start nor right after the body. */
  wordBoundary?: boolean;
  /** Only the body is the secret (the start is a label such as `aws_secret_access_key=`). */
  bodyOnly?: boolean;
  /**
   * Further checks on the body run text[from, to); returns where the secret ends, or -1. It reads
   * only inside the run, no further than where it ends on success, and must fail on every suffix
   * of a run it failed on (the scan does not ask again inside that run).
   */
  check?: (text: string, from: number, to: number) => number;
  /** For key blocks: where the secret ends, given the text and the end of the start. */
  extend?: (text: string, from: number, memo: ExtendMemo) => number;
}

/** State a rule keeps across starts of one line, so that its work stays linear. */
export interface ExtendMemo {
  /** The last run walked: [start, end). A start inside it shares its end. */
  runStart: number;
  runEnd: number;
  /** Last search for a block's end marker: searched from `from`, found at `at` (-1: none). */
  endFrom: number;
  endAt: number;
  /** The end of the last run the rule's `check` failed on. */
  failedEnd: number;
}

const PEM_BODY = classTable('A-Za-z0-9+/=\\\\ \\t\\r\\n:,.-');
const PEM_BASE64 = classTable('A-Za-z0-9+/=\\\\\\r\\n');
const PEM_END = /-----END (?:[A-Z0-9]{1,16} ){0,4}PRIVATE KEY(?: BLOCK)?-----/y;

/** A private key block: from its header to its footer, or to the end of its base64 body. */
function pemBlock(text: string, from: number, memo: ExtendMemo): number {
  // The body may hold spaces and dashes (encrypted keys' headers), so the run of body
  // characters alone would run into the following words: find the footer inside that run.
  const runEnd = walk(text, from, PEM_BODY, memo);
  if (memo.endAt === -1 ? memo.endFrom > from : memo.endAt < from) {
    memo.endFrom = from;
    memo.endAt = text.indexOf('-----END ', from);
  }
  scanStats.steps += 1;
  if (memo.endAt !== -1 && memo.endAt < runEnd) {
    PEM_END.lastIndex = memo.endAt;
    if (PEM_END.test(text)) return PEM_END.lastIndex;
  }
  let end = from;
  while (end < text.length && PEM_BASE64[text.charCodeAt(end)] === 1) end++;
  scanStats.steps += end - from;
  return end;
}

/**
 * A JWT after its `eyJ`: the rest of the header, then two more base64url segments, the second
 * one a JSON object too (`eyJ` is `{"`). Reads no further than the third segment's end.
 */
function jwt(text: string, from: number, to: number): number {
  const dots: number[] = [];
  let i = from;
  for (; i < to && dots.length < 3; i++) if (text.charCodeAt(i) === 0x2e) dots.push(i);
  scanStats.steps += i - from;
  const [a, b, c = to] = dots;
  if (a === undefined || b === undefined) return -1;
  if (a - from < 7 || !text.startsWith('eyJ', a + 1) || b - a - 1 < 10 || c - b - 1 < 10) return -1;
  return c;
}

/** An OpenAI key with the `T3BlbkFJ` marker, at least 20 characters either side. */
function openaiMarker(text: string, from: number, to: number): number {
  const body = text.slice(from, to);
  scanStats.steps += body.length;
  const at = body.indexOf('T3BlbkFJ', 20);
  return at !== -1 && body.length - at - 8 >= 20 ? to : -1;
}

export const SECRET_PATTERNS: readonly SecretPattern[] = [
  { name: 'Anthropic API key', start: /sk-ant-(?:api|admin)\d{2}-/, body: 'A-Za-z0-9_-', min: 20 },
  {
    name: 'OpenAI API key',
    start: /sk-(?:proj-|svcacct-|admin-|None-)?/,
    body: 'A-Za-z0-9_-',
    min: 48,
    check: openaiMarker,
  },
  { name: 'OpenAI API key', start: /sk-(?:proj|svcacct|admin)-/, body: 'A-Za-z0-9_-', min: 40 },
  { name: 'OpenAI API key', start: /sk-/, body: 'A-Za-z0-9', min: 48 },
  { name: 'GitHub token', start: /gh[pousr]_/, body: 'A-Za-z0-9', min: 36 },
  { name: 'GitHub token', start: /github_pat_/, body: 'A-Za-z0-9_', min: 40 },
  { name: 'AWS access key id', start: /(?:AKIA|ASIA|ABIA|ACCA)/, body: '0-9A-Z', min: 16, exact: true, wordBoundary: true },
  {
    name: 'AWS secret access key',
    // Forty base64 characters are everywhere: only with the name the AWS tools give them.
    start: /(?:[Aa]ws_?[Ss]ecret_?(?:[Aa]ccess_?)?[Kk]ey|AWS_?SECRET_?(?:ACCESS_?)?KEY|[Ss]ecret_?[Aa]ccess_?[Kk]ey|SECRET_ACCESS_KEY)[\s"'\\:=]{1,8}/,
    body: 'A-Za-z0-9/+',
    min: 40,
    exact: true,
    bodyOnly: true,
  },
  { name: 'private key', start: /-----BEGIN (?:[A-Z0-9]{1,16} ){0,4}PRIVATE KEY(?: BLOCK)?-----/, body: '', min: 0, extend: pemBlock },
  { name: 'JSON Web Token', start: /eyJ/, body: 'A-Za-z0-9_.-', min: 34, check: jwt },
  { name: 'Slack token', start: /xox[abposr]-/, body: 'A-Za-z0-9-', min: 10 },
  { name: 'Google API key', start: /AIza/, body: '0-9A-Za-z_-', min: 35 },
  { name: 'Stripe secret key', start: /(?:sk|rk)_live_/, body: '0-9A-Za-z', min: 20 },
  { name: 'Hugging Face token', start: /hf_/, body: 'A-Za-z', min: 34 },
];

/** A 128-entry lookup table for an ASCII character class written as in a regex. */
function classTable(cls: string): Uint8Array {
  const t = new Uint8Array(128);
  if (cls === '') return t;
  const re = new RegExp(`[${cls}]`);
  for (let c = 0; c < 128; c++) if (re.test(String.fromCharCode(c))) t[c] = 1;
  return t;
}

/** Work done by the scan, for the tests that prove it linear (they count, never time). */
export const scanStats = { starts: 0, steps: 0 };

/** The end of the run of `table` characters from `from`, sharing the memo's run when inside it. */
function walk(text: string, from: number, table: Uint8Array, memo: ExtendMemo): number {
  if (from >= memo.runStart && from <= memo.runEnd) return memo.runEnd;
  let end = from;
  while (end < text.length) {
    const c = text.charCodeAt(end);
    if (c >= 128 || table[c] !== 1) break;
    end++;
  }
  scanStats.steps += end - from + 1;
  memo.runStart = from;
  memo.runEnd = end;
  return end;
}

const WORD = classTable('A-Za-z0-9_');
const isWord = (text: string, i: number) => {
  const c = text.charCodeAt(i);
  return c < 128 && WORD[c] === 1;
};

interface Rule extends SecretPattern {
  table: Uint8Array;
  sticky: RegExp;
}

const RULES: readonly Rule[] = SECRET_PATTERNS.map((p) => ({ ...p, table: classTable(p.body), sticky: new RegExp(p.start.source, 'y') }));

/** Where any rule may start: one pass over the line finds the candidates. */
const ANY_START = new RegExp(SECRET_PATTERNS.map((p) => `(?:${p.start.source})`).join('|'), 'g');

/** Show enough to find it, never enough to use it: `sk-p…[51 chars]`. */
export function mask(secret: string): string {
  const visible = secret.startsWith('-----') ? secret.slice(0, 16) : secret.slice(0, 4);
  return `${visible}…[${secret.length} chars]`;
}

export interface SecretMatch {
  name: string;
  masked: string;
  /** The raw match, for locating it in the parsed example; never print it. */
  raw: string;
  /** The match as a JSON string decodes it, when the two differ (a key block's `\n`s). */
  decoded?: string;
}

/** The raw text as the value of a JSON string, or null when it is not one. */
function jsonDecoded(raw: string): string | null {
  if (!raw.includes('\\')) return null;
  // A match may end inside an escape (`…\"`): drop an odd trailing backslash.
  let tail = 0;
  while (tail < raw.length && raw.charCodeAt(raw.length - 1 - tail) === 0x5c) tail++;
  try {
    const s: unknown = JSON.parse(`"${tail % 2 === 1 ? raw.slice(0, -1) : raw}"`);
    return typeof s === 'string' && s !== raw ? s : null;
  } catch {
    return null;
  }
}

/** The credentials in `text`, in order, at most `max` of them (a line can hold millions). */
export function findSecrets(text: string, max = Infinity): SecretMatch[] {
  const found: SecretMatch[] = [];
  const memos: ExtendMemo[] = RULES.map(() => ({ runStart: -1, runEnd: -2, endFrom: Infinity, endAt: -1, failedEnd: -1 }));
  // Secrets found, as [start, end) in text: a later start inside one is part of it.
  let coveredTo = 0;
  ANY_START.lastIndex = 0;
  for (let m = ANY_START.exec(text); m !== null; m = ANY_START.exec(text)) {
    const at = m.index;
    scanStats.starts++;
    let end = -1;
    let from = at;
    let rule: Rule | undefined;
    if (at >= coveredTo) {
      for (let r = 0; r < RULES.length && end === -1; r++) {
        rule = RULES[r] as Rule;
        rule.sticky.lastIndex = at;
        if (!rule.sticky.test(text)) continue;
        const bodyStart = rule.sticky.lastIndex;
        const memo = memos[r] as ExtendMemo;
        if (rule.extend) {
          end = rule.extend(text, bodyStart, memo);
          continue;
        }
        if (rule.wordBoundary && at > 0 && isWord(text, at - 1)) continue;
        const runEnd = walk(text, bodyStart, rule.table, memo);
        let len = runEnd - bodyStart;
        if (len < rule.min || (rule.exact && len !== rule.min)) continue;
        if (rule.wordBoundary && runEnd < text.length && isWord(text, runEnd)) continue;
        if (rule.check) {
          if (memo.failedEnd === runEnd) continue;
          const n = rule.check(text, bodyStart, runEnd);
          if (n === -1) {
            memo.failedEnd = runEnd;
            continue;
          }
          len = n - bodyStart;
        }
        end = bodyStart + len;
        if (rule.bodyOnly) from = bodyStart;
      }
    }
    if (end !== -1 && rule) {
      const raw = text.slice(from, end);
      const decoded = jsonDecoded(raw);
      found.push({ name: rule.name, masked: mask(decoded ?? raw), raw, ...(decoded !== null ? { decoded } : {}) });
      coveredTo = end;
      if (found.length >= max) break;
    }
    // Starts may overlap (`sk-sk-proj-…`): look again one character on.
    ANY_START.lastIndex = at + 1;
  }
  return found;
}
