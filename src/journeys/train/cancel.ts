/**
 * Cancellation: when the runner sends SIGINT/SIGTERM (the workflow was cancelled), stop
 * following, cancel the job in flight at the provider (`cancel-on-abort`) within a budget,
 * report what happened and exit. During the smoke tests only the signal fires: the smoke stage
 * closes its sessions and the report is written as usual.
 */
import type { Settings } from '../../config.js';
import { isProviderError, type Provider } from '../../providers/index.js';
import { formatDuration } from '../../report/train.js';
import { onCancelSignal, type SignalSource } from '../../util/signals.js';
import type { ActionIO } from '../io.js';
import type { Sleep } from './follow.js';

/** What a cancellation needs to know about the job in flight; the journey keeps it current. */
export interface LiveJob {
  jobId: string | null;
  status: string | null;
  provider: Provider | null;
  /** A createJob call under way (its id is worth waiting a moment for). */
  creating: Promise<unknown> | null;
  /** The smoke stage is running (the job has finished). */
  smoke: boolean;
}

export interface CancellationOptions {
  s: Settings;
  io: ActionIO;
  now: () => number;
  sleep: Sleep;
  signals: SignalSource;
  exit: (code: number) => void;
  /** How long a cancellation may take before we exit anyway. */
  budget: number;
}

export interface Cancellation {
  /** Fires on the first signal. */
  signal: AbortSignal;
  live: LiveJob;
  /** The signal came during the smoke tests: the run reports as usual (no exit). */
  readonly smokeAborted: boolean;
  /** Stop listening for signals. */
  dispose(): void;
}

/** Listen for SIGINT/SIGTERM until `dispose()`; see the file comment for what a signal does. */
export function watchCancellation(o: CancellationOptions): Cancellation {
  const { s, io, now, sleep, exit, budget } = o;
  const abort = new AbortController();
  const live: LiveJob = { jobId: null, status: null, provider: null, creating: null, smoke: false };
  let handling = false;
  let smokeAborted = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (handling) {
      io.info(`finetune-ci: ${sig} again; still finishing the cancellation.`);
      return;
    }
    handling = true;
    abort.abort();
    if (live.smoke) {
      smokeAborted = true;
      // The smoke stage closes its chat sessions and reports itself as cancelled.
      io.warning(`finetune-ci: ${sig} received during the smoke tests; the fine-tuning job ${live.jobId ?? ''} has already finished.`);
      return;
    }
    void handleAbort(sig);
  };
  const handleAbort = async (sig: NodeJS.Signals) => {
    const hardStop = setTimeout(() => exit(1), budget + 1500);
    hardStop.unref?.();
    try {
      const t0 = now();
      if (!live.jobId && live.creating) {
        io.info(`finetune-ci: ${sig} received while the job was being created; waiting a moment for its id.`);
        await Promise.race([live.creating.catch(() => {}), sleep(Math.min(3000, budget / 2))]);
      }
      const jobId = live.jobId;
      io.info(
        jobId
          ? `finetune-ci: ${sig} received: the workflow was cancelled. Fine-tuning job: ${jobId}`
          : `finetune-ci: ${sig} received: the workflow was cancelled before a fine-tuning job was started.`,
      );
      let status = live.status;
      if (jobId && s.train.cancelOnAbort && live.provider) {
        const left = Math.max(500, budget - (now() - t0) - 500);
        const cancelled = await Promise.race([
          live.provider.cancelJob(jobId).then(
            (j) => j,
            (e: unknown) => e as Error,
          ),
          sleep(left).then(() => null),
        ]);
        if (cancelled === null) io.warning(`finetune-ci: could not cancel job ${jobId} within ${formatDuration(left / 1000)}; cancel it at the provider.`);
        else if (cancelled instanceof Error) {
          io.warning(`finetune-ci: cancelling job ${jobId} failed: ${isProviderError(cancelled) ? cancelled.describe() : cancelled.message}`);
        } else {
          status = cancelled.status;
          io.info(`finetune-ci: cancelled job ${jobId} at the provider (status ${status}).`);
        }
      } else if (jobId) {
        io.info(`finetune-ci: job ${jobId} keeps running at the provider (cancel-on-abort is false). Follow it with job-id: ${jobId}, a rerun of this commit, or a scheduled workflow.`);
      }
      io.setOutput('job-id', jobId ?? '');
      io.setOutput('job-status', status ?? '');
      await Promise.race([
        io.appendSummary(`### finetune-ci training: cancelled\n\nThe workflow was cancelled (${sig}).${jobId ? ` Fine-tuning job \`${jobId}\`${status ? `, status \`${status}\`` : ''}.` : ''}\n`),
        sleep(500),
      ]);
      io.setFailed(`finetune-ci: cancelled by ${sig}${jobId ? `; job ${jobId}${status ? ` is ${status}` : ''}` : ''}`);
    } finally {
      clearTimeout(hardStop);
      exit(1);
    }
  };
  const dispose = onCancelSignal(onSignal, o.signals);
  return {
    signal: abort.signal,
    live,
    get smokeAborted() {
      return smokeAborted;
    },
    dispose,
  };
}
