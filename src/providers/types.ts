/**
 * The one interface journeys use to talk to a fine-tuning provider. Nothing here is
 * OpenAI-specific: Together (no job metadata, other status names, a price estimate, endpoints
 * that must be opened and closed for chat) and Azure (files that must reach `processed`) fit
 * behind the same methods. Every failure is a `ProviderError` (see errors.ts).
 */
import type { ChatMessage, ChatOptions, ChatUsage, Hyperparameters, Method } from '../types.js';

export type { ChatMessage, ChatOptions, ChatUsage, Hyperparameters } from '../types.js';

import type { ProviderName } from './registry.js';
export type { ProviderName };

// ---------------------------------------------------------------------------------------------
// Files

export interface UploadOptions {
  /** Always `fine-tune` today; kept explicit so the call reads like the API. */
  purpose: 'fine-tune';
  /** The name the file gets at the provider, e.g. `train.<first 16 hex of sha256>.jsonl`. */
  name: string;
  /** Called as bytes go out (Uploads API: after each part). */
  onProgress?: (sentBytes: number, totalBytes: number) => void;
}

/** A file the provider has accepted and that a job can use now. */
export interface ReadyFile {
  id: string;
  name: string;
  bytes: number;
  /** true when an existing file with the same name and size was found and reused. */
  reused: boolean;
  /** How the bytes went up (absent when reused). */
  via: 'files' | 'uploads' | null;
}

// ---------------------------------------------------------------------------------------------
// Jobs

/** What finetune-ci tags a job with, so that a rerun finds it instead of starting another. */
export interface JobTag {
  /** sha256 of everything that defines the run (files, model, method, hyperparameters, suffix). */
  key: string;
  commit?: string;
  repository?: string;
  target?: string;
}

export interface JobSpec {
  model: string;
  method: Method;
  trainingFileId: string;
  validationFileId?: string | null;
  hyperparameters?: Hyperparameters;
  /** ≤ 64 characters for OpenAI. Adapters without metadata may append part of the key. */
  suffix?: string | null;
  seed?: number | null;
  tag: JobTag;
  /** Extra body fields a provider understands (Azure `trainingType`, an RFT `grader`, …). */
  providerOptions?: Record<string, unknown>;
}

/**
 * What else is known about the job being looked for. OpenAI finds jobs by metadata and
 * ignores these; providers without metadata (Together) match on suffix and training file.
 */
export interface FindJobHints {
  trainingFileId?: string;
  validationFileId?: string | null;
  model?: string;
  suffix?: string | null;
}

/** OpenAI's status words; other providers map theirs onto these where they mean the same. */
export type KnownJobStatus = 'validating_files' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export const KNOWN_JOB_STATUSES: readonly KnownJobStatus[] = ['validating_files', 'queued', 'running', 'succeeded', 'failed', 'cancelled'];
/** A known status, or anything a provider invents later (`paused`, `compressing`, …). */
export type JobStatus = KnownJobStatus | (string & {});

export interface JobError {
  code: string;
  message: string;
  param: string | null;
}

export interface Job {
  id: string;
  status: JobStatus;
  /** The provider's own word for the status, before mapping (equal to `status` for OpenAI). */
  providerStatus: string;
  /** Base model. */
  model: string;
  /** Set once the job succeeded. */
  fineTunedModel: string | null;
  /** Billed tokens; null until the job has finished. */
  trainedTokens: number | null;
  /** Unix seconds. */
  createdAt: number;
  finishedAt: number | null;
  estimatedFinish: number | null;
  error: JobError | null;
  /** Job metadata (OpenAI, Azure); `{}` where the provider has none. */
  metadata: Record<string, string>;
  trainingFileId: string;
  validationFileId: string | null;
  method: Method | null;
  /** As the provider reports them (resolved values once `auto` is decided). */
  hyperparameters: Hyperparameters;
  seed: number | null;
  /** What the provider says the job cost (Together `total_price`); null where it does not say. */
  totalPrice: number | null;
  /** Request id of the response this view came from (`getJob`), to quote to support; absent otherwise. */
  requestId?: string | null;
}

/** queued/validating: waiting; running: training; terminal: will not change again. */
export type JobPhase = 'waiting' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'unknown';

export function jobPhase(status: JobStatus): JobPhase {
  switch (status) {
    case 'validating_files':
    case 'queued':
      return 'waiting';
    case 'running':
      return 'running';
    case 'succeeded':
      return 'succeeded';
    case 'failed':
      return 'failed';
    case 'cancelled':
      return 'cancelled';
    default:
      return 'unknown';
  }
}

export function isTerminal(status: JobStatus): boolean {
  const p = jobPhase(status);
  return p === 'succeeded' || p === 'failed' || p === 'cancelled';
}

export interface JobEvent {
  id: string;
  /** Unix seconds. */
  createdAt: number;
  level: 'info' | 'warn' | 'error' | (string & {});
  message: string;
  /** `metrics` events carry step / loss numbers in `data`. */
  type: 'message' | 'metrics' | (string & {}) | null;
  data: Record<string, unknown> | null;
}

export interface CheckpointMetrics {
  step?: number;
  train_loss?: number;
  train_mean_token_accuracy?: number;
  valid_loss?: number;
  valid_mean_token_accuracy?: number;
  full_valid_loss?: number;
  full_valid_mean_token_accuracy?: number;
}

export interface Checkpoint {
  id: string;
  createdAt: number;
  stepNumber: number;
  /** Model id that can be called for this checkpoint. */
  model: string;
  metrics: CheckpointMetrics;
}

/** A provider's own price quote before the job (Together `estimate-price`). */
export interface Estimate {
  /** USD; null when the provider could not price it (Together `estimation_available: false`). */
  totalPrice: number | null;
  trainTokens: number | null;
  /** Tokens the evaluations on the validation file add (Together). */
  evalTokens?: number | null;
  /** The account's credit limit in USD, when the provider says (Together `user_limit`). */
  userLimit?: number | null;
  /** false: the provider will refuse the job (not enough credit): do not create it. */
  allowedToProceed: boolean;
  currency: 'USD';
}

export interface ModelInfo {
  id: string;
  ownedBy: string | null;
  /** Unix seconds. */
  created: number | null;
  /** YYYY-MM-DD, when the provider has announced one. */
  shutdownDate: string | null;
}

// ---------------------------------------------------------------------------------------------
// Chat (smoke tests)

/**
 * A model ready to answer. For OpenAI it is just the model name; for Together it is a
 * dedicated endpoint that costs money until `closeChatSession` deletes it.
 */
export interface ChatSession {
  provider: ProviderName;
  /** What was asked for. */
  model: string;
  /** What to send as `model` in chat calls (an endpoint or deployment name elsewhere). */
  target: string;
  /** true when closing it releases something that costs money. */
  needsClose: boolean;
  /** Provider-owned data (endpoint id, …). */
  handle?: Record<string, unknown>;
}

export interface ChatResult {
  text: string;
  latencyMs: number;
  usage: ChatUsage | null;
  finishReason: string | null;
  requestId: string | null;
}

export interface OpenChatOptions {
  /** Use an existing endpoint/deployment instead of creating one (Together, Azure). */
  existing?: string;
}

// ---------------------------------------------------------------------------------------------

export interface Provider {
  readonly name: ProviderName;

  /** Upload a local file, or reuse one with the same name and byte size; resolves when usable. */
  upload(localPath: string, options: UploadOptions): Promise<ReadyFile>;

  /** The provider's own price quote, where it has one. */
  estimate?(spec: JobSpec): Promise<Estimate>;

  /**
   * The job tagged with `key`, or null. When several exist, a live or succeeded one wins over
   * a failed or cancelled one; among equals the newest wins. The caller decides what to do.
   */
  findJob(key: string, hints?: FindJobHints): Promise<Job | null>;

  /**
   * Start a job tagged with `spec.tag`. Never leaves two jobs behind: a create whose answer is
   * lost is looked for before it is tried again.
   */
  createJob(spec: JobSpec): Promise<Job>;

  getJob(jobId: string): Promise<Job>;

  /** Events after `afterId` (exclusive), oldest first; all of them when `afterId` is absent. */
  listEvents(jobId: string, afterId?: string | null): Promise<JobEvent[]>;

  /** All checkpoints, oldest (lowest step) first. */
  listCheckpoints(jobId: string): Promise<Checkpoint[]>;

  cancelJob(jobId: string): Promise<Job>;

  /** null when the provider does not know the model. */
  getModel(modelId: string): Promise<ModelInfo | null>;

  openChatSession(model: string, options?: OpenChatOptions): Promise<ChatSession>;
  chat(session: ChatSession, messages: ChatMessage[], options?: ChatOptions): Promise<ChatResult>;
  /** Always call it (in a finally), also on failure; a no-op where nothing was opened. */
  closeChatSession(session: ChatSession): Promise<void>;
}

/** Metadata keys finetune-ci writes on jobs (OpenAI, Azure). */
export const TAG_KEYS = {
  key: 'finetune_ci_key',
  commit: 'finetune_ci_commit',
  repository: 'finetune_ci_repository',
  target: 'finetune_ci_target',
  /** One random id per createJob call, so a lost create is recognised exactly. */
  attempt: 'finetune_ci_create_id',
} as const;

/** Order of preference when several jobs carry the same key. */
export function pickJob(jobs: readonly Job[]): Job | null {
  const rank = (j: Job): number => {
    const p = jobPhase(j.status);
    if (p === 'succeeded') return 1;
    if (p === 'failed' || p === 'cancelled') return 2;
    return 0; // waiting, running, unknown (paused…): alive
  };
  const sorted = [...jobs].sort((a, b) => rank(a) - rank(b) || b.createdAt - a.createdAt);
  return sorted[0] ?? null;
}
