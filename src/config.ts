/**
 * Every action input and the config file, parsed once with zod into typed settings. Errors
 * name the input or key (with its line in the config file) and say how to fix it.
 * Only main.ts reads inputs: it hands `parseSettings` a lookup function.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, isMap, isPair, isScalar, type Node as YamlNode } from 'yaml';
import { RE2JS } from 're2js';
import { z } from 'zod';
import { ENCODINGS } from './catalog/index.js';
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

const ConfigSchema = z.strictObject({
  targets: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/, { error: 'target names use letters, digits, _ . -' }), TargetSchema),
  datasets: z.union([z.string(), z.array(z.string())]).optional(),
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
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

export interface FileConfig {
  targets: Record<string, z.infer<typeof TargetSchema>>;
  datasets?: string | string[];
}

export function parseConfigText(text: string, path: string): FileConfig {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0]?.line ?? null;
    const message = `not valid YAML: ${e.message.split('\n')[0]}`;
    throw new ConfigError(`${path}${line ? `:${line}` : ''}: ${message}`, [{ file: path, line, key: '', message }]);
  }
  const data = doc.toJS();
  const r = ConfigSchema.safeParse(data ?? {});
  if (!r.success) {
    const problems: ConfigProblem[] = r.error.issues.slice(0, 5).map((i) => {
      let keyPath: PropertyKey[] = [...i.path];
      let msg = i.message;
      if (i.code === 'unrecognized_keys') {
        msg = `unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.join(', ')}; known keys: ${
          i.path.length === 0 ? 'targets, datasets' : i.path.length === 2 ? Object.keys(TargetSchema.shape).join(', ') : Object.keys(HyperparametersSchema.shape).join(', ')
        }`;
        // Point at the (first) unknown key itself, not at the map that holds it.
        keyPath = [...i.path, i.keys[0]!];
      } else if (i.code === 'invalid_key') {
        // zod reports "Invalid key in record" and keeps the regex's message one level down.
        const name = String(i.path[i.path.length - 1]);
        msg = `target name "${name}" is not allowed: target names use letters, digits, _ . - (e.g. "${name.replace(/[^A-Za-z0-9_.-]+/g, '-')}")`;
      } else if (i.code === 'invalid_type' || i.code === 'invalid_value') {
        // zod does not report the input by default: look the value up (absent means missing).
        const value = valueAt(data, i.path);
        msg = msg.replace(/^Invalid input: /, '');
        msg = value === undefined ? `missing: ${msg}` : `${msg}, got ${JSON.stringify(value)?.slice(0, 60) ?? String(value)}`;
      }
      const key = keyPath.map(String).join('.');
      return { file: path, line: lineOf(doc, counter, keyPath), key, message: `${key || '(top level)'}: ${msg}` };
    });
    throw new ConfigError(problems.map((p) => `${path}${p.line ? `:${p.line}` : ''}: ${p.message}`).join('\n'), problems);
  }
  return r.data;
}

// ------------------------------------------------------------------ all together

export async function parseSettings(get: InputLookup, readText: (p: string) => Promise<string | null> = readOptional): Promise<Settings> {
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
  let datasets = (get('datasets').trim() || '**/*.jsonl').split(/[\n,]/).map((s) => s.trim()).filter(Boolean);
  if (text !== null) {
    const file = parseConfigText(text, configPath);
    if (file.datasets && !get('datasets').trim()) datasets = Array.isArray(file.datasets) ? file.datasets : [file.datasets];
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

/** A file's text, or null when it does not exist; any other failure is a ConfigError. */
export async function readOptional(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ConfigError(`cannot read ${path}: ${(e as Error).message}`);
  }
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
        re += `(?:${glob.slice(i + 1, end).split(',').map((s) => s.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')).join('|')})`;
        i = end;
      }
    } else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return RE2JS.compile(`^${re}$`);
}

export function matchesAny(path: string, globs: readonly string[]): boolean {
  return globs.some((g) => globToRegExp(g).test(path));
}
