/**
 * Filling in a target's result when it ends early: an error (with the kind that may stop the
 * targets after it), a refusal before anything was uploaded, the estimate from the data.
 */
import type { TargetConfig } from '../../config.js';
import type { TargetReport } from '../../dataset/target.js';
import { ProviderError, ProviderSetupError } from '../../providers/index.js';
import type { TrainTargetResult } from '../../report/train.js';
import { Stop, type TrainContext } from './context.js';

export function recordError(ctx: TrainContext, r: TrainTargetResult, e: unknown): void {
  const { io, errorKinds } = ctx;
  r.outcome = 'error';
  if (e instanceof ProviderError) {
    r.error = { code: e.code ?? e.kind, message: e.message, param: e.param };
    r.requestId = e.requestId;
    r.hint = e.hint;
    errorKinds.set(r, e.kind);
    io.error(`finetune-ci: ${r.target}: ${e.describe()}`);
  } else if (e instanceof ProviderSetupError) {
    r.error = { code: 'setup', message: e.message, param: null };
    errorKinds.set(r, 'auth');
    r.hint = e.message;
    io.error(`finetune-ci: ${r.target}: ${e.message}`);
  } else {
    const err = e as Error;
    r.error = { code: 'unexpected', message: err?.message ?? String(e), param: null };
    io.error(`finetune-ci: ${r.target}: unexpected error: ${err?.stack ?? String(e)}`);
  }
}

export function refuse(ctx: TrainContext, r: TrainTargetResult, reason: string, problems: string[] = []): never {
  const { io } = ctx;
  r.outcome = 'refused';
  r.reason = reason;
  r.problems = problems;
  io.error(`finetune-ci: ${r.target}: ${reason}; nothing was uploaded.`);
  throw new Stop(r);
}

export function fillEstimate(r: TrainTargetResult, report: TargetReport, t: TargetConfig | null): void {
  r.estimatedTokens = report.estimate.trainedTokens;
  r.estimatedCostUsd = report.estimate.costUsd;
  r.pricePerMillion = t?.pricePerMillion ?? report.estimate.pricePerMillion;
}
