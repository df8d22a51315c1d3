/**
 * A training target: a training file (and maybe a validation file) for one model and method.
 * Checks both files, adds what the model and provider say (method support, shutdown dates,
 * unknown prices), and prices the run.
 */
import {
  PROFILES,
  TOKENIZER_PINS,
  forMethod,
  modelNotices,
  resolveModel,
  type ModelOverrides,
  type ModelProfile,
  type ValidationProfile,
} from '../catalog/index.js';
import { estimate, type Estimate } from '../estimate.js';
import { checkFile, methodForFormat, type FileReport } from './check.js';
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

export interface CheckRunOptions {
  today: string;
  keepDiagnostics?: number;
  workers?: WorkerOptions;
  onProgress?: (file: string, bytesRead: number, totalBytes: number) => void;
  /** Where open models' tokenizers are cached and fetched from (default: from the environment). */
  hub?: HubOptions;
}

export async function checkTarget(spec: TargetSpec, run: CheckRunOptions): Promise<TargetReport> {
  const resolved = resolveModel(spec.model, spec.overrides, spec.provider);
  // Limits that differ by method (Together: SFT vs DPO) follow the method asked for, else SFT's.
  let model = forMethod(resolved, spec.method ?? 'supervised');
  const base = PROFILES[spec.provider ?? 'openai'];
  const profile: ValidationProfile = spec.minExamples !== undefined ? { ...base, minExamples: spec.minExamples } : base;
  const notices: Diagnostic[] = [];
  const note = (n: Omit<Diagnostic, 'file' | 'line' | 'path'>) =>
    notices.push({ ...n, file: spec.trainingFile, line: null, path: '' });
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
  const training = await checkFile(spec.trainingFile, {
    ...common,
    role: 'training',
    onProgress: (n, total) => run.onProgress?.(spec.trainingFile, n, total),
  });
  const validation = spec.validationFile
    ? await checkFile(spec.validationFile, {
        ...common,
        role: 'validation',
        trainingHashes: new Set(training.keys.hash),
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
      hint: 'set --context (CLI) or the target\'s training_context',
    });
  }
  if (model.approximateTokens) {
    note({
      code: 'approximate-tokens',
      severity: 'info',
      message: `${spec.model}'s tokenizer is not shipped with finetune-ci: token counts use ${model.encoding} and are approximate`,
      hint: 'set --encoding if you know the model\'s encoding',
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
    warnings: training.warnings + (validation?.warnings ?? 0) + count('warning'),
    overBudget,
    maxCost,
    tokenizer: tokenizerInfo,
  };
}
