/**
 * Every action input and the config file, parsed once with zod into typed settings. Errors
 * name the input or key (with its line in the config file) and say how to fix it.
 * Only main.ts reads inputs: it hands `parseSettings` a lookup function.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, isMap, isPair, isScalar, visit, type Node as YamlNode } from 'yaml';
import { RE2JS } from 're2js';
import { z } from 'zod';
import { ENCODINGS } from './catalog/index.js';
import { confine } from './paths.js';
import { PROVIDER_NAMES, PROVIDERS, type ConnectionField, type ProviderName, type ProviderSettings } from './providers/registry.js';
import { METHODS, type Hyperparameters, type Method } from './types.js';

/** Where in a config file a problem is: the runner annotates that line. */
export interface ConfigProblem {
  file: string;
  line: number | null;
  /** The dotted key (e.g. `targets.support.max_cost`), or "" for the whole file. */
  key: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(
    message: string,
    /** Located problems in the config file (empty for input errors). */
    readonly problems: ConfigProblem[] = [],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

export type Mode = 'auto' | 'check' | 'train' | 'smoke';
export type Provider = ProviderName;

export type { Hyperparameters } from './types.js';

export interface TargetConfig {
  name: string;
  trainingFile: string;
  validationFile?: string;
  model: string;
  /** null: follow the data. */
  method: Method | null;
  hyperparameters: Hyperparameters;
  suffix?: string;
  smokeTests?: string;
  maxCost?: number;
  pricePerMillion?: number;
  trainingContext?: number;
  encoding?: (typeof ENCODINGS)[number];
  provider: Provider;
  /** Declared in the config file (true) or made from inputs / a changed file (false). */
  declared: boolean;
  /** Where the config file declares it (config targets only), for located errors. */
  lines?: TargetLines;
}

export interface Settings {
  mode: Mode;
  configPath: string;
  configFound: boolean;
  targets: TargetConfig[];
  /** Defaults for datasets no target names. */
  defaults: Omit<TargetConfig, 'name' | 'trainingFile' | 'declared'>;
  datasets: string[];
  failOn: 'error' | 'warning' | 'never';
  maxCostIncrease?: number;
  comment: boolean;
  commentId: string;
  githubToken: string;
  /** Credentials per provider; `connection()` picks the one a target needs. */
  credentials: Record<Provider, Partial<Record<ConnectionField, string>>>;
  train: {
    /** The OpenAI key and base URL (kept for the OpenAI-only paths). */
    apiKey: string;
    baseUrl?: string;
    wait: boolean;
    timeoutMinutes: number;
    pollIntervalSeconds: number;
    jobId?: string;
    cancelOnAbort: boolean;
    uploadPartThresholdMb: number;
    seed?: number;
    resumeOnly: boolean;
  };
  smoke: {
    tests?: string;
    model?: string;
    compare: string;
    concurrency: number;
    threshold?: number;
  };
}

export type InputLookup = (name: string) => string;

/** Datasets checked when changed, unless the `datasets` input or the config's `datasets:` says otherwise. */
export const DEFAULT_DATASETS = '**/*.jsonl';

// ------------------------------------------------------------------ inputs

function issueText(e: z.ZodError): string {
  return e.issues.map((i) => i.message).join('; ');
}

const autoOr = (n: z.ZodType<number>) => z.union([z.literal('auto'), n]);
const positiveNumber = z.coerce.number().finite().positive();
const nonNegative = z.coerce.number().finite().min(0);
const positiveInt = z.coerce.number().int().positive();

function parseInput<T>(name: string, raw: string, schema: z.ZodType<T>, fix: string): T {
  const r = schema.safeParse(raw);
  if (!r.success) throw new ConfigError(`input ${name}: "${raw}" is not valid (${issueText(r.error)}); ${fix}`);
  return r.data;
}

function optional<T>(get: InputLookup, name: string, schema: z.ZodType<T>, fix: string): T | undefined {
  const raw = get(name).trim();
  return raw === '' ? undefined : parseInput(name, raw, schema, fix);
}

function bool(get: InputLookup, name: string, dflt: boolean): boolean {
  const raw = get(name).trim().toLowerCase();
  if (raw === '') return dflt;
  if (['true', 'yes', 'on', '1'].includes(raw)) return true;
  if (['false', 'no', 'off', '0'].includes(raw)) return false;
  throw new ConfigError(`input ${name}: "${raw}" is not a boolean; use true or false`);
}

function oneOf<T extends string>(get: InputLookup, name: string, values: readonly T[], dflt: T): T {
  const raw = get(name).trim();
  if (raw === '') return dflt;
  if (!values.includes(raw as T)) throw new ConfigError(`input ${name}: "${raw}" is not one of ${values.join(', ')}`);
  return raw as T;
}

function methodInput(get: InputLookup): Method | null {
  const raw = get('method').trim();
  if (raw === '' || raw === 'auto') return null;
  if (!METHODS.includes(raw as Method)) throw new ConfigError(`input method: "${raw}" is not one of auto, ${METHODS.join(', ')}`);
  return raw as Method;
}

// ------------------------------------------------------------------ config file

const num = (what: string) => z.number({ error: `expected ${what}` });

const HyperparametersSchema = z.strictObject({
  n_epochs: autoOr(num('a whole number of epochs').int().min(1).max(50)).optional(),
  batch_size: autoOr(num('a batch size').int().min(1).max(256)).optional(),
  learning_rate_multiplier: autoOr(num('a learning rate multiplier').positive().max(10)).optional(),
  beta: autoOr(num('a DPO beta').positive().max(2)).optional(),
});

const TargetSchema = z.strictObject({
  training_file: z.string({ error: 'expected the path of the training JSONL file' }).min(1),
  validation_file: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  method: z.enum(['auto', ...METHODS], { error: `expected one of auto, ${METHODS.join(', ')}` }).optional(),
  hyperparameters: HyperparametersSchema.optional(),
  suffix: z.string().max(64, { error: 'at most 64 characters' }).optional(),
  smoke_tests: z.string().min(1).optional(),
  max_cost: num('a cost in USD').min(0).optional(),
  price_per_million: num('a price in USD per 1M tokens').min(0).optional(),
  training_context: num('a number of tokens').int().positive().optional(),
  encoding: z.enum(ENCODINGS as [string, ...string[]]).optional(),
  provider: z.enum(PROVIDER_NAMES).optional(),
});

const TARGET_NAME = /^[A-Za-z0-9_.-]+$/;

/** The top level; `targets` is checked entry by entry below (a zod record would drop `__proto__`). */
const ConfigSchema = z.strictObject({
  targets: z.custom<Record<string, unknown>>((v) => v !== null && typeof v === 'object' && !Array.isArray(v), {
    error: 'expected a mapping of target names to targets',
  }),
  datasets: z.union([z.string(), z.array(z.string())], { error: 'expected a glob or a list of globs' }).optional(),
});

/** Line of a YAML node at a path, for error messages. */
function lineOf(doc: ReturnType<typeof parseDocument>, counter: LineCounter, path: readonly PropertyKey[]): number | null {
  let node: unknown = doc.contents;
  let last: YamlNode | null = (node as YamlNode) ?? null;
  for (const key of path) {
    if (!isMap(node)) break;
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key));
    if (!pair) break;
    last = (pair.key as YamlNode) ?? last;
    node = pair.value;
    if (node && (node as YamlNode).range) last = pair.key as YamlNode;
  }
  const offset = last?.range?.[0];
  return offset === undefined ? null : counter.linePos(offset).line;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const p of path) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, p)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/** What a config value is, for "got …" (never JSON of a whole mapping: aliases can make it cyclic). */
function describeValue(v: unknown): string {
  if (v === null) return 'null (an empty value)';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return '.nan (not a finite number)';
    if (!Number.isFinite(v)) return `${v > 0 ? '' : '-'}.inf (not a finite number)`;
    return String(v);
  }
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 59)}…` : v);
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Date) return `a date (${Number.isNaN(v.getTime()) ? 'invalid' : v.toISOString().slice(0, 10)}); quote it to make it text`;
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

/** A target as the config file declares it, validated. */
export type FileTarget = z.infer<typeof TargetSchema>;

/** Lines in the config file of a target and of its path keys (for located errors). */
export interface TargetLines {
  target: number | null;
  training_file: number | null;
  validation_file: number | null;
  smoke_tests: number | null;
}

export interface FileConfig {
  /** By target name, in file order. Prototype-free: any name is a plain key (`__proto__` too). */
  targets: Record<string, FileTarget>;
  /** Where each target and its paths are, by target name (prototype-free too). */
  lines: Record<string, TargetLines>;
  datasets?: string | string[];
}

interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
}

export function parseConfigText(text: string, path: string): FileConfig {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true });
  const fail = (line: number | null, message: string, key = ''): never => {
    throw new ConfigError(`${path}${line ? `:${line}` : ''}: ${message}`, [{ file: path, line, key, message }]);
  };
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    fail(e.linePos?.[0]?.line ?? null, `not valid YAML: ${e.message.split('\n')[0]}`);
  }
  let data: unknown;
  try {
    // yaml refuses to expand more than 100 aliases (a "billion laughs" file) with a ReferenceError.
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    let first: number | null = null;
    visit(doc, {
      Alias(_, node) {
        if (node.range) first = counter.linePos(node.range[0]).line;
        return visit.BREAK;
      },
    });
    const aliases = /alias/i.test((e as Error).message);
    fail(
      first,
      aliases ? 'not a usable config: its YAML aliases (*name) expand too many times; write the values out instead of nesting aliases' : `not a usable config: ${(e as Error).message.split('\n')[0]}`,
    );
  }
  const issues: Issue[] = [];
  const top = ConfigSchema.safeParse(data ?? {});
  if (!top.success) issues.push(...top.error.issues.map((i) => ({ code: i.code, path: [...i.path], message: i.message, keys: 'keys' in i ? (i.keys as string[]) : undefined })));
  const targets = Object.create(null) as Record<string, FileTarget>;
  const lines = Object.create(null) as Record<string, TargetLines>;
  if (top.success) {
    for (const [name, raw] of Object.entries(top.data.targets)) {
      if (!TARGET_NAME.test(name)) {
        issues.push({ code: 'invalid_key', path: ['targets', name], message: 'target names use letters, digits, _ . -' });
        continue;
      }
      const r = TargetSchema.safeParse(raw);
      if (!r.success) {
        issues.push(...r.error.issues.map((i) => ({ code: i.code, path: ['targets', name, ...i.path], message: i.message, keys: 'keys' in i ? (i.keys as string[]) : undefined })));
        continue;
      }
      targets[name] = r.data;
      const at = (key?: string) => lineOf(doc, counter, key ? ['targets', name, key] : ['targets', name]);
      lines[name] = { target: at(), training_file: at('training_file'), validation_file: at('validation_file'), smoke_tests: at('smoke_tests') };
    }
  }
  if (issues.length) {
    const problems: ConfigProblem[] = issues.slice(0, 5).map((i) => {
      let keyPath: PropertyKey[] = [...i.path];
      let msg = i.message;
      if (i.code === 'unrecognized_keys' && i.keys?.length) {
        msg = `unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.join(', ')}; known keys: ${
          i.path.length === 0 ? 'targets, datasets' : i.path.length === 2 ? Object.keys(TargetSchema.shape).join(', ') : Object.keys(HyperparametersSchema.shape).join(', ')
        }`;
        // Point at the (first) unknown key itself, not at the map that holds it.
        keyPath = [...i.path, i.keys[0]!];
      } else if (i.code === 'invalid_key') {
        const name = String(i.path[i.path.length - 1]);
        msg = `target name ${JSON.stringify(name.length > 60 ? `${name.slice(0, 59)}…` : name)} is not allowed: target names use letters, digits, _ . - (e.g. "${name.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 60)}")`;
      } else if (i.code === 'invalid_type' || i.code === 'invalid_value' || i.code === 'invalid_union' || i.code === 'custom') {
        // zod does not report the input by default: look the value up (absent means missing).
        const value = valueAt(data, i.path);
        msg = msg.replace(/^Invalid input: /, '');
        msg = value === undefined ? `missing: ${msg}` : `${msg}, got ${describeValue(value)}`;
      }
      const key = keyPath.map(String).join('.');
      return { file: path, line: lineOf(doc, counter, keyPath), key, message: `${key || '(top level)'}: ${msg}` };
    });
    throw new ConfigError(problems.map((p) => `${path}${p.line ? `:${p.line}` : ''}: ${p.message}`).join('\n'), problems);
  }
  const out: FileConfig = { targets, lines };
  if (top.success && top.data.datasets !== undefined) out.datasets = top.data.datasets;
  return out;
}

// ------------------------------------------------------------------ all together

export async function parseSettings(get: InputLookup, readText: (p: string) => Promise<string | null> = configReader(process.env.GITHUB_WORKSPACE ?? process.cwd())): Promise<Settings> {
  const mode = oneOf(get, 'mode', ['auto', 'check', 'train', 'smoke'] as const, 'auto');
  const configPath = get('config').trim() || '.github/finetune-ci.yml';
  const provider = oneOf(get, 'provider', PROVIDER_NAMES, 'openai');
  const nEpochs = optional(get, 'n-epochs', autoOr(positiveInt.max(50)), 'use auto or a whole number from 1 to 50');
  const defaults: Settings['defaults'] = {
    // The default model follows the provider (each registry entry names one).
    model: get('model').trim() || PROVIDERS[provider].defaultModel,
    method: methodInput(get),
    hyperparameters: {
      n_epochs: nEpochs,
      batch_size: optional(get, 'batch-size', autoOr(positiveInt.max(256)), 'use auto or a whole number'),
      learning_rate_multiplier: optional(get, 'learning-rate-multiplier', autoOr(positiveNumber), 'use auto or a positive number'),
      beta: optional(get, 'beta', autoOr(positiveNumber), 'use auto or a positive number'),
    },
    suffix: get('suffix').trim() || undefined,
    smokeTests: get('smoke-tests').trim() || undefined,
    maxCost: optional(get, 'max-cost', nonNegative, 'use a cost in USD, e.g. 25'),
    pricePerMillion: optional(get, 'price-per-million', nonNegative, 'use a price in USD per 1M tokens, e.g. 5'),
    provider,
  };
  if (defaults.suffix && defaults.suffix.length > 64) throw new ConfigError('input suffix: at most 64 characters');

  const text = await readText(configPath);
  const explicitConfig = get('config').trim() !== '';
  if (text === null && explicitConfig) {
    throw new ConfigError(`input config: ${configPath} does not exist; create it or remove the input`);
  }
  const targets: TargetConfig[] = [];
  // An explicit input wins, else the config file's `datasets:`, else every JSONL file.
  const globs = (v: string | string[]) => (Array.isArray(v) ? v : v.split(/[\n,]/)).map((g) => g.trim()).filter(Boolean);
  const input = globs(get('datasets'));
  let datasets: string[] | undefined = input.length ? input : undefined;
  if (text !== null) {
    const file = parseConfigText(text, configPath);
    // `datasets: []` in the file is a choice too: only the declared targets are checked.
    if (datasets === undefined && file.datasets !== undefined) datasets = globs(file.datasets);
    for (const [name, t] of Object.entries(file.targets)) {
      targets.push({
        name,
        trainingFile: t.training_file,
        validationFile: t.validation_file,
        model: t.model ?? (get('model').trim() || PROVIDERS[(t.provider as Provider | undefined) ?? provider].defaultModel),
        method: t.method === undefined ? defaults.method : t.method === 'auto' ? null : (t.method as Method),
        hyperparameters: { ...defaults.hyperparameters, ...(t.hyperparameters ?? {}) },
        suffix: t.suffix ?? defaults.suffix,
        smokeTests: t.smoke_tests ?? defaults.smokeTests,
        maxCost: t.max_cost ?? defaults.maxCost,
        pricePerMillion: t.price_per_million ?? defaults.pricePerMillion,
        trainingContext: t.training_context,
        encoding: t.encoding as TargetConfig['encoding'],
        provider: (t.provider as Provider | undefined) ?? provider,
        declared: true,
        lines: file.lines[name],
      });
    }
  } else if (get('training-file').trim()) {
    targets.push({
      ...defaults,
      name: 'default',
      trainingFile: get('training-file').trim(),
      validationFile: get('validation-file').trim() || undefined,
      declared: true,
    });
  }

  datasets ??= [DEFAULT_DATASETS];

  return {
    mode,
    configPath,
    configFound: text !== null,
    targets,
    defaults,
    datasets,
    failOn: oneOf(get, 'fail-on', ['error', 'warning', 'never'] as const, 'error'),
    maxCostIncrease: optional(get, 'max-cost-increase', nonNegative, 'use a cost in USD, e.g. 5'),
    comment: bool(get, 'comment', true),
    commentId: get('comment-id').trim() || 'default',
    githubToken: get('github-token').trim(),
    credentials: credentialsFrom(get),
    train: {
      apiKey: get('openai-api-key').trim(),
      baseUrl: get('openai-base-url').trim() || undefined,
      wait: bool(get, 'wait', true),
      timeoutMinutes: optional(get, 'timeout-minutes', positiveNumber, 'use minutes, e.g. 330 or 0.1') ?? 330,
      pollIntervalSeconds: optional(get, 'poll-interval', positiveNumber, 'use seconds, e.g. 30') ?? 30,
      jobId: get('job-id').trim() || undefined,
      cancelOnAbort: bool(get, 'cancel-on-abort', false),
      uploadPartThresholdMb: optional(get, 'upload-part-threshold-mb', positiveNumber, 'use megabytes, e.g. 512') ?? 512,
      seed: optional(get, 'seed', z.coerce.number().int().min(0), 'use a whole number'),
      resumeOnly: false,
    },
    smoke: {
      tests: defaults.smokeTests,
      model: get('smoke-model').trim() || undefined,
      compare: get('smoke-compare').trim() || 'base',
      concurrency: optional(get, 'smoke-concurrency', positiveInt.max(64), 'use a whole number from 1 to 64') ?? 4,
      threshold: optional(get, 'smoke-threshold', z.coerce.number().min(0).max(1), 'use a pass rate from 0 to 1'),
    },
  };
}

/** Each provider's connection fields, from the inputs its registry entry declares. */
function credentialsFrom(get: InputLookup): Settings['credentials'] {
  const out = {} as Settings['credentials'];
  for (const name of PROVIDER_NAMES) {
    const fields: Partial<Record<ConnectionField, string>> = {};
    for (const i of PROVIDERS[name].inputs) {
      const v = get(i.input).trim();
      if (v) fields[i.field] = v;
    }
    out[name] = fields;
  }
  return out;
}

/** How to reach a provider: its credentials from the inputs, for `createProvider`. */
export function connection(s: Pick<Settings, 'credentials'>, name: Provider): ProviderSettings {
  return { ...s.credentials[name], name };
}

/**
 * Reads config files from `workspace`: a file's text, or null when it does not exist. A path
 * (or a committed symbolic link) that leads outside the workspace or into .git, or that is not a
 * regular file, is a located ConfigError that says nothing of where it leads.
 */
export function configReader(workspace: string): (path: string) => Promise<string | null> {
  return async (path) => {
    const c = await confine(workspace, path);
    if (!c.ok) {
      if (c.problem === 'missing') return null;
      const message = `the config file ${c.reason}; finetune-ci reads its config only from a regular file inside the repository`;
      throw new ConfigError(`${path}: ${message}`, [{ file: path, line: null, key: '', message }]);
    }
    try {
      return await readFile(c.path, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return null;
      throw new ConfigError(`cannot read ${path}${code ? ` (${code})` : ''}`);
    }
  };
}

/**
 * A tiny glob matcher for dataset patterns: `**`, `*`, `?` and `{a,b}`. Compiled for RE2
 * (`re2js`): a config's globs meet file names a pull request chooses, and a backtracking engine
 * takes seconds to hours on `*a*a*a*a*a*a*b` against a 50-character name; RE2 is linear.
 */
export function globToRegExp(glob: string): { test(path: string): boolean } {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++;
        if (glob[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end === -1) re += '\\{';
      else {
        re += `(?:${glob
          .slice(i + 1, end)
          .split(',')
          .map((s) => s.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
          .join('|')})`;
        i = end;
      }
    } else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return RE2JS.compile(`^${re}$`);
}

export function matchesAny(path: string, globs: readonly string[]): boolean {
  return globs.some((g) => globToRegExp(g).test(path));
}
