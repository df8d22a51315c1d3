/**
 * A training target: a training file (and maybe a validation file) for one model and method.
 * Checks both files, adds what the model and provider say (method support, shutdown dates,
 * unknown prices), and prices the run.
 */
import { ALIASES, CATALOG, PROFILES, TOKENIZER_PINS, findModel, forMethod, modelNotices, resolveModel, type ModelOverrides, type ModelProfile, type ValidationProfile } from '../catalog/index.js';
import { CLOSED_LIST_PROVIDERS, modelFit, nearestIds } from '../catalog/fit.js';
import { estimate, type Estimate } from '../estimate.js';
import type { CacheStore } from '../cache/store.js';
import { wordsDigest } from '../cache/fingerprint.js';
import { checkFile, methodForFormat, type FileCheckOptions, type FileReport } from './check.js';
import { KeyMap } from './keys.js';
import type { Diagnostic, Method } from './types.js';
import type { WorkerOptions } from './workers.js';
import { hubOptionsFromEnv, resolveTokenizer, type HubOptions } from '../tokenizers/hub.js';
import { refFor, type OpenTokenizerRef } from '../tokenizers/open.js';

export interface TargetSpec {
  name: string;
  trainingFile: string;
  validationFile?: string;
  model: string;
  /** null: follow the data. */
  method: Method | null;
  epochs: number | 'auto';
  overrides?: ModelOverrides;
  provider?: ValidationProfile['name'];
  /** Overrides the profile's minimum number of examples. */
  minExamples?: number;
  maxCost?: number;
}

export interface TargetReport {
  name: string;
  model: ModelProfile;
  requestedModel: string;
  method: Method;
  profile: ValidationProfile;
  training: FileReport;
  validation: FileReport | null;
  /** Model and provider notices (shutdown dates, method support, unknown prices). */
  notices: Diagnostic[];
  estimate: Estimate;
  errors: number;
  warnings: number;
  /** The estimate is above `maxCost`. */
  overBudget: boolean;
  maxCost: number | null;
  /** The open model's own tokenizer the counts used (exact), or null (the stand-in encoding). */
  tokenizer: { label: string; repo: string; revision: string; downloaded: string[]; notes: string } | null;
}

/**
 * Model and platform notices (shutdown dates, job-creation closure): said once per run in their
 * own section, never as warnings of each file. An error among them (a model already shut down,
 * job creation closed for everyone) still fails the check.
 */
export const NOTICE_CODES: ReadonlySet<string> = new Set(['model-shut-down', 'model-shutdown-soon', 'provider-closing', 'provider-closed']);

export function isNotice(d: Pick<Diagnostic, 'code'>): boolean {
  return NOTICE_CODES.has(d.code);
}

export interface CheckRunOptions {
  today: string;
  keepDiagnostics?: number;
  workers?: WorkerOptions;
  onProgress?: (file: string, bytesRead: number, totalBytes: number) => void;
  /** Where open models' tokenizers are cached and fetched from (default: from the environment). */
  hub?: HubOptions;
  /** Results by content (src/cache); none: every line is analysed. */
  cache?: CacheStore;
  /** By the spec's file path: its git blob id when known, and where to read it when not on disk. */
  files?: Record<string, { blob?: string | null; source?: FileCheckOptions['source'] }>;
}

export async function checkTarget(spec: TargetSpec, run: CheckRunOptions): Promise<TargetReport> {
  const resolved = resolveModel(spec.model, spec.overrides, spec.provider);
  // Limits that differ by method (Together: SFT vs DPO) follow the method asked for, else SFT's.
  let model = forMethod(resolved, spec.method ?? 'supervised');
  const base = PROFILES[spec.provider ?? 'openai'];
  const profile: ValidationProfile = spec.minExamples !== undefined ? { ...base, minExamples: spec.minExamples } : base;
  const notices: Diagnostic[] = [];
  const note = (n: Omit<Diagnostic, 'file' | 'line' | 'path'>) => notices.push({ ...n, file: spec.trainingFile, line: null, path: '' });
  // An open model's own tokenizer: from the cache, else downloaded once; else the stand-in.
  let tokenizer: OpenTokenizerRef | undefined;
  let tokenizerInfo: TargetReport['tokenizer'] = null;
  const pin = resolved.tokenizer ? TOKENIZER_PINS[resolved.tokenizer] : undefined;
  if (pin) {
    const hub = run.hub ?? hubOptionsFromEnv();
    const got = await resolveTokenizer(pin, hub);
    if (got.ok) {
      tokenizer = refFor(pin, got.files.dir);
      tokenizerInfo = { label: tokenizer.label, repo: pin.repo, revision: pin.revision, downloaded: got.files.downloaded, notes: pin.notes };
      note({
        code: 'exact-tokens',
        severity: 'info',
        message: `tokens counted with ${pin.repo}'s own tokenizer and chat template at revision ${pin.revision.slice(0, 12)} (${got.files.downloaded.length ? `downloaded now, cached in ${got.files.dir}` : 'from the cache'})`,
        hint: pin.notes,
      });
    } else {
      note({ code: got.code, severity: got.code === 'tokenizer-unavailable' ? 'info' : 'warning', message: `${got.message}; counts fall back to ${resolved.encoding}, approximate`, hint: got.hint });
    }
  }
  const exact = (m: ModelProfile): ModelProfile => (tokenizer ? { ...m, approximateTokens: false } : m);
  model = exact(model);
  const common = {
    method: spec.method,
    encoding: model.encoding,
    ...(tokenizer ? { tokenizer } : {}),
    profile,
    trainingContext: model.trainingContext,
    keepDiagnostics: run.keepDiagnostics,
    workers: run.workers,
  };
  const fileOpts = (path: string) => {
    const f = run.files?.[path];
    return { source: f?.source, cache: run.cache ? { store: run.cache, blob: f?.blob } : undefined };
  };
  const training = await checkFile(spec.trainingFile, {
    ...common,
    ...fileOpts(spec.trainingFile),
    role: 'training',
    onProgress: (n, total) => run.onProgress?.(spec.trainingFile, n, total),
  });
  const validation = spec.validationFile
    ? await checkFile(spec.validationFile, {
        ...common,
        ...fileOpts(spec.validationFile),
        role: 'validation',
        trainingHashes: KeyMap.of(training.keys.hash),
        trainingDigest: run.cache ? wordsDigest(training.keys.hash) : undefined,
        onProgress: (n, total) => run.onProgress?.(spec.validationFile!, n, total),
      })
    : null;
  const method = spec.method ?? methodForFormat(training.format);
  // Prices follow the method the data turned out to need.
  model = exact(forMethod(resolved, method));
  if (!model.methods.includes(method)) {
    note({
      code: 'method-not-supported',
      severity: 'error',
      message: `${spec.model} cannot be fine-tuned with method "${method}" (it supports: ${model.methods.join(', ') || 'none'})`,
      hint: 'choose another model or method',
    });
  }
  for (const n of modelNotices(model, run.today, spec.model)) note(n);
  if (model.trainingPricePerMillion === null) {
    note({
      code: 'price-unknown',
      severity: 'info',
      message: `the training price of ${spec.model} is unknown, so no cost is estimated`,
      hint: 'set price-per-million (action) or --price (CLI)',
    });
  }
  if (model.trainingContext === null) {
    note({
      code: 'context-unknown',
      severity: 'info',
      message: `the training context of ${spec.model} is unknown, so truncation is not estimated`,
      hint: "set --context (CLI) or the target's training_context",
    });
  }
  if (model.approximateTokens) {
    note({
      code: 'approximate-tokens',
      severity: 'info',
      message: `${spec.model}'s tokenizer is not shipped with finetune-ci: token counts use ${model.encoding} and are approximate`,
      hint: "set --encoding if you know the model's encoding",
    });
  }
  const est = estimate(training.examples, training.tokens.billable, model, spec.epochs);
  const maxCost = spec.maxCost ?? null;
  const overBudget = maxCost !== null && est.costUsd !== null && est.costUsd > maxCost;
  if (maxCost !== null && est.costUsd === null) {
    // A budget that cannot be checked must not pass silently.
    note({
      code: 'budget-unchecked',
      severity: 'error',
      message: `max-cost is $${maxCost}, but the training price of ${spec.model} is unknown, so the budget cannot be checked`,
      hint: 'set price-per-million (action or target) or --price (CLI), or remove max-cost',
    });
  }
  modelFitProblems(spec, model, training, validation, note);
  const count = (sev: Diagnostic['severity']) => notices.filter((n) => n.severity === sev).length;
  return {
    name: spec.name,
    model,
    requestedModel: spec.model,
    method,
    profile,
    training,
    validation,
    notices,
    estimate: est,
    errors: training.errors + (validation?.errors ?? 0) + count('error'),
    // Notice warnings are the run's, not the target's: a clean dataset has 0 warnings.
    warnings: training.warnings + (validation?.warnings ?? 0) + notices.filter((n) => n.severity === 'warning' && !isNotice(n)).length,
    overBudget,
    maxCost,
    tokenizer: tokenizerInfo,
  };
}

/** Add a whole-file diagnostic to a file's report, keeping its counts right. */
function addToFile(f: FileReport, d: Omit<Diagnostic, 'file' | 'path'> & { path?: string }): void {
  f.diagnostics.unshift({ path: '', ...d, file: f.path });
  if (d.severity === 'error') f.errors++;
  else if (d.severity === 'warning') f.warnings++;
  else f.infos++;
  const c = f.byCode.find((x) => x.code === d.code);
  if (c) c.count++;
  else f.byCode.push({ code: d.code, severity: d.severity, count: 1 });
}

const FORMAT_WORDS: Record<string, string> = {
  chat: 'chat data ({"messages": [...]})',
  completion: 'prompt/completion data ({"prompt": ..., "completion": ...})',
  dpo: 'preference (DPO) data',
  reinforcement: 'reinforcement data',
};

/**
 * What the provider would refuse at job creation, said in the check: a model id a closed-list
 * provider does not offer, data in a format the model does not take, images for a model without
 * vision fine-tuning, a validation file unlike its training file.
 */
function modelFitProblems(spec: TargetSpec, model: ModelProfile, training: FileReport, validation: FileReport | null, note: (n: Omit<Diagnostic, 'file' | 'line' | 'path'>) => void): void {
  const provider = spec.provider ?? 'openai';
  const inCatalog = findModel(spec.model, spec.provider) !== undefined;
  const o = spec.overrides ?? {};
  const described = o.encoding !== undefined || o.trainingContext !== undefined || o.pricePerMillion !== undefined;
  if (!inCatalog && CLOSED_LIST_PROVIDERS.includes(provider) && !described) {
    const ids = CATALOG.filter((m) => m.provider === provider).map((m) => m.id);
    const near = nearestIds(spec.model, provider === 'openai' ? [...ids, ...Object.keys(ALIASES)] : ids);
    note({
      code: 'unknown-model',
      severity: 'error',
      message: `${provider} does not offer "${spec.model}" for fine-tuning (its tunable models are a closed list)${near.length ? `; did you mean ${near.join(', ')}?` : ''}`,
      hint: 'fix the model id, or, for a model the catalog does not know yet, give its figures: price-per-million, encoding and training_context (CLI: --price, --encoding, --context)',
    });
  }
  const fit = modelFit(model, inCatalog);
  for (const f of [training, validation]) {
    if (!f || f.format === null) continue;
    const shape = f.format === 'completion' ? 'completion' : 'chat';
    if (!fit.formats.includes(shape)) {
      const takes = fit.formats.map((x) => FORMAT_WORDS[x]).join(' or ');
      addToFile(f, {
        code: 'format-does-not-fit-model',
        severity: 'error',
        line: null,
        message: `${spec.model} takes ${takes}, but the file is ${FORMAT_WORDS[f.format]}`,
        hint:
          shape === 'completion'
            ? 'convert each line to {"messages": [{"role": "user", "content": prompt}, {"role": "assistant", "content": completion}]}, or choose babbage-002 / davinci-002'
            : 'convert each example to one {"prompt": ..., "completion": ...} line, or choose a chat model (e.g. gpt-4.1-mini-2025-04-14)',
      });
    }
    if (f.stats.images > 0 && fit.vision === false) {
      addToFile(f, {
        code: 'images-not-supported',
        severity: 'error',
        line: null,
        message: `the file has ${f.stats.images.toLocaleString('en-US')} image${f.stats.images === 1 ? '' : 's'}, but ${spec.model} has no vision fine-tuning (${fit.source})`,
        hint: 'remove the images, or choose a model with vision fine-tuning (OpenAI: gpt-4o-2024-08-06)',
      });
    }
  }
  if (validation && validation.format !== null && training.format !== null && validation.format !== training.format) {
    addToFile(validation, {
      code: 'validation-format-mismatch',
      severity: 'error',
      line: null,
      message: `the validation file is ${FORMAT_WORDS[validation.format]}, but the training file is ${FORMAT_WORDS[training.format]}`,
      hint: 'give a validation file in the same format and method as the training file',
    });
  }
}
