/**
 * The smoke suite file (YAML or JSON: YAML parses both), validated like a dataset: every problem
 * is a located `Diagnostic` (file, 1-based line of the offending node, path inside the file,
 * stable code, message, hint). Nothing here throws on bad input.
 *
 * Codes: suite-syntax-error, empty-suite-file, invalid-suite, unknown-field, invalid-threshold,
 * invalid-defaults, missing-cases, invalid-cases, empty-cases, invalid-case, missing-case-name,
 * invalid-case-name, duplicate-case-name, missing-prompt, prompt-and-messages, invalid-prompt,
 * invalid-messages, invalid-assertions, invalid-assertion, missing-check-type,
 * unknown-check-type, missing-check-value, unexpected-check-value, invalid-check-value,
 * empty-check-value, invalid-regex, unsupported-regex, invalid-json-schema, suite-not-found, unsafe-path; warning:
 * case-without-checks.
 *
 * Over 400 lines on purpose: one validator for one document, whose codes above only make sense
 * together; split up, the rules of one schema would be scattered over several files.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { z } from 'zod';
import type { Diagnostic } from '../dataset/types.js';
import { confine } from '../paths.js';
import { compileSchema } from './checks.js';
import { compileRegex, schemaPatterns } from './patterns.js';
import { CHECK_TYPES, type Assertion, type ChatMessage, type CheckType, type SmokeCase, type SmokeDefaults, type SmokeSuite } from './types.js';

export interface ParsedSuite {
  /** null when there is any error; warnings alone still give a suite. */
  suite: SmokeSuite | null;
  diagnostics: Diagnostic[];
}

const STRING_VALUE = new Set<string>(['equals', 'contains', 'icontains', 'starts-with', 'regex']);
const NUMBER_VALUE = new Set<string>(['min-length', 'max-length', 'max-latency-ms']);
/** Types people bring from promptfoo that finetune-ci does not run. */
const NOT_SUPPORTED =
  /^(not-)?(contains-any|contains-all|icontains-any|icontains-all|javascript|python|llm-rubric|model-graded-.*|similar|levenshtein|rouge-n|bleu|perplexity.*|cost|latency|webhook|is-valid-openai-.*|is-sql|contains-json|is-xml|contains-xml|g-eval|factuality|answer-relevance|context-.*|select-best|classifier|moderation|guardrails|finish-reason|trace-.*)$/;

function issue(ctx: z.RefinementCtx, code: string, message: string, path: (string | number)[], extra: Record<string, unknown> = {}) {
  ctx.addIssue({ code: 'custom', message, path, params: { code, ...extra } });
}

const Message = z.strictObject(
  {
    role: z.enum(['system', 'developer', 'user', 'assistant'], {
      error: 'role must be one of system, developer, user, assistant',
    }),
    content: z.string({ error: 'content must be text' }),
  },
  { error: 'a message must be a mapping {role, content}' },
);

const Check = z
  .strictObject(
    {
      type: z.string({ error: (i) => (i.input === undefined ? 'the check has no type' : 'type must be text') }),
      value: z.unknown().optional(),
    },
    { error: 'a check must be a mapping {type, value}' },
  )
  .superRefine((check, ctx) => {
    const { type, value } = check;
    if (!(CHECK_TYPES as readonly string[]).includes(type)) {
      issue(ctx, 'unknown-check-type', `unknown check type "${type}"`, ['type'], { type });
      return;
    }
    const base = type.replace(/^not-/, '');
    if (STRING_VALUE.has(base)) {
      if (value === undefined || value === null) {
        issue(ctx, 'missing-check-value', `"${type}" needs a value`, [], { type });
      } else if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        issue(ctx, 'invalid-check-value', `the value of "${type}" must be text`, ['value'], { type });
      } else if (value === '' && base !== 'equals') {
        issue(ctx, 'empty-check-value', `the value of "${type}" is empty, so the check always ${type.startsWith('not-') ? 'fails' : 'passes'}`, ['value'], { type });
      } else if (base === 'regex') {
        const re = compileRegex(String(value));
        if (!re.ok && re.unsupported) issue(ctx, 'unsupported-regex', `the pattern ${JSON.stringify(String(value))} cannot run: ${re.error}. Rewrite: ${re.unsupported}`, ['value'], { type });
        else if (!re.ok) issue(ctx, 'invalid-regex', `the pattern does not compile: ${re.error}`, ['value'], { type });
      }
    } else if (NUMBER_VALUE.has(base)) {
      if (value === undefined || value === null) {
        issue(ctx, 'missing-check-value', `"${type}" needs a value`, [], { type });
      } else if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (type !== 'max-latency-ms' && !Number.isInteger(value))) {
        const what = type === 'max-latency-ms' ? 'a number of milliseconds, 0 or more' : 'a whole number of characters, 0 or more';
        issue(ctx, 'invalid-check-value', `the value of "${type}" must be ${what}; got ${JSON.stringify(value)}`, ['value'], { type });
      }
    } else if (type === 'json-schema' || type === 'is-json') {
      if (value === undefined || value === null) {
        if (type === 'json-schema') issue(ctx, 'missing-check-value', `"json-schema" needs a value: the JSON Schema`, [], { type });
      } else if (typeof value !== 'object' || Array.isArray(value)) {
        issue(ctx, 'invalid-json-schema', `the value of "${type}" must be a JSON Schema (an object)`, ['value'], { type });
      } else {
        // Patterns RE2 cannot run, located at their own line; then the schema as a whole.
        const bad = schemaPatterns(value).filter((p) => !p.compiled.ok);
        for (const p of bad) {
          if (p.compiled.ok) continue;
          const why = p.compiled.unsupported ? `cannot run: ${p.compiled.error}. Rewrite: ${p.compiled.unsupported}` : `does not compile: ${p.compiled.error}`;
          issue(ctx, p.compiled.unsupported ? 'unsupported-regex' : 'invalid-regex', `the schema's pattern ${JSON.stringify(p.pattern)} ${why}`, ['value', ...p.path], { type });
        }
        const compiled = bad.length ? null : compileSchema(value);
        if (compiled && !compiled.ok) issue(ctx, 'invalid-json-schema', `the JSON Schema does not compile: ${compiled.error}`, ['value'], { type });
      }
    } else if (type === 'not-is-json' && value !== undefined && value !== null) {
      issue(ctx, 'unexpected-check-value', `"not-is-json" takes no value`, ['value'], { type });
    }
  });

const Case = z
  .strictObject(
    {
      name: z
        .string({ error: (i) => (i.input === undefined ? 'the case has no name' : 'name must be text') })
        .trim()
        .min(1, { error: 'name is empty' }),
      description: z.string().optional(),
      prompt: z.string({ error: 'prompt must be text' }).min(1, { error: 'prompt is empty' }).optional(),
      messages: z.array(Message, { error: 'messages must be a list of {role, content}' }).min(1, { error: 'messages is empty' }).optional(),
      assert: z.array(Check, { error: 'assert must be a list of {type, value}' }).optional(),
    },
    { error: 'a case must be a mapping with name, prompt (or messages) and assert' },
  )
  .superRefine((c, ctx) => {
    if (c.prompt !== undefined && c.messages !== undefined) {
      issue(ctx, 'prompt-and-messages', `case "${c.name}" has both prompt and messages`, ['messages']);
    } else if (c.prompt === undefined && c.messages === undefined) {
      issue(ctx, 'missing-prompt', `case "${c.name}" has neither prompt nor messages`, []);
    }
  });

const Defaults = z.strictObject(
  {
    system: z.string({ error: 'defaults.system must be text' }).optional(),
    temperature: z
      .number({ error: 'defaults.temperature must be a number' })
      .min(0, { error: 'defaults.temperature must be from 0 to 2' })
      .max(2, { error: 'defaults.temperature must be from 0 to 2' })
      .optional(),
    max_tokens: z
      .number({ error: 'defaults.max_tokens must be a number' })
      .int({ error: 'defaults.max_tokens must be a whole number' })
      .positive({ error: 'defaults.max_tokens must be 1 or more' })
      .optional(),
    seed: z.number({ error: 'defaults.seed must be a number' }).int({ error: 'defaults.seed must be a whole number' }).optional(),
  },
  { error: 'defaults must be a mapping' },
);

const SuiteSchema = z
  .strictObject(
    {
      description: z.string().optional(),
      defaults: Defaults.optional(),
      threshold: z
        .number({ error: (i) => `threshold must be a number from 0 to 1; got ${JSON.stringify(i.input)}` })
        .min(0, { error: (i) => `threshold must be from 0 to 1; got ${JSON.stringify(i.input)}` })
        .max(1, { error: (i) => `threshold must be from 0 to 1; got ${JSON.stringify(i.input)}` })
        .optional(),
      cases: z.array(Case, { error: (i) => (i.input === undefined ? 'the suite has no cases' : 'cases must be a list') }).min(1, { error: 'cases is empty' }),
    },
    { error: 'a suite file is a mapping with defaults, threshold and cases' },
  )
  .superRefine((s, ctx) => {
    const seen = new Map<string, number>();
    s.cases.forEach((c, i) => {
      const first = seen.get(c.name);
      if (first === undefined) seen.set(c.name, i);
      else issue(ctx, 'duplicate-case-name', `case name "${c.name}" is used twice`, ['cases', i, 'name'], { first });
    });
  });

type Raw = z.infer<typeof SuiteSchema>;

/** Diagnostics in file order (whole-file ones first); stable otherwise. */
function byLine(ds: Diagnostic[]): Diagnostic[] {
  return ds
    .map((d, i) => ({ d, i }))
    .sort((a, b) => (a.d.line ?? 0) - (b.d.line ?? 0) || a.i - b.i)
    .map((x) => x.d);
}
type PathSeg = string | number;

/** Where a path lands in the YAML document; the nearest existing ancestor when it is missing. */
function nodeAt(doc: Document, path: readonly PathSeg[]): Node | null {
  let node: unknown = doc.contents;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === seg);
      if (!pair) break;
      node = pair.value ?? pair.key;
      if (node === null || (isScalar(node) && !node.range)) node = pair.key;
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg] !== undefined) {
      node = node.items[seg];
    } else break;
  }
  return (node as Node | null) ?? null;
}

/** The key node of `key` in the mapping at `path` (for unknown fields). */
function keyAt(doc: Document, path: readonly PathSeg[], key: string): Node | null {
  const map = path.length ? doc.getIn(path, true) : doc.contents;
  if (!isMap(map)) return null;
  const pair = map.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
  return (pair?.key as Node | undefined) ?? null;
}

function pathText(path: readonly PathSeg[]): string {
  return path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

function closest(word: string, options: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const o of options) {
    const d = editDistance(word.toLowerCase(), o);
    if (d < bestD) [best, bestD] = [o, d];
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

const FIELDS: Record<string, string[]> = {
  suite: ['description', 'defaults', 'threshold', 'cases'],
  defaults: ['system', 'temperature', 'max_tokens', 'seed'],
  case: ['name', 'description', 'prompt', 'messages', 'assert'],
  check: ['type', 'value'],
  message: ['role', 'content'],
};

function fieldsFor(path: readonly PathSeg[]): string[] {
  if (path.length === 0) return FIELDS.suite!;
  if (path[0] === 'defaults') return FIELDS.defaults!;
  if (path.includes('assert')) return FIELDS.check!;
  if (path.includes('messages')) return FIELDS.message!;
  return FIELDS.case!;
}

const HINTS: Record<string, string> = {
  'invalid-suite': 'write a mapping with `threshold`, `defaults` and `cases` (see examples/smoke.yml)',
  'invalid-threshold': 'threshold is the pass rate the model needs: 0.8 means 80% of cases; 1 (the default) means all',
  'invalid-defaults': 'defaults takes system (text), temperature (0 to 2), max_tokens (1 or more) and seed (a whole number)',
  'missing-cases': 'add `cases:`, a list of {name, prompt, assert}',
  'invalid-cases': 'cases is a list: each item starts with `- name: ...`',
  'empty-cases': 'add at least one case: {name, prompt, assert}',
  'invalid-case': 'each case is a mapping with name, prompt (or messages) and assert',
  'missing-case-name': 'give every case a `name`: it is how the report refers to it',
  'invalid-case-name': 'write the name as text',
  'duplicate-case-name': 'give every case its own name: the report refers to cases by name',
  'missing-prompt': 'add `prompt: "..."` (one user message, after defaults.system) or `messages: [{role, content}, ...]`',
  'prompt-and-messages': 'keep one: `prompt` for a single user message, `messages` for a whole conversation',
  'invalid-prompt': 'write the prompt as text',
  'invalid-messages': 'messages is a list of {role: system|developer|user|assistant, content: text}',
  'invalid-assertions': 'assert is a list of checks, each {type, value}',
  'invalid-assertion': 'each check is a mapping {type, value}',
  'missing-check-type': `add \`type\`: one of ${CHECK_TYPES.join(', ')}`,
  'missing-check-value': 'add `value`: the text, pattern, number or JSON Schema the check compares with',
  'unexpected-check-value': 'remove `value`; to check the answer against a JSON Schema use `json-schema`',
  'invalid-check-value': 'text checks take text; min-length and max-length a whole number of characters; max-latency-ms a number of milliseconds',
  'empty-check-value': 'write the text to look for, or remove the check',
  'invalid-regex': 'write a JavaScript regular expression without the surrounding slashes; in YAML, quote it with single quotes so backslashes stay as written',
  'unsupported-regex':
    'patterns run on RE2, in time linear in the answer: rewrite without backreferences (\\1, \\k<name>) and lookarounds ((?=, (?!, (?<=, (?<!), as the message says; (?i) makes a pattern case-insensitive',
  'invalid-json-schema': 'write the schema as a mapping (JSON Schema draft-07 by default; set `$schema` for 2019-09 or 2020-12); unknown keywords are refused so that a typo does not match everything',
  'suite-syntax-error': 'fix the YAML (or JSON) syntax at this line',
  'empty-suite-file': 'write a suite: see examples/smoke.yml',
};

function valueAt(data: unknown, path: readonly PathSeg[]): unknown {
  let v = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PathSeg, unknown>)[seg];
  }
  return v;
}

function codeFor(issue: z.core.$ZodIssue, path: readonly PathSeg[], data: unknown): string {
  const p = path;
  const custom = issue.code === 'custom' ? (issue.params as { code?: string } | undefined)?.code : undefined;
  if (custom) return custom;
  if (issue.code === 'unrecognized_keys') return 'unknown-field';
  const missing = issue.code === 'invalid_type' && valueAt(data, p) === undefined;
  if (p.length === 0) return 'invalid-suite';
  if (p[0] === 'threshold') return 'invalid-threshold';
  if (p[0] === 'defaults') return 'invalid-defaults';
  if (p[0] === 'description') return 'invalid-suite';
  if (p[0] === 'cases') {
    if (p.length === 1) return missing ? 'missing-cases' : issue.code === 'too_small' ? 'empty-cases' : 'invalid-cases';
    if (p.length === 2) return 'invalid-case';
    const field = p[2];
    if (field === 'name') return missing ? 'missing-case-name' : 'invalid-case-name';
    if (field === 'prompt') return 'invalid-prompt';
    if (field === 'messages') return 'invalid-messages';
    if (field === 'assert') {
      if (p.length === 3) return 'invalid-assertions';
      if (p.length === 4) return 'invalid-assertion';
      if (p[4] === 'type') return missing ? 'missing-check-type' : 'invalid-assertion';
      return 'invalid-check-value';
    }
    return 'invalid-case';
  }
  return 'invalid-suite';
}

/**
 * Parse and validate a suite. `file` is the path as given (it goes into diagnostics). A `.json`
 * file is read the same way: JSON is YAML, so lines are located for both.
 */
export function parseSuite(text: string, file: string): ParsedSuite {
  const diagnostics: Diagnostic[] = [];
  const lc = new LineCounter();
  const lineOf = (node: Node | null | undefined): number | null => (node?.range ? lc.linePos(node.range[0]).line : null);
  const diag = (code: string, line: number | null, path: readonly PathSeg[], message: string, hint = HINTS[code] ?? '', severity: Diagnostic['severity'] = 'error') =>
    diagnostics.push({ code, severity, file, line, path: pathText(path), message, hint });

  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    for (const e of doc.errors) {
      const line = e.linePos?.[0]?.line ?? lc.linePos(e.pos[0]).line;
      const duplicate = e.code === 'DUPLICATE_KEY';
      diag(
        'suite-syntax-error',
        line,
        [],
        duplicate ? 'a key appears twice in the same mapping' : e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''),
        duplicate ? 'keep one of the two keys' : HINTS['suite-syntax-error'],
      );
    }
    return { suite: null, diagnostics };
  }
  if (doc.contents === null || (isScalar(doc.contents) && (doc.contents.value === null || doc.contents.value === ''))) {
    diag('empty-suite-file', 1, [], 'the suite file is empty');
    return { suite: null, diagnostics };
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    diag('suite-syntax-error', 1, [], err instanceof Error ? err.message : String(err));
    return { suite: null, diagnostics };
  }

  const parsed = SuiteSchema.safeParse(data);
  if (!parsed.success) {
    for (const iss of parsed.error.issues) {
      const path = iss.path.filter((s): s is PathSeg => typeof s !== 'symbol');
      const code = codeFor(iss, path, data);
      if (iss.code === 'unrecognized_keys') {
        for (const key of iss.keys) {
          const near = closest(key, fieldsFor(path));
          const where = path.length ? ` in ${pathText(path)}` : '';
          diag(
            code,
            lineOf(keyAt(doc, path, key)) ?? lineOf(nodeAt(doc, path)),
            [...path, key],
            `unknown field "${key}"${where}`,
            near ? `did you mean "${near}"? Fields here: ${fieldsFor(path).join(', ')}` : `fields here: ${fieldsFor(path).join(', ')}`,
          );
        }
        continue;
      }
      const params = (iss.code === 'custom' ? iss.params : undefined) as { type?: string; first?: number } | undefined;
      let message = iss.message;
      let hint = HINTS[code] ?? '';
      if (code === 'unknown-check-type' && params?.type !== undefined) {
        const t = params.type;
        const near = closest(t, CHECK_TYPES);
        hint = NOT_SUPPORTED.test(t) ? `finetune-ci does not run "${t}" checks; it runs: ${CHECK_TYPES.join(', ')}` : `${near ? `did you mean "${near}"? ` : ''}check types: ${CHECK_TYPES.join(', ')}`;
      }
      if (code === 'duplicate-case-name' && params?.first !== undefined) {
        const firstLine = lineOf(nodeAt(doc, ['cases', params.first, 'name']));
        if (firstLine !== null) message += ` (first at line ${firstLine})`;
      }
      diag(code, lineOf(nodeAt(doc, path)), path, message, hint);
    }
    return { suite: null, diagnostics: byLine(diagnostics) };
  }

  const suite = build(parsed.data, file, (path) => lineOf(nodeAt(doc, path)));
  suite.cases.forEach((c, i) => {
    if (c.assert.length === 0) {
      diag(
        'case-without-checks',
        c.line,
        ['cases', i],
        `case "${c.name}" has no checks: it passes whenever the model answers`,
        'add `assert:` with at least one check, e.g. { type: max-length, value: 500 }',
        'warning',
      );
    }
  });
  return { suite, diagnostics };
}

function build(raw: Raw, file: string, lineAt: (path: PathSeg[]) => number | null): SmokeSuite {
  const defaults: SmokeDefaults = { ...(raw.defaults ?? {}) };
  const cases: SmokeCase[] = raw.cases.map((c, i) => {
    let messages: ChatMessage[];
    if (c.prompt !== undefined) {
      messages = defaults.system !== undefined ? [{ role: 'system', content: defaults.system }] : [];
      messages.push({ role: 'user', content: c.prompt });
    } else {
      messages = (c.messages ?? []).map((m) => ({ role: m.role, content: m.content }));
      const hasSystem = messages[0]?.role === 'system' || messages[0]?.role === 'developer';
      if (defaults.system !== undefined && !hasSystem) messages.unshift({ role: 'system', content: defaults.system });
    }
    const assert: Assertion[] = (c.assert ?? []).map((a, j) => {
      const type = a.type as CheckType;
      const base = type.replace(/^not-/, '');
      const value = STRING_VALUE.has(base) && a.value !== undefined && a.value !== null ? String(a.value) : (a.value ?? undefined);
      const out: Assertion = { type, line: lineAt(['cases', i, 'assert', j]) };
      if (value !== undefined) out.value = value;
      return out;
    });
    return { name: c.name, messages, assert, line: lineAt(['cases', i]) };
  });
  const suite: SmokeSuite = {
    file,
    defaults,
    threshold: raw.threshold ?? 1,
    thresholdSet: raw.threshold !== undefined,
    cases,
  };
  if (raw.description !== undefined) suite.description = raw.description;
  return suite;
}

/**
 * Read and parse a suite file; a missing or unreadable file is a diagnostic too. With
 * `workspace`, `path` is resolved inside it first (relative paths from it): a path or committed
 * symbolic link that leads outside it or into .git, or that is not a regular file, is refused
 * (`unsafe-path`) without a word about where it leads.
 */
export async function readSuite(path: string, opts: { workspace?: string } = {}): Promise<ParsedSuite> {
  const refused = (code: string, message: string): ParsedSuite => ({
    suite: null,
    diagnostics: [
      {
        code,
        severity: 'error',
        file: path,
        line: null,
        path: '',
        message,
        hint: "check the `smoke-tests` input or the target's smoke_tests (a path relative to the repository root, to a regular file in it)",
      },
    ],
  });
  let real = path;
  if (opts.workspace !== undefined) {
    const c = await confine(opts.workspace, path);
    if (!c.ok) {
      return c.problem === 'missing'
        ? refused('suite-not-found', `no smoke suite at ${path}`)
        : refused('unsafe-path', `the smoke suite ${path} ${c.reason}; finetune-ci reads only regular files inside the repository`);
    }
    real = c.path;
  }
  let text: string;
  try {
    text = await readFile(real, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return refused('suite-not-found', code === 'ENOENT' ? `no smoke suite at ${path}` : `cannot read the smoke suite ${path}${code ? ` (${code})` : ''}`);
  }
  return parseSuite(text, path);
}
