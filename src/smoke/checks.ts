/**
 * The checks of a smoke suite, one answer at a time: `evaluate` never throws, and a failed
 * check always says why, quoting what was expected and the start of the answer.
 *
 * Lengths are counted in characters (Unicode code points), not bytes or tokens. Text checks are
 * exact (no trimming) except `is-json` and `json-schema`, which ignore surrounding whitespace.
 * Patterns (`regex`, JSON-schema `pattern`) run on RE2, in linear time: see ./patterns.ts.
 */
import { Ajv, type ValidateFunction, type ErrorObject } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { compileRegex, re2Engine } from './patterns.js';
import type { Assertion, ChatAnswer, CheckResult } from './types.js';

/** How much of the answer a failure message quotes. */
const EXCERPT = 48;

const AJV_OPTIONS = {
  allErrors: true,
  // Unknown keywords are errors (a typo such as `typ` would otherwise match everything); the
  // pickier type/tuple rules are not. Formats need ajv-formats, which is not bundled: ignored.
  strictTypes: false,
  strictTuples: false,
  strictRequired: false,
  validateFormats: false,
  // Schemas with an `$id` are not registered, so two cases may use the same `$id`.
  addUsedSchema: false,
  logger: false,
  // Schema patterns run on RE2 too (linear time); one RE2 cannot run fails the compile.
  code: { regExp: re2Engine() },
} as const;

let ajv07: Ajv | undefined;
let ajv2019: Ajv2019 | undefined;
let ajv2020: Ajv2020 | undefined;

function ajvFor(schema: Record<string, unknown>): { compile: (s: object) => ValidateFunction } {
  const dialect = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (dialect.includes('2020-12')) return (ajv2020 ??= new Ajv2020(AJV_OPTIONS));
  if (dialect.includes('2019-09')) return (ajv2019 ??= new Ajv2019(AJV_OPTIONS));
  return (ajv07 ??= new Ajv(AJV_OPTIONS));
}

const compiled = new WeakMap<object, ValidateFunction>();

export type CompiledSchema = { ok: true; validate: ValidateFunction } | { ok: false; error: string };

/**
 * Compile a JSON Schema once (cached by object identity). Drafts 07 (default), 2019-09 and
 * 2020-12 are recognised from `$schema`. Never throws: a bad schema comes back as `error`.
 */
export function compileSchema(schema: unknown): CompiledSchema {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    return { ok: false, error: 'a JSON Schema must be an object' };
  }
  const hit = compiled.get(schema);
  if (hit) return { ok: true, validate: hit };
  try {
    const validate = ajvFor(schema as Record<string, unknown>).compile(schema);
    compiled.set(schema, validate);
    return { ok: true, validate };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

export { compileRegex, type CompiledRegex, type Pattern } from './patterns.js';

/** Collapse whitespace and cut to `max` code points, marking the cut. For failure messages. */
export function excerpt(text: string, max = EXCERPT): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = Array.from(flat);
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join('')}…`;
}

function quote(value: string): string {
  return JSON.stringify(value.length > 120 ? `${Array.from(value).slice(0, 119).join('')}…` : value);
}

function answerStarts(text: string): string {
  return text.trim() === '' ? 'answer is empty' : `answer starts "${excerpt(text)}"`;
}

/** The answer around a match at code-unit `index`, for `not-` failures. */
function around(text: string, index: number, length: number): string {
  const from = Math.max(0, index - 20);
  const to = Math.min(text.length, index + length + 20);
  return `${from > 0 ? '…' : ''}${text.slice(from, to).replace(/\s+/g, ' ')}${to < text.length ? '…' : ''}`;
}

function length(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

function fenced(text: string): boolean {
  return /^\s*```/.test(text);
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function schemaErrors(errors: ErrorObject[] | null | undefined): string {
  const list = (errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`);
  const shown = list.slice(0, 3).join('; ');
  return list.length > 3 ? `${shown}; and ${list.length - 3} more` : shown;
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

function asNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Positive form of a check: `null` when it passes, otherwise why not. */
function positive(type: string, value: unknown, answer: ChatAnswer): string | null {
  const text = answer.text;
  switch (type) {
    case 'equals': {
      const want = asText(value);
      if (text === want) return null;
      const ws = text.trim() === want.trim() ? ' (differs only in surrounding whitespace)' : '';
      return `expected to equal ${quote(want)}${ws}; ${answerStarts(text)}`;
    }
    case 'contains': {
      const want = asText(value);
      return text.includes(want) ? null : `expected to contain ${quote(want)}; ${answerStarts(text)}`;
    }
    case 'icontains': {
      const want = asText(value);
      return text.toLowerCase().includes(want.toLowerCase()) ? null : `expected to contain ${quote(want)} (case-insensitive); ${answerStarts(text)}`;
    }
    case 'starts-with': {
      const want = asText(value);
      return text.startsWith(want) ? null : `expected to start with ${quote(want)}; ${answerStarts(text)}`;
    }
    case 'regex': {
      const re = compileRegex(asText(value));
      if (!re.ok) return `the pattern /${asText(value)}/ does not compile: ${re.error}`;
      return re.re.test(text) ? null : `expected to match /${re.re.source}/; ${answerStarts(text)}`;
    }
    case 'is-json': {
      const parsed = parseJson(text);
      if (!parsed.ok) {
        const why = fenced(text) ? 'it is wrapped in a ``` code fence' : parsed.error;
        return `expected valid JSON, but ${why}; ${answerStarts(text)}`;
      }
      if (value === undefined || value === null) return null;
      return matchSchema(value, parsed.value, text);
    }
    case 'json-schema': {
      const parsed = parseJson(text);
      if (!parsed.ok) {
        const why = fenced(text) ? 'it is wrapped in a ``` code fence' : parsed.error;
        return `expected JSON matching the schema, but the answer is not valid JSON (${why}); ${answerStarts(text)}`;
      }
      return matchSchema(value, parsed.value, text);
    }
    case 'min-length': {
      const n = asNumber(value) ?? 0;
      const got = length(text);
      return got >= n ? null : `expected at least ${n} characters; answer has ${got}: "${excerpt(text)}"`;
    }
    case 'max-length': {
      const n = asNumber(value) ?? Infinity;
      const got = length(text);
      return got <= n ? null : `expected at most ${n} characters; answer has ${got}: "${excerpt(text)}"`;
    }
    case 'max-latency-ms': {
      const n = asNumber(value) ?? Infinity;
      const got = Math.round(answer.latencyMs);
      return answer.latencyMs <= n ? null : `expected an answer within ${n} ms; it took ${got} ms`;
    }
    default:
      return `unknown check type ${quote(type)}`;
  }
}

function matchSchema(schema: unknown, value: unknown, text: string): string | null {
  const c = compileSchema(schema);
  if (!c.ok) return `the JSON Schema does not compile: ${c.error}`;
  if (c.validate(value)) return null;
  return `expected JSON matching the schema: ${schemaErrors(c.validate.errors)}; ${answerStarts(text)}`;
}

/** Negated form: `null` when the positive form fails, otherwise why the answer is refused. */
function negative(type: string, value: unknown, answer: ChatAnswer): string | null {
  const text = answer.text;
  switch (type) {
    case 'equals':
      return text === asText(value) ? `expected not to equal ${quote(asText(value))}; it does` : null;
    case 'contains': {
      const i = text.indexOf(asText(value));
      return i < 0 ? null : `expected not to contain ${quote(asText(value))}; found: "${around(text, i, asText(value).length)}"`;
    }
    case 'icontains': {
      const want = asText(value);
      const i = text.toLowerCase().indexOf(want.toLowerCase());
      return i < 0 ? null : `expected not to contain ${quote(want)} (case-insensitive); found: "${around(text, i, want.length)}"`;
    }
    case 'starts-with':
      return text.startsWith(asText(value)) ? `expected not to start with ${quote(asText(value))}; ${answerStarts(text)}` : null;
    case 'regex': {
      const re = compileRegex(asText(value));
      if (!re.ok) return `the pattern /${asText(value)}/ does not compile: ${re.error}`;
      const m = re.re.find(text);
      return m ? `expected not to match /${re.re.source}/; matched "${around(text, m.index, m.length)}"` : null;
    }
    case 'is-json': {
      const parsed = parseJson(text);
      return parsed.ok ? `expected not to be JSON; the answer parses as ${jsonKind(parsed.value)}` : null;
    }
    default:
      return `unknown check type ${quote(`not-${type}`)}`;
  }
}

/** Evaluate one check against one answer. Never throws. */
export function evaluate(assertion: Pick<Assertion, 'type' | 'value' | 'line'>, answer: ChatAnswer): CheckResult {
  const { type, value } = assertion;
  let reason: string | null;
  try {
    reason = type.startsWith('not-') ? negative(type.slice(4), value, answer) : positive(type, value, answer);
  } catch (err) {
    reason = `the check could not run: ${err instanceof Error ? err.message : String(err)}`;
  }
  const result: CheckResult = { type, pass: reason === null, reason: reason ?? '' };
  if (assertion.line !== undefined) result.line = assertion.line;
  return result;
}

/** Evaluate every check; the answer passes when all of them pass. */
export function evaluateAll(assertions: readonly Pick<Assertion, 'type' | 'value' | 'line'>[], answer: ChatAnswer): { pass: boolean; checks: CheckResult[]; failed: CheckResult[] } {
  const checks = assertions.map((a) => evaluate(a, answer));
  const failed = checks.filter((c) => !c.pass);
  return { pass: failed.length === 0, checks, failed };
}
