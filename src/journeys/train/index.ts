/**
 * The merge-time training journey: validate again, gate (errors, budget, model shut down),
 * upload (deduplicated by content hash), find-or-create the job (tagged with a key over
 * everything that defines the run), follow it (events, metrics, heartbeat, timeouts, resume,
 * cancel), run the smoke suite on the new model, and report: job summary, outputs, JSON report,
 * commit comment. Provider-neutral: it sees only the `Provider` interface.
 *
 * One concern per module: ./identity.ts (job key, upload names), ./follow.ts (polling a job),
 * ./cancel.ts (SIGINT/SIGTERM), ./target.ts (one target from data to job), ./job.ts (a job to
 * its outcome and smoke tests), ./publish.ts (summary, report, comment, outputs). This file
 * wires them: the shared context, then the targets in order.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { today as catalogToday } from '../../catalog/index.js';
import { connection, type Settings } from '../../config.js';
import { createProvider as defaultCreateProvider, type Provider, type ProviderName } from '../../providers/index.js';
import { emptyResult, type TrainTargetResult } from '../../report/train.js';
import type { JourneyRunner } from '../io.js';
import { watchCancellation } from './cancel.js';
import { MB, type TrainContext, type TrainDeps, type TrainRunResult } from './context.js';
import { realSleep } from './follow.js';
import { followById } from './job.js';
import { publish } from './publish.js';
import { credentialValues } from '../../redact.js';
import { processSignals } from '../../util/signals.js';
import { redactingIO, redactor } from './redact.js';
import { trainTarget } from './target.js';

export type { SignalSource, SmokeStage, TrainDeps, TrainRunResult } from './context.js';
export { heartbeatLine, followJob, metricsFromEvent, realSleep, type FollowOptions, type FollowResult, type Sleep } from './follow.js';
export { jobHyperparameters, jobKey, normalizeHyperparameters, sha256File, uploadName, type JobKeyInput } from './identity.js';
export { redactingIO, redactor } from './redact.js';

/** Provider error kinds that would hit every following target the same way. */
const STOPS_ALL = new Set(['quota', 'auth', 'permission']);

export async function runTrain(s: Settings, deps: TrainDeps): Promise<TrainRunResult> {
  const redact = redactor(credentialValues(s));
  const io = redactingIO(deps.io, redact);
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? realSleep;
  const tempRoot = deps.tempRoot ?? process.env.RUNNER_TEMP ?? tmpdir();
  const startedAt = now();
  const results: TrainTargetResult[] = [];
  const errorKinds = new WeakMap<TrainTargetResult, string>();

  // --- providers (one per name, made on first use) ------------------------------------------
  const providers = new Map<ProviderName, Provider>();
  const providerFor = async (name: ProviderName): Promise<Provider> => {
    let p = providers.get(name);
    if (!p) {
      p = await (deps.createProvider ?? defaultCreateProvider)({
        ...connection(s, name),
        partThresholdBytes: Math.max(1, Math.round(s.train.uploadPartThresholdMb * MB)),
        log: (line) => io.info(line),
      });
      providers.set(name, p);
    }
    return p;
  };

  const cancellation = watchCancellation({
    s,
    io,
    now,
    sleep,
    signals: deps.signals ?? processSignals(),
    exit: deps.exit ?? ((code: number) => process.exit(code)),
    budget: deps.abortBudgetMs ?? 5000,
  });
  const ctx: TrainContext = {
    s,
    deps,
    io,
    redact,
    ev: deps.event,
    now,
    sleep,
    day: deps.today ?? catalogToday(),
    tempRoot,
    deadline: startedAt + s.train.timeoutMinutes * 60_000,
    pollMs: s.train.pollIntervalSeconds * 1000,
    local: (p: string) => (p.startsWith('/') ? p : join(deps.workspace, p)),
    reportPath: join(tempRoot, `finetune-ci-train-${process.pid}-${startedAt}.json`),
    results,
    errorKinds,
    providerFor,
    signal: cancellation.signal,
    live: cancellation.live,
  };

  try {
    if (s.train.jobId) {
      results.push(await followById(ctx, s.train.jobId));
    } else if (s.targets.length === 0) {
      io.setFailed('finetune-ci: train mode needs training-file or a config with targets (none found' + (s.configFound ? ` in ${s.configPath}` : `; ${s.configPath} does not exist`) + ')');
      return { results, failed: true, reportPath: '', commentUrl: null };
    } else {
      let stopAll: TrainTargetResult | null = null;
      for (const t of s.targets) {
        if (ctx.signal.aborted) break;
        if (stopAll) {
          const r = emptyResult(t.name, t.provider, t.model);
          r.outcome = 'error';
          r.reason = `not tried: target ${stopAll.target} stopped on ${stopAll.error?.code ?? 'an error'} that would stop this one too`;
          results.push(r);
          continue;
        }
        const r = await io.group(`finetune-ci: train ${t.name}`, () => trainTarget(ctx, t));
        results.push(r);
        if (r.outcome === 'error' && STOPS_ALL.has(errorKinds.get(r) ?? '')) stopAll = r;
      }
    }
  } finally {
    cancellation.dispose();
  }
  if (ctx.signal.aborted && !cancellation.smokeAborted) {
    // The cancellation handler reports and exits; nothing more to do here.
    return { results, failed: true, reportPath: '', commentUrl: null };
  }
  return publish(ctx);
}

/** The action's entry for `mode: train` (push to the default branch, workflow_dispatch, schedule). */
export const runTrainJourney: JourneyRunner = async (settings, { io, event, workspace }) => {
  await runTrain(settings, { io, event, workspace });
};
