/**
 * A training target: a training file (and maybe a validation file) for one model and method.
 * Checks both files, adds what the model and provider say (method support, shutdown dates,
 * unknown prices), and prices the run.
 */
import {
  PROFILES,
  modelNotices,
  resolveModel,
  type ModelOverrides,
  type ModelProfile,
  type ValidationProfile,
} from '../catalog/index.js';
import { estimate, type Estimate } from '../estimate.js';
import type { CacheStore } from '../cache/store.js';
import { wordsDigest } from '../cache/fingerprint.js';
import { checkFile, methodForFormat, type FileCheckOptions, type FileReport } from './check.js';
import { KeyMap } from './keys.js';
import type { Diagnostic, Method } from './types.js';
import type { WorkerOptions } from './workers.js';

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
}

export interface CheckRunOptions {
  today: string;
  keepDiagnostics?: number;
  workers?: WorkerOptions;
  onProgress?: (file: string, bytesRead: number, totalBytes: number) => void;
  /** Results by content (src/cache); none: every line is analysed. */
  cache?: CacheStore;
  /** By the spec's file path: its git blob id when known, and where to read it when not on disk. */
  files?: Record<string, { blob?: string | null; source?: FileCheckOptions['source'] }>;
}

export async function checkTarget(spec: TargetSpec, run: CheckRunOptions): Promise<TargetReport> {
  const model = resolveModel(spec.model, spec.overrides, spec.provider);
  const base = PROFILES[spec.provider ?? 'openai'];
  const profile: ValidationProfile = spec.minExamples !== undefined ? { ...base, minExamples: spec.minExamples } : base;
  const common = {
    method: spec.method,
    encoding: model.encoding,
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
  const notices: Diagnostic[] = [];
  const note = (n: Omit<Diagnostic, 'file' | 'line' | 'path'>) =>
    notices.push({ ...n, file: spec.trainingFile, line: null, path: '' });
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
  };
}
