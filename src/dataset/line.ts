/**
 * One line of a dataset, start to finish: decode, parse, detect its format, check its shape and
 * rules, count its billed tokens, hash it. Pure: the same input gives the same result, so it
 * runs in a worker thread as well as in the main one.
 */
import { hash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import type { Encoding } from '../catalog/models.js';
import type { ValidationProfile } from '../catalog/profiles.js';
import { LINE_LIMITS } from '../catalog/limits.js';
import { KNOWN_KEYS, PartsCompletionExample, SCHEMAS, detectShape, type ChatExample, type Content, type DpoExample, type TextExample } from './formats.js';
import { chatRules, dpoRules, pathString, quoteKey, schemaFindings, shortKey, type Finding } from './rules.js';
import { findSecrets, type SecretMatch } from './secrets.js';
import { togetherLineRules } from './together-rules.js';
import { openCounter, type OpenTokenizerRef } from '../tokenizers/open.js';
import { billedRules, counter, counterStats, countChat, countCompletion, countDpo, countMessage, type CountFn, type CountRules, type ExampleCount } from './tokens.js';
import type { DataFormat, Method } from './types.js';
import { isVertexRecord, vertexLine } from './vertex-line.js';

export interface LineContext {
  /** The method the user asked for, or null to follow the data. */
  method: Method | null;
  encoding: Encoding;
  profile: ValidationProfile;
  /** The model's own tokenizer and chat template (open models), when available: counts are exact. */
  tokenizer?: OpenTokenizerRef;
}

export interface LineResult {
  line: number;
  /** What the line looks like; null when it is not a JSON object of a known shape. */
  shape: Exclude<DataFormat, 'reinforcement'> | null;
  /** It passed its schema, so it counts as an example with tokens. */
  valid: boolean;
  blank: boolean;
  tokens: number;
  assistantTokens: number;
  /** Tokens of the final assistant answer (it ends the example); null when there is none to tell. */
  finalAnswerTokens: number | null;
  messages: number;
  images: number;
  hasSystem: boolean;
  hasUser: boolean;
  /** 16 hex of sha256 of the example's bytes, and of its prompt (all but the answer, as JSON). */
  hash: string;
  promptHash: string;
  findings: Finding[];
}

/** Byte index of the first byte that breaks UTF-8 (only called once a line is known bad). */
export function firstInvalidUtf8(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    let n: number;
    let min = 0;
    if (c < 0x80) n = 0;
    else if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      min = 0x10000;
    } else return i;
    if (n > 0) {
      let cp = c & (0x3f >> n);
      for (let k = 1; k <= n; k++) {
        const cc = b[i + k];
        if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
        cp = (cp << 6) | (cc & 0x3f);
      }
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    }
    i += n + 1;
  }
  return -1;
}

/** 16 hex of sha256: a fresh short string (a slice of the full digest would keep it alive). */
function hash16(data: string | Buffer): string {
  return hash('sha256', data, 'buffer').toString('hex', 0, 8);
}

/** The path of the first string holding `needle` (one path array, pushed and popped: no copies). */
function locate(obj: unknown, needle: string, path: (string | number)[] = []): string | null {
  if (typeof obj === 'string') return obj.includes(needle) ? pathString(path) : null;
  if (Array.isArray(obj)) {
    for (let i = 0; i < obj.length; i++) {
      path.push(i);
      const p = locate(obj[i], needle, path);
      path.pop();
      if (p !== null) return p;
    }
  } else if (obj && typeof obj === 'object') {
    for (const [k, v] of Object.entries(obj)) {
      path.push(k);
      const p = locate(v, needle, path);
      path.pop();
      if (p !== null) return p;
    }
  }
  return null;
}

/** Where a line's JSON first goes past a limit on its shape, found before JSON.parse. */
export interface ShapeOverrun {
  kind: 'depth' | 'values';
  /** Character index of the bracket or comma that went past the limit. */
  at: number;
}

/**
 * The first place where the line's nesting of arrays and objects goes past `maxDepth`, or its
 * count of values (each `[`, `{` and `,` outside strings) past `maxValues`: one pass over the
 * raw text (strings skipped with `indexOf`), run before JSON.parse and every recursive walk.
 * A line too short to hold that many cannot go past either.
 */
export function shapePastLimits(text: string, maxDepth: number, maxValues: number): ShapeOverrun | null {
  if (text.length <= Math.min(2 * maxDepth, maxValues)) return null;
  let depth = 0;
  let values = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string: its closing quote is the next one not escaped by an odd run of `\`.
      let from = i + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q === -1) return null;
        let backslashes = 0;
        while (text.charCodeAt(q - 1 - backslashes) === 0x5c) backslashes++;
        from = q + 1;
        if (backslashes % 2 === 0) break;
      }
      i = from;
      continue;
    }
    if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return { kind: 'depth', at: i };
      if (++values > maxValues) return { kind: 'values', at: i };
    } else if (c === 0x5d || c === 0x7d) depth--;
    else if (c === 0x2c && ++values > maxValues) return { kind: 'values', at: i };
    i++;
  }
  return null;
}

/** Where the nesting first goes past `limit` (a character index), or -1. */
export function nestingPastLimit(text: string, limit: number): number {
  const over = shapePastLimits(text, limit, Infinity);
  return over?.kind === 'depth' ? over.at : -1;
}

function empty(line: number, blank: boolean, findings: Finding[], shape: LineResult['shape'] = null): LineResult {
  return {
    line,
    shape,
    valid: false,
    blank,
    tokens: 0,
    assistantTokens: 0,
    finalAnswerTokens: null,
    messages: 0,
    images: 0,
    hasSystem: false,
    hasUser: false,
    hash: '',
    promptHash: '',
    findings,
  };
}

/** Text parts joined, and images counted: a prompt, completion or text that may be a list of parts. */
function flatText(content: Content, tok: CountFn, rules: CountRules): { tokens: number; images: number; text: string } {
  if (typeof content === 'string') return { tokens: tok(content), images: 0, text: content };
  let tokens = 0;
  let images = 0;
  const texts: string[] = [];
  for (const part of content) {
    if (part.type === 'text') {
      tokens += tok(part.text);
      texts.push(part.text);
    } else {
      tokens += rules.image;
      images++;
    }
  }
  return { tokens, images, text: texts.join('\n') };
}

/** The prompt of a chat example: every message before the last assistant one, and the tools. */
function chatPrompt(ex: ChatExample): string {
  let last = ex.messages.length;
  for (let i = ex.messages.length - 1; i >= 0; i--) {
    if (ex.messages[i]?.role === 'assistant') {
      last = i;
      break;
    }
  }
  return JSON.stringify([ex.messages.slice(0, last), ex.tools ?? null, ex.functions ?? null]);
}

/**
 * A diagnostic must never repeat a secret whole: messages quote short values (a role, a key,
 * the JSON parser's excerpt of the line), so every finding of a line with a secret is masked.
 */
/** Every string in a parsed value (keys too), one per line: what a scan of decoded text reads. */
function decodedText(v: unknown, out: string[] = []): string {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) decodedText(x, out);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.push(k);
      decodedText(x, out);
    }
  }
  return out.join('\n');
}

/** The text with every secret of the line masked (as found, and as its JSON string decodes). */
function hideSecrets(text: string, secrets: readonly SecretMatch[]): string {
  return secrets.reduce((acc, m) => {
    const raw = acc.split(m.raw).join(m.masked);
    return m.decoded === undefined ? raw : raw.split(m.decoded).join(m.masked);
  }, text);
}

function redact(f: Finding, secrets: readonly SecretMatch[]): Finding {
  // The line's secrets (in their decoded forms too), then any the short text itself still holds:
  // a line may hold more secrets than it keeps.
  const hide = (s: string) => {
    const known = hideSecrets(s, secrets);
    return hideSecrets(known, findSecrets(known));
  };
  return { ...f, path: hide(f.path), message: hide(f.message), hint: hide(f.hint) };
}

export function analyzeLine(bytes: Buffer, line: number, ctx: LineContext): LineResult {
  const secrets: SecretMatch[] = [];
  const result = analyzeLineUnmasked(bytes, line, ctx, secrets);
  if (secrets.length > 0) result.findings = result.findings.map((f) => redact(f, secrets));
  return result;
}

function analyzeLineUnmasked(bytes: Buffer, line: number, ctx: LineContext, secrets: SecretMatch[]): LineResult {
  const findings: Finding[] = [];
  if (!isUtf8(bytes)) {
    const bad = firstInvalidUtf8(bytes);
    findings.push({
      code: 'invalid-utf8',
      severity: 'error',
      path: '',
      message: `the line is not valid UTF-8 (first bad byte at column ${bad + 1})`,
      hint: 're-save the file as UTF-8; the bytes were not replaced, so nothing was lost',
    });
    return empty(line, false, findings);
  }
  const text = bytes.toString('utf8');
  if (text.trim().length === 0) {
    // Together's checker parses every line as JSON, so a blank line fails its check.
    const refused = ctx.profile.providerRules === 'together';
    findings.push({
      code: 'blank-line',
      severity: refused ? 'error' : 'warning',
      path: '',
      message: refused ? `blank line: ${ctx.profile.name}'s checker refuses files with blank lines` : 'blank line',
      hint: 'remove blank lines: some uploaders count them as broken examples',
    });
    return empty(line, true, findings);
  }
  // Before parsing: a credential on a line that is not valid JSON is still a credential.
  // Kept: the ones reported, and one more to know there are more.
  const keep = LINE_LIMITS.maxSecretsReported.value + 1;
  for (const m of findSecrets(text, keep)) secrets.push(m);
  const flagSecrets = (obj: unknown) => {
    const reported = secrets.slice(0, keep - 1);
    for (const s of reported) {
      const where = locate(obj, s.decoded ?? s.raw) ?? '';
      findings.push({
        code: 'possible-secret',
        severity: 'warning',
        path: where,
        message: `${where || 'the line'} contains what looks like a credential (${s.name}: ${s.masked})`,
        hint: 'remove the credential from the data and revoke it: a model must never be trained on a secret',
      });
    }
    if (secrets.length > reported.length) {
      findings.push({
        code: 'possible-secret',
        severity: 'warning',
        path: '',
        message: `the line holds more than ${reported.length} strings that look like credentials; the first ${reported.length} are listed`,
        hint: 'scan the file with a secret scanner, remove every credential and revoke them',
      });
    }
  };
  // Before JSON.parse and any walk of the value: a line nested 20,000 levels deep overflows the
  // stack of JSON.stringify and of every recursive walk, and costs memory per level.
  const maxDepth = LINE_LIMITS.maxNestingDepth.value;
  const maxValues = LINE_LIMITS.maxJsonValues.value;
  const over = shapePastLimits(text, maxDepth, maxValues);
  if (over) {
    const n = (x: number) => x.toLocaleString('en-US');
    findings.push(
      over.kind === 'depth'
        ? {
            code: 'too-deep',
            severity: 'error',
            path: '',
            message: `the line nests arrays and objects more than ${n(maxDepth)} levels deep (level ${n(maxDepth + 1)} opens at column ${n(over.at + 1)}); the limit is ${n(maxDepth)}`,
            hint: 'flatten the example: training data nests a few levels (a tool schema a few more); the line was not read further',
          }
        : {
            code: 'too-many-values',
            severity: 'error',
            path: '',
            message: `the line holds more than ${n(maxValues)} JSON values (value ${n(maxValues + 1)} starts at column ${n(over.at + 1)}); the limit is ${n(maxValues)}`,
            hint: 'split the example: no training example holds that many values; the line was not read further',
          },
    );
    flagSecrets(null);
    return empty(line, false, findings);
  }
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    findings.push({
      code: 'invalid-json',
      severity: 'error',
      path: '',
      // The parser's message quotes the line; not when the line holds a credential.
      message: `the line is not valid JSON${secrets.length > 0 ? '' : `: ${(e as Error).message}`}`,
      hint: 'each line must be one complete JSON object; check quotes, commas and brackets (a pretty-printed object spans lines: put it on one)',
    });
    flagSecrets(null);
    return empty(line, false, findings);
  }
  // JSON escapes can hide a credential from the raw scan (`gh\u0070_…`): when the line has any,
  // scan the decoded strings too (rare, so the common line pays one `includes`).
  if (text.includes('\\u') || text.includes('\\/')) {
    const seen = new Set(secrets.flatMap((x) => (x.decoded === undefined ? [x.raw] : [x.raw, x.decoded])));
    for (const m of findSecrets(decodedText(obj), keep)) if (!seen.has(m.raw) && secrets.length < keep) secrets.push(m);
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    findings.push({
      code: 'not-an-object',
      severity: 'error',
      path: '',
      message: `the line is ${Array.isArray(obj) ? 'an array' : obj === null ? 'null' : `a ${typeof obj}`}, not a JSON object`,
      hint: 'each line must be one object such as {"messages": [...]}',
    });
    flagSecrets(obj);
    return empty(line, false, findings);
  }
  const record = obj as Record<string, unknown>;
  // Data already in Vertex AI form is taken as it is where the profile is Vertex's.
  if (ctx.profile.name === 'vertex' && isVertexRecord(record)) {
    flagSecrets(obj);
    const v = vertexLine(record, counter(ctx.encoding), (f) => findings.push(f));
    if (!v) return empty(line, false, findings, 'chat');
    const { prompt: vertexPrompt, ...facts } = v;
    return { line, shape: 'chat', valid: true, blank: false, ...facts, finalAnswerTokens: null, hash: hash16(bytes), promptHash: hash16(vertexPrompt), findings };
  }
  let shape: LineResult['shape'] = detectShape(record);
  if (ctx.profile.providerRules === 'together') {
    // The provider's own checker first: its verdict is the one the upload gets.
    const t = togetherLineRules(record, text, ctx.profile, ctx.method !== 'reinforcement');
    if (t.finding) {
      findings.push(t.finding);
      flagSecrets(obj);
      return empty(line, false, findings, t.format);
    }
    shape = t.format;
  }
  if (!shape) {
    findings.push({
      code: 'unknown-format',
      severity: 'error',
      path: '',
      message: `the line has none of the keys of a training format (found: ${
        Object.keys(record)
          .slice(0, 5)
          .map((k) => shortKey(hideSecrets(k, secrets)))
          .join(', ') || 'none'
      })`,
      hint: 'use {"messages": [...]} for chat, {"input", "preferred_output", "non_preferred_output"} for DPO, or {"prompt", "completion"}',
    });
    flagSecrets(obj);
    return empty(line, false, findings);
  }
  const format: DataFormat = shape === 'chat' && ctx.method === 'reinforcement' ? 'reinforcement' : shape;
  const schema = format === 'completion' && ctx.profile.providerRules === 'together' ? PartsCompletionExample : SCHEMAS[format];
  const parsed = schema.safeParse(obj);
  flagSecrets(obj);
  if (!parsed.success) {
    schemaFindings(parsed.error.issues, obj, (f) => findings.push(f));
    return empty(line, false, findings, shape);
  }
  if (format !== 'reinforcement') {
    const known = KNOWN_KEYS[format];
    for (const key of Object.keys(record)) {
      if (!known.includes(key)) {
        findings.push({
          code: 'unknown-key',
          severity: 'warning',
          // Masked before it is cut: a cut would leave a secret's prefix that no mask matches.
          path: shortKey(hideSecrets(key, secrets)),
          message: `unknown top-level key ${quoteKey(hideSecrets(key, secrets))} for ${format} data`,
          hint: `remove it: ${format} lines take ${known.join(', ')}`,
        });
      }
    }
  }
  const tok = counter(ctx.encoding);
  const rules = billedRules(ctx.encoding);
  const ruleCtx = { profile: ctx.profile, requireAssistant: format !== 'reinforcement', developerAllowed: format === 'reinforcement' };
  const emit = (f: Finding) => findings.push(f);
  let count: ExampleCount;
  let messages = 0;
  let hasSystem = true;
  let hasUser = true;
  let prompt: string;
  const approximateBefore = counterStats.approximate;
  let finalAnswerTokens: number | null = null;
  if (format === 'chat' || format === 'reinforcement') {
    const ex = parsed.data as ChatExample;
    const facts = chatRules(ex, ruleCtx, emit);
    ({ hasSystem, hasUser } = facts);
    count = countChat(ex, tok, rules);
    const last = ex.messages[ex.messages.length - 1];
    if (last?.role === 'assistant') finalAnswerTokens = countMessage(last, tok, rules).tokens;
    messages = ex.messages.length;
    prompt = chatPrompt(ex);
  } else if (format === 'dpo') {
    const ex = parsed.data as DpoExample;
    const facts = dpoRules(ex, ruleCtx, emit);
    ({ hasSystem, hasUser } = facts);
    count = countDpo(ex, tok, rules);
    messages = ex.input.messages.length + ex.preferred_output.length + ex.non_preferred_output.length;
    prompt = JSON.stringify(ex.input);
  } else if (format === 'text') {
    const ex = parsed.data as TextExample;
    const t = flatText(ex.text, tok, rules);
    if (t.text.trim().length === 0) {
      emit({ code: 'empty-content', severity: 'error', path: 'text', message: 'text is empty', hint: 'write the text to train on' });
    }
    // The whole text is trained on: all of it is what the model learns to write.
    count = { tokens: t.tokens, assistantTokens: t.tokens, images: t.images };
    prompt = '';
  } else {
    const ex = parsed.data as PartsCompletionExample;
    const p = flatText(ex.prompt, tok, rules);
    const c = flatText(ex.completion, tok, rules);
    if (c.text.trim().length === 0) {
      emit({
        code: 'empty-content',
        severity: 'error',
        path: 'completion',
        message: 'completion is empty',
        hint: 'write the completion the model should learn',
      });
    }
    if (typeof ex.prompt === 'string' && typeof ex.completion === 'string') {
      count = countCompletion({ prompt: ex.prompt, completion: ex.completion }, tok);
    } else {
      const base = countCompletion({ prompt: p.text, completion: c.text }, tok);
      count = { tokens: p.tokens + base.tokens - tok(p.text), assistantTokens: base.assistantTokens, images: p.images + c.images };
    }
    finalAnswerTokens = count.tokens - (typeof ex.prompt === 'string' ? tok(ex.prompt) : p.tokens);
    prompt = JSON.stringify(ex.prompt);
  }
  if (counterStats.approximate > approximateBefore) {
    const max = LINE_LIMITS.maxExactPreTokenChars.value.toLocaleString('en-US');
    emit({
      code: 'approximate-count',
      severity: 'warning',
      path: '',
      message: `the line holds a run of more than ${max} characters that the tokenizer does not split (one character repeated, say); it was counted in pieces of ${max}, so its token count may be off by a few tokens`,
      hint: 'check the line: such a run is rarely meant as training data',
    });
  }
  if (ctx.tokenizer) {
    // The model's own tokenizer over its chat template replaces the stand-in count. A template
    // that refuses the example (templates raise on shapes they do not expect) leaves the
    // stand-in count for this line and says so: bad input never stops the check.
    const open = openCounter(ctx.tokenizer);
    try {
      const c =
        format === 'dpo'
          ? (() => {
              const input = record.input as Record<string, unknown>;
              return open.dpo(input.messages as unknown[], record.preferred_output as unknown[], record.non_preferred_output as unknown[], input.tools as unknown[] | undefined);
            })()
          : format === 'completion'
            ? (() => {
                const ex = parsed.data as PartsCompletionExample;
                return open.completion(flatText(ex.prompt, tok, rules).text, flatText(ex.completion, tok, rules).text);
              })()
            : format === 'text'
              ? open.text(flatText((parsed.data as TextExample).text, tok, rules).text)
              : open.chat(record.messages as unknown[], record.tools as unknown[] | undefined);
      count = { tokens: c.tokens, assistantTokens: c.assistantTokens, images: count.images };
      // The final answer's share was measured with the stand-in encoding: not comparable any more.
      finalAnswerTokens = null;
    } catch (e) {
      findings.push({
        code: 'template-error',
        severity: 'warning',
        path: '',
        message: `${ctx.tokenizer.label}'s chat template cannot render this example (${String((e as Error).message).slice(0, 160)}); its count is approximate`,
        hint: 'the provider renders the same template: reshape the example so the template accepts it',
      });
    }
  }
  return {
    line,
    shape,
    valid: true,
    blank: false,
    tokens: count.tokens,
    assistantTokens: count.assistantTokens,
    finalAnswerTokens,
    messages,
    images: count.images,
    hasSystem,
    hasUser,
    // The line's own bytes: no second serialisation of every example (and its garbage).
    hash: hash16(bytes),
    promptHash: hash16(prompt),
    findings,
  };
}
