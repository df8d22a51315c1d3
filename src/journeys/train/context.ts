/**
 * What one training run shares between its parts: the settings, the injected dependencies,
 * the redacting IO, the clock and deadline, the providers made so far, the cancellation state
 * and the results gathered. Made once by `runTrain` (./index.ts), read by the other modules.
 */
import { access } from 'node:fs/promises';
import type { Settings } from '../../config.js';
import type { EventContext, GitHubClient } from '../../github/index.js';
import type { Provider, ProviderName, ProviderSettings, ReadyFile } from '../../providers/index.js';
import type { FileRef, TrainTargetResult } from '../../report/train.js';
import type { SignalSource } from '../../util/signals.js';
import type { ActionIO } from '../io.js';
import type { SmokeStageOptions, SmokeStageResult } from '../smoke.js';
import type { LiveJob } from './cancel.js';
import type { Sleep } from './follow.js';

export type { SignalSource } from '../../util/signals.js';

/** The smoke stage the journey runs after a job succeeds (../smoke.js; injectable in tests). */
export type SmokeStage = (opts: SmokeStageOptions) => Promise<Pick<SmokeStageResult, 'markdown' | 'failed' | 'reason'> | null>;

export interface TrainDeps {
  io: ActionIO;
  event: EventContext | null;
  workspace: string;
  /** Default: made from `settings.githubToken` when a comment is to be written. */
  github?: GitHubClient | null;
  createProvider?: (s: ProviderSettings) => Promise<Provider>;
  now?: () => number;
  sleep?: Sleep;
  /** Default: `process`. */
  signals?: SignalSource;
  /** Default: `process.exit`. Called after a cancellation has been handled. */
  exit?: (code: number) => void;
  /** How long a cancellation may take before we exit anyway. Default 5 s. */
  abortBudgetMs?: number;
  /** Default: RUNNER_TEMP, else the OS temp directory. */
  tempRoot?: string;
  /** YYYY-MM-DD. Default: the catalog's today (FINETUNE_CI_NOW). */
  today?: string;
  /** Default: `runSmokeStage` from ../smoke.js when it exists. */
  smokeStage?: SmokeStage | null;
  heartbeatMs?: number;
}

export interface TrainRunResult {
  results: TrainTargetResult[];
  failed: boolean;
  reportPath: string;
  commentUrl: string | null;
}

/** One run's shared state (see the file comment). */
export interface TrainContext {
  s: Settings;
  deps: TrainDeps;
  /** `deps.io`, redacted. */
  io: ActionIO;
  redact: (text: string) => string;
  ev: EventContext | null;
  now: () => number;
  sleep: Sleep;
  /** YYYY-MM-DD, for shutdown dates. */
  day: string;
  tempRoot: string;
  /** Stop following at this time (`now()` scale). */
  deadline: number;
  pollMs: number;
  /** A path from the config, resolved against the workspace. */
  local: (p: string) => string;
  reportPath: string;
  results: TrainTargetResult[];
  /** The provider error kind that ended a target, for stopping the ones after it. */
  errorKinds: WeakMap<TrainTargetResult, string>;
  /** One provider per name, made on first use. */
  providerFor: (name: ProviderName) => Promise<Provider>;
  /** Fires on SIGINT/SIGTERM (./cancel.ts). */
  signal: AbortSignal;
  /** What a cancellation needs to know about the job in flight (./cancel.ts). */
  live: LiveJob;
}

export const MB = 1024 * 1024;

/** Thrown to end a target early with its result already filled in. */
export class Stop extends Error {
  constructor(readonly result: TrainTargetResult) {
    super('stop');
  }
}

export async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

export function fileRef(f: ReadyFile): FileRef {
  return { id: f.id, name: f.name, bytes: f.bytes, reused: f.reused, via: f.via };
}
