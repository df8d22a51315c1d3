/**
 * Following one job: poll until it ends, the deadline passes or the signal fires, printing its
 * events, metrics and a heartbeat. Pure logic over an injected provider, clock and sleep.
 */
import { formatDuration, metricsLine, type FinalMetrics, type LossPoint } from '../../report/train.js';
import { isProviderError, isTerminal, jobPhase, KNOWN_JOB_STATUSES, type Job, type JobEvent, type Provider } from '../../providers/index.js';
import { ABORTED, raceAbort } from '../../util/abort.js';
import { clock, plainText } from './text.js';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

export interface FollowOptions {
  jobId: string;
  /** Poll interval while the job runs (and the first one while it waits). */
  pollMs: number;
  /** Stop following at this time (`now()` scale); null: no limit. */
  deadline: number | null;
  now: () => number;
  sleep: Sleep;
  log: (line: string) => void;
  warn?: (line: string) => void;
  signal?: AbortSignal;
  /** Heartbeat at least this often (and on every status change). Default 60 s. */
  heartbeatMs?: number;
  /** Longest poll interval while the job waits (validating, queued). Default min(4 × poll, 2 min), at least poll. */
  maxWaitingPollMs?: number;
  /** Growth of the interval per poll while the job waits. Default 1.5. */
  backoffFactor?: number;
}

export interface FollowResult {
  end: 'terminal' | 'timeout' | 'aborted';
  /** The last view of the job (null if it could not be read even once). */
  job: Job | null;
  /** The last metrics seen in the events. */
  metrics: (FinalMetrics & { totalSteps: number | null }) | null;
  /** Every metrics event's step and losses, in order (the training report's loss chart). */
  curve: LossPoint[];
  events: number;
  polls: number;
  transientErrors: number;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function metricsFromEvent(e: JobEvent): (FinalMetrics & { totalSteps: number | null }) | null {
  if (e.type !== 'metrics' || !e.data) return null;
  const d = e.data;
  return {
    step: num(d.step),
    trainLoss: num(d.train_loss),
    validLoss: num(d.valid_loss),
    fullValidLoss: num(d.full_valid_loss),
    trainAccuracy: num(d.train_mean_token_accuracy),
    validAccuracy: num(d.valid_mean_token_accuracy),
    totalSteps: num(d.total_steps),
  };
}

/** One heartbeat line: status, elapsed, estimated finish. */
export function heartbeatLine(job: Job, nowMs: number, followStartedMs: number): string {
  const sinceCreated = nowMs / 1000 - job.createdAt;
  // A job's own clock and ours can disagree (a fake clock, a skewed runner): fall back to our own.
  const elapsed = sinceCreated >= 0 && sinceCreated < 30 * 86_400 ? sinceCreated : (nowMs - followStartedMs) / 1000;
  const parts = [`status ${plainText(job.status, 40)}`, `elapsed ${formatDuration(elapsed)}`];
  if (job.estimatedFinish) {
    const left = job.estimatedFinish - nowMs / 1000;
    parts.push(`estimated finish ${new Date(job.estimatedFinish * 1000).toISOString().replace('T', ' ').slice(0, 19)} UTC${left > 0 && left < 30 * 86_400 ? ` (in ${formatDuration(left)})` : ''}`);
  }
  return `⏱ ${job.id}: ${parts.join(' · ')}`;
}

/**
 * Poll the job until it ends, the deadline passes or the signal fires. Prints each new event
 * once, in order (metrics as one compact line), a heartbeat on status changes and every
 * `heartbeatMs`. Transient provider errors are waited out; anything else is thrown.
 */
export async function followJob(provider: Pick<Provider, 'getJob' | 'listEvents'>, o: FollowOptions): Promise<FollowResult> {
  const heartbeatMs = o.heartbeatMs ?? 60_000;
  const maxWaiting = Math.max(o.pollMs, o.maxWaitingPollMs ?? Math.min(o.pollMs * 4, 120_000));
  const factor = o.backoffFactor ?? 1.5;
  const started = o.now();
  let interval = o.pollMs;
  let lastEventId: string | null = null;
  let lastStatus: string | null = null;
  let lastBeat = -Infinity;
  let job: Job | null = null;
  let metrics: FollowResult['metrics'] = null;
  const curve: LossPoint[] = [];
  const warnedUnknown = new Set<string>();
  const res = (end: FollowResult['end']): FollowResult => ({ end, job, metrics, curve, events, polls, transientErrors });
  let events = 0;
  let polls = 0;
  let transientErrors = 0;
  let consecutive = 0;

  for (;;) {
    if (o.signal?.aborted) return res('aborted');
    polls++;
    try {
      const j = await raceAbort(provider.getJob(o.jobId), o.signal);
      if (j === ABORTED) return res('aborted');
      const evs: JobEvent[] | typeof ABORTED = await raceAbort(provider.listEvents(o.jobId, lastEventId), o.signal);
      if (evs === ABORTED) return res('aborted');
      job = j;
      consecutive = 0;
      for (const e of evs) {
        lastEventId = e.id;
        events++;
        const m = metricsFromEvent(e);
        if (m) {
          metrics = m;
          if (m.step !== null) curve.push({ step: m.step, trainLoss: m.trainLoss, validLoss: m.validLoss });
          const line = metricsLine(m);
          o.log(`  ${clock(e.createdAt)} ${line || plainText(e.message)}`);
        } else {
          o.log(`  ${clock(e.createdAt)} ${e.level === 'info' ? '' : `${plainText(String(e.level), 10)}: `}${plainText(e.message)}`);
        }
      }
      const phase = jobPhase(j.status);
      if (phase === 'unknown' && !warnedUnknown.has(j.status)) {
        warnedUnknown.add(j.status);
        (o.warn ?? o.log)(`Job ${j.id} reports status "${plainText(j.status, 40)}", which finetune-ci does not know (known: ${KNOWN_JOB_STATUSES.join(', ')}); following it as still in progress.`);
      }
      const now = o.now();
      if (j.status !== lastStatus || now - lastBeat >= heartbeatMs) {
        o.log(heartbeatLine(j, now, started));
        lastBeat = now;
        if (j.status !== lastStatus && phase === 'running') interval = o.pollMs;
        lastStatus = j.status;
      }
      if (isTerminal(j.status)) return res('terminal');
      interval = phase === 'waiting' ? Math.min(maxWaiting, Math.max(o.pollMs, interval * factor)) : o.pollMs;
    } catch (e) {
      if (!(isProviderError(e) && e.kind === 'transient')) throw e;
      transientErrors++;
      consecutive++;
      const wait = Math.max(o.pollMs, e.retryAfterMs ?? 0, Math.min(o.pollMs * 2 ** Math.min(consecutive, 6), 5 * 60_000));
      (o.warn ?? o.log)(`Could not read job ${o.jobId} (${e.describe()}); still following, next try in ${formatDuration(wait / 1000)}.`);
      interval = wait;
    }
    const now = o.now();
    if (o.deadline !== null && now >= o.deadline) return res('timeout');
    const wait = o.deadline === null ? interval : Math.min(interval, Math.max(0, o.deadline - now));
    await o.sleep(wait, o.signal);
  }
}
