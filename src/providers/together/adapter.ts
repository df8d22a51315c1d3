/**
 * The Together AI provider, over plain `fetch` (no SDK, no new dependency).
 *
 * Shapes: ../shared/contracts/together-openapi.yaml (2026-04-28) plus what the facts sheet adds
 * (`processing_status` and `validation_report` on files are newer than the spec). Together
 * differs from OpenAI in ways that matter here:
 * - Jobs carry no metadata. A job is tagged through its suffix: `<suffix>-<first 8 hex of the
 *   job key>`, and found again by that suffix and its training file.
 * - Files are validated after upload: `processing_status` must reach COMPLETED; FAILED or
 *   INVALID_FORMAT comes with a `validation_report.error` that names the line.
 * - `estimate-price` gives the price (USD) and whether the account may proceed.
 * - `total_price` on a job is in nanodollars (Together's SDK divides by 1e9).
 * - A tuned model answers only on a dedicated endpoint, billed per minute while it is up: it is
 *   created for the smoke test and always deleted afterwards.
 *
 * Retries follow the same rules as the OpenAI adapter (errors.ts `Retrier`): transient errors
 * only, `retry-after` honoured, never a blind re-send of something that creates a resource.
 * The API key goes into the Authorization header and nowhere else (never into a log line).
 *
 * One folder: ./wire.ts (Together's shapes, defaults, status words and answer readers),
 * ./transport.ts (one authenticated request, failures as ProviderErrors), this file (the
 * Provider: files, jobs, estimates, and the dedicated endpoints smoke tests chat with).
 */
import { randomBytes } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { ProviderError, Retrier, defaultSleep, type RetryOptions } from '../errors.js';
import {
  pickJob,
  type ChatMessage,
  type ChatOptions,
  type ChatResult,
  type ChatSession,
  type Checkpoint,
  type Estimate,
  type FindJobHints,
  type Hyperparameters,
  type Job,
  type JobEvent,
  type JobSpec,
  type ModelInfo,
  type OpenChatOptions,
  type Provider,
  type ReadyFile,
  type UploadOptions,
} from '../types.js';
import { HttpFailure, TogetherTransport } from './transport.js';
import {
  NANODOLLARS,
  TOGETHER_BASE_LEARNING_RATE,
  TOGETHER_DEFAULT_BASE_URL,
  TOGETHER_DEFAULT_HARDWARE,
  TOGETHER_DEFAULT_INACTIVE_TIMEOUT_MIN,
  TOGETHER_DEFAULT_LORA,
  describeValidationReport,
  eventsAfter,
  keyTag,
  mapTogetherStatus,
  normalizeEvents,
  round,
  suffixFromOutputName,
  suffixMatches,
  taggedSuffix,
  toSeconds,
  type TEndpoint,
  type TEvent,
  type TFile,
  type TJob,
} from './wire.js';

// The wire's names stay importable from here (tests, the registry).
export * from './wire.js';

export interface TogetherProviderOptions {
  apiKey: string;
  /** Default: `TOGETHER_BASE_URL` from the environment, else https://api.together.ai/v1. */
  baseURL?: string | null;
  retry?: RetryOptions;
  /** Per-request timeout. Default 10 minutes. */
  timeoutMs?: number;
  filePollIntervalMs?: number;
  fileProcessTimeoutMs?: number;
  /** Smoke-test endpoints. */
  endpointHardware?: string;
  endpointInactiveTimeoutMinutes?: number;
  endpointPollIntervalMs?: number;
  endpointStartTimeoutMs?: number;
  /** Where retry and lifecycle notices go (never receives credentials). */
  log?: (line: string) => void;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
  /** Milliseconds since the epoch, for timeouts and `estimatedFinish`. */
  now?: () => number;
}

export class TogetherProvider implements Provider {
  readonly name = 'together' as const;
  readonly baseURL: string;
  private readonly apiKey: string;
  private readonly http: TogetherTransport;
  private readonly retrier: Retrier;
  private readonly log: (line: string) => void;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  private readonly timeoutMs: number;
  private readonly filePollMs: number;
  private readonly fileTimeoutMs: number;
  private readonly hardware: string;
  private readonly inactiveTimeout: number;
  private readonly endpointPollMs: number;
  private readonly endpointTimeoutMs: number;

  constructor(options: TogetherProviderOptions) {
    if (!options.apiKey) throw new Error('TogetherProvider needs an API key');
    this.apiKey = options.apiKey;
    const envURL = process.env.TOGETHER_BASE_URL?.trim();
    this.baseURL = (options.baseURL?.trim() || envURL || TOGETHER_DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.log = options.log ?? (() => {});
    this.sleep = options.sleep ?? defaultSleep;
    this.fetchImpl = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.timeoutMs ?? 10 * 60_000;
    this.filePollMs = options.filePollIntervalMs ?? 2000;
    this.fileTimeoutMs = options.fileProcessTimeoutMs ?? 30 * 60_000;
    this.hardware = options.endpointHardware ?? TOGETHER_DEFAULT_HARDWARE;
    this.inactiveTimeout = options.endpointInactiveTimeoutMinutes ?? TOGETHER_DEFAULT_INACTIVE_TIMEOUT_MIN;
    this.endpointPollMs = options.endpointPollIntervalMs ?? 5000;
    this.endpointTimeoutMs = options.endpointStartTimeoutMs ?? 20 * 60_000;
    this.http = new TogetherTransport({ apiKey: this.apiKey, baseURL: this.baseURL, fetch: this.fetchImpl, timeoutMs: this.timeoutMs });
    this.retrier = new Retrier({ retry: options.retry, toError: (e, op) => this.toError(e, op), log: this.log, sleep: this.sleep });
  }

  // -------------------------------------------------------------------------------------------
  // HTTP (transport.ts)

  private request<T>(method: string, path: string, body?: unknown): Promise<{ data: T; headers: Headers; requestId: string | null }> {
    return this.http.request<T>(method, path, body);
  }

  private get<T>(path: string): Promise<T> {
    return this.http.get<T>(path);
  }

  /** Any thrown value as a ProviderError of the right kind. */
  toError(e: unknown, operation: string): ProviderError {
    return this.http.toError(e, operation);
  }

  // -------------------------------------------------------------------------------------------
  // Files

  async upload(localPath: string, options: UploadOptions): Promise<ReadyFile> {
    const { size } = await stat(localPath);
    const name = options.name;
    const existing = await this.findFile(name, size);
    if (existing) {
      this.log(`Reusing ${existing.id} (${name}, ${size} bytes): same name and size already uploaded`);
      await this.waitUntilProcessed(existing.id, name);
      return { id: existing.id, name, bytes: size, reused: true, via: null };
    }
    const file = await this.retrier.createOnce(
      'uploadFile',
      async () => {
        // A file-backed Blob: the bytes stream from disk, and each attempt reads them afresh.
        const blob = await openAsBlob(localPath, { type: 'application/jsonl' });
        const form = new FormData();
        form.set('purpose', options.purpose);
        form.set('file_name', name);
        form.set('file_type', 'jsonl');
        form.set('file', blob, name);
        return (await this.request<TFile>('POST', '/files/upload', form)).data;
      },
      () => this.findFile(name, size),
    );
    options.onProgress?.(size, size);
    await this.waitUntilProcessed(file.id, name);
    return { id: file.id, name: file.filename ?? name, bytes: typeof file.bytes === 'number' ? file.bytes : size, reused: false, via: 'files' };
  }

  /** An uploaded file with this exact name and size that did not fail validation; null if none. */
  private findFile(name: string, bytes: number): Promise<TFile | null> {
    return this.retrier.call('listFiles', async () => {
      const list = await this.get<{ data?: TFile[] }>('/files');
      let best: TFile | null = null;
      for (const f of list.data ?? []) {
        if (f.filename !== name || f.bytes !== bytes) continue;
        if (f.purpose && f.purpose !== 'fine-tune') continue;
        if (f.processing_status === 'FAILED' || f.processing_status === 'INVALID_FORMAT') continue;
        const done = (x: TFile) => x.processing_status === 'COMPLETED';
        if (!best || (done(f) && !done(best)) || (done(f) === done(best) && f.created_at > best.created_at)) best = f;
      }
      return best;
    });
  }

  private async waitUntilProcessed(fileId: string, name: string): Promise<void> {
    const started = this.now();
    for (;;) {
      const f = await this.retrier.call('getFile', () => this.get<TFile>(`/files/${encodeURIComponent(fileId)}`));
      const status = f.processing_status;
      // Older answers (and the 2026-04 spec) have no processing_status: the file is usable.
      if (status === undefined || status === null || status === 'COMPLETED') return;
      if (status === 'FAILED' || status === 'INVALID_FORMAT') {
        const { text, line } = describeValidationReport(f.validation_report);
        throw new ProviderError({
          kind: 'invalid',
          provider: this.name,
          operation: 'upload',
          code: status.toLowerCase(),
          line,
          message: `${name} (${fileId}) failed Together's validation (${status})${line != null && !/line\s+\d+/i.test(text) ? ` at line ${line}` : ''}: ${text}`,
          hint: 'Fix the data at the line named and push again; finetune-ci check applies the Together validation profile.',
        });
      }
      if (this.now() - started > this.fileTimeoutMs) {
        throw new ProviderError({
          kind: 'transient',
          provider: this.name,
          operation: 'upload',
          message: `file ${fileId} still ${status} after ${Math.round(this.fileTimeoutMs / 1000)} s`,
        });
      }
      await this.sleep(this.filePollMs);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Price and jobs

  /** The body shared by estimate-price and create, so that the quote is for the job we start. */
  private jobBody(spec: JobSpec, operation: string): Record<string, unknown> {
    if (spec.method !== 'supervised' && spec.method !== 'dpo') {
      throw new ProviderError({
        kind: 'invalid',
        provider: this.name,
        operation,
        param: 'method',
        message: `Together fine-tunes with SFT or DPO; method ${spec.method} is not offered`,
        hint: 'Use method supervised or dpo for Together targets.',
      });
    }
    const hp: Hyperparameters = spec.hyperparameters ?? {};
    const extra = { ...(spec.providerOptions ?? {}) } as Record<string, unknown>;
    const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    const body: Record<string, unknown> = { model: spec.model, training_file: spec.trainingFileId };
    if (spec.validationFileId) {
      body.validation_file = spec.validationFileId;
      body.n_evals = num(extra.n_evals) ?? 1;
    }
    if (num(hp.n_epochs) !== undefined) body.n_epochs = hp.n_epochs;
    if (num(hp.batch_size) !== undefined) body.batch_size = hp.batch_size;
    const lr = num(extra.learning_rate) ?? (num(hp.learning_rate_multiplier) !== undefined ? (hp.learning_rate_multiplier as number) * TOGETHER_BASE_LEARNING_RATE : undefined);
    if (lr !== undefined) body.learning_rate = lr;
    if (spec.method === 'dpo') {
      body.training_method = { method: 'dpo', ...(num(hp.beta) !== undefined ? { dpo_beta: hp.beta } : {}) };
    } else {
      // false = learn from assistant turns only, which is what OpenAI does with the same data
      // (and the spec types this field boolean, so "auto" would not pass a contract check).
      body.training_method = { method: 'sft', train_on_inputs: typeof extra.train_on_inputs === 'boolean' ? extra.train_on_inputs : false };
    }
    const tt = extra.training_type;
    if (tt === 'full' || tt === 'Full' || (tt && typeof tt === 'object' && (tt as { type?: unknown }).type === 'Full')) {
      body.training_type = { type: 'Full' };
    } else {
      const lora = tt && typeof tt === 'object' ? (tt as Record<string, unknown>) : {};
      body.training_type = { ...TOGETHER_DEFAULT_LORA, ...lora, type: 'Lora' };
    }
    if (spec.seed != null) body.random_seed = spec.seed;
    for (const k of ['n_checkpoints', 'warmup_ratio', 'max_seq_length', 'weight_decay', 'max_grad_norm', 'packing', 'lr_scheduler', 'from_checkpoint']) {
      if (extra[k] !== undefined) body[k] = extra[k];
    }
    return body;
  }

  async estimate(spec: JobSpec): Promise<Estimate> {
    const full = this.jobBody(spec, 'estimate');
    const body: Record<string, unknown> = {};
    for (const k of ['training_file', 'validation_file', 'model', 'n_epochs', 'n_evals', 'training_method', 'training_type', 'from_checkpoint']) {
      if (full[k] !== undefined) body[k] = full[k];
    }
    const r = await this.retrier.call('estimate', async () => (await this.request<Record<string, unknown>>('POST', '/fine-tunes/estimate-price', body)).data);
    const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
    const available = r.estimation_available !== false;
    return {
      totalPrice: available ? n(r.estimated_total_price) : null,
      trainTokens: n(r.estimated_train_token_count),
      evalTokens: n(r.estimated_eval_token_count),
      userLimit: n(r.user_limit),
      allowedToProceed: r.allowed_to_proceed === true,
      currency: 'USD',
    };
  }

  /** Jobs that carry this key's suffix (and, when given, these files and this model). */
  private async matchingJobs(key: string, hints: FindJobHints = {}): Promise<TJob[]> {
    const tag = keyTag(key);
    const wanted = hints.suffix !== undefined ? taggedSuffix(hints.suffix, key) : null;
    const list = await this.retrier.call('findJob', () => this.get<{ data?: TJob[] }>('/fine-tunes'));
    return (list.data ?? []).filter((j) => {
      const s = j.suffix ?? suffixFromOutputName(j.model_output_name, tag);
      if (!s) return false;
      // A suffix read from the model name may carry the user's suffix with a prefix before it.
      if (wanted ? !suffixMatches(s, wanted) : !s.endsWith(`-${tag}`)) return false;
      if (hints.trainingFileId && j.training_file !== hints.trainingFileId) return false;
      if (hints.validationFileId && j.validation_file !== hints.validationFileId) return false;
      if (hints.model && j.model && j.model !== hints.model) return false;
      return true;
    });
  }

  async findJob(key: string, hints?: FindJobHints): Promise<Job | null> {
    const jobs = (await this.matchingJobs(key, hints)).map((j) => this.normalizeJob(j));
    return pickJob(jobs);
  }

  async createJob(spec: JobSpec): Promise<Job> {
    const suffix = taggedSuffix(spec.suffix, spec.tag.key);
    const body = { ...this.jobBody(spec, 'createJob'), suffix };
    const hints: FindJobHints = {
      trainingFileId: spec.trainingFileId,
      validationFileId: spec.validationFileId ?? null,
      model: spec.model,
      suffix: spec.suffix ?? null,
    };
    // No metadata to mark one attempt: remember which matching jobs existed before, so that a
    // lost create is recognised as the one new job with this suffix and training file.
    const before = new Set((await this.matchingJobs(spec.tag.key, hints)).map((j) => j.id));
    return this.retrier.createOnce(
      'createJob',
      async () => this.normalizeJob((await this.request<TJob>('POST', '/fine-tunes', body)).data),
      async () => {
        const fresh = (await this.matchingJobs(spec.tag.key, hints)).filter((j) => !before.has(j.id));
        const mine = fresh[0] ? this.normalizeJob(fresh[0]) : null;
        if (mine) this.log(`The create whose answer was lost did start job ${mine.id}; using it instead of creating another`);
        return mine;
      },
    );
  }

  getJob(jobId: string): Promise<Job> {
    return this.retrier.call('getJob', async () => {
      const { data, requestId } = await this.request<TJob>('GET', `/fine-tunes/${encodeURIComponent(jobId)}`);
      return { ...this.normalizeJob(data), requestId };
    });
  }

  cancelJob(jobId: string): Promise<Job> {
    // Cancelling twice is harmless; a job that already ended answers 400, then we read it.
    return this.retrier.call('cancelJob', async () => {
      try {
        return this.normalizeJob((await this.request<TJob>('POST', `/fine-tunes/${encodeURIComponent(jobId)}/cancel`)).data);
      } catch (e) {
        if (e instanceof HttpFailure && e.status === 400) {
          const job = this.normalizeJob(await this.get<TJob>(`/fine-tunes/${encodeURIComponent(jobId)}`));
          if (['succeeded', 'failed', 'cancelled'].includes(job.status)) return job;
        }
        throw e;
      }
    });
  }

  listEvents(jobId: string, afterId?: string | null): Promise<JobEvent[]> {
    return this.retrier.call('listEvents', async () => {
      const r = await this.get<{ data?: TEvent[] }>(`/fine-tunes/${encodeURIComponent(jobId)}/events`);
      return eventsAfter(normalizeEvents(r.data ?? []), afterId);
    });
  }

  listCheckpoints(jobId: string): Promise<Checkpoint[]> {
    return this.retrier.call('listCheckpoints', async () => {
      const r = await this.get<{ data?: { step: number; path: string; created_at: string; checkpoint_type: string }[] }>(`/fine-tunes/${encodeURIComponent(jobId)}/checkpoints`);
      return (r.data ?? [])
        .map((c) => ({
          id: c.path || `${jobId}:${c.step}`,
          createdAt: toSeconds(c.created_at) ?? 0,
          stepNumber: c.step,
          model: c.path,
          metrics: { step: c.step },
        }))
        .sort((a, b) => a.stepNumber - b.stepNumber);
    });
  }

  async getModel(modelId: string): Promise<ModelInfo | null> {
    const list = await this.retrier.call('getModel', () => this.get<unknown>('/models'));
    const items = (Array.isArray(list) ? list : ((list as { data?: unknown[] })?.data ?? [])) as {
      id?: string;
      organization?: string;
      created?: number;
    }[];
    const m = items.find((x) => x?.id === modelId);
    if (!m) return null;
    return { id: modelId, ownedBy: m.organization ?? null, created: typeof m.created === 'number' ? m.created : null, shutdownDate: null };
  }

  normalizeJob(j: TJob): Job {
    const status = mapTogetherStatus(String(j.status));
    const method = j.training_method?.method;
    const hp: Hyperparameters = {};
    if (typeof j.n_epochs === 'number') hp.n_epochs = j.n_epochs;
    if (typeof j.batch_size === 'number') hp.batch_size = j.batch_size;
    if (typeof j.learning_rate === 'number') hp.learning_rate_multiplier = round(j.learning_rate / TOGETHER_BASE_LEARNING_RATE);
    if (typeof j.training_method?.dpo_beta === 'number') hp.beta = j.training_method.dpo_beta;
    const terminal = status === 'succeeded' || status === 'failed' || status === 'cancelled';
    const lastError = status === 'failed' ? ([...(j.events ?? [])].reverse().find((e) => e.type === 'job_error' || e.level === 'error')?.message ?? null) : null;
    const secs = j.progress?.estimate_available ? j.progress.seconds_remaining : undefined;
    return {
      id: j.id,
      status,
      providerStatus: String(j.status),
      model: j.model ?? '',
      fineTunedModel: status === 'succeeded' ? (j.model_output_name ?? null) : null,
      trainedTokens: status === 'succeeded' && typeof j.token_count === 'number' ? j.token_count : null,
      createdAt: toSeconds(j.created_at) ?? 0,
      finishedAt: terminal ? (toSeconds(j.updated_at) ?? null) : null,
      estimatedFinish: !terminal && typeof secs === 'number' ? Math.round(this.now() / 1000) + secs : null,
      error: status === 'failed' ? { code: 'job_error', message: lastError ?? `job ${j.id} ended with status error`, param: null } : null,
      metadata: {},
      trainingFileId: j.training_file ?? '',
      validationFileId: j.validation_file ?? null,
      method: method === 'sft' ? 'supervised' : method === 'dpo' ? 'dpo' : null,
      hyperparameters: hp,
      seed: typeof j.random_seed === 'number' ? j.random_seed : null,
      totalPrice: typeof j.total_price === 'number' ? j.total_price / NANODOLLARS : null,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Chat: dedicated endpoints

  async openChatSession(model: string, options: OpenChatOptions = {}): Promise<ChatSession> {
    if (options.existing) {
      return { provider: this.name, model, target: options.existing, needsClose: false };
    }
    const displayName = `finetune-ci smoke ${randomBytes(4).toString('hex')}`;
    const body = {
      display_name: displayName,
      model,
      hardware: this.hardware,
      autoscaling: { min_replicas: 1, max_replicas: 1 },
      inactive_timeout: this.inactiveTimeout,
    };
    let created: TEndpoint;
    try {
      created = await this.retrier.createOnce(
        'createEndpoint',
        async () => (await this.request<TEndpoint>('POST', '/endpoints', body)).data,
        async () => {
          const r = await this.get<{ data?: TEndpoint[] }>('/endpoints?type=dedicated');
          return (r.data ?? []).find((e) => e.display_name === displayName && e.model === model) ?? null;
        },
      );
    } catch (e) {
      // A request that was lost may still have started an endpoint we cannot see: say its name.
      this.log(`Could not create the smoke-test endpoint; if an endpoint named "${displayName}" appears in Together's dashboard, delete it (it is billed per minute).`);
      throw e;
    }
    const session: ChatSession = {
      provider: this.name,
      model,
      target: created.name,
      needsClose: true,
      handle: { endpointId: created.id, hardware: this.hardware },
    };
    this.log(`Started dedicated endpoint ${created.id} (${created.name}) for ${model} on ${this.hardware}; billed per minute until deleted`);
    try {
      const ready = await this.waitForEndpoint(created);
      session.target = ready.name;
      return session;
    } catch (e) {
      // Whoever asked never got a session to close: release the endpoint here.
      await this.closeChatSession(session).catch((err: unknown) => this.log(`Could not delete endpoint ${created.id}: ${(err as Error).message}; delete it at https://api.together.ai/endpoints`));
      throw e;
    }
  }

  private async waitForEndpoint(ep: TEndpoint): Promise<TEndpoint> {
    const started = this.now();
    let cur = ep;
    for (;;) {
      if (cur.state === 'STARTED') return cur;
      if (cur.state === 'ERROR' || cur.state === 'STOPPED' || cur.state === 'STOPPING') {
        throw new ProviderError({
          kind: 'unknown',
          provider: this.name,
          operation: 'openChatSession',
          message: `endpoint ${ep.id} for ${ep.model} went to ${cur.state} instead of STARTED`,
          hint: 'Check the hardware is offered for this model, or name an existing endpoint in smoke-model.',
        });
      }
      if (this.now() - started > this.endpointTimeoutMs) {
        throw new ProviderError({
          kind: 'transient',
          provider: this.name,
          operation: 'openChatSession',
          message: `endpoint ${ep.id} still ${cur.state} after ${Math.round(this.endpointTimeoutMs / 1000)} s`,
        });
      }
      await this.sleep(this.endpointPollMs);
      cur = await this.retrier.call('getEndpoint', () => this.get<TEndpoint>(`/endpoints/${encodeURIComponent(ep.id)}`));
    }
  }

  async chat(session: ChatSession, messages: ChatMessage[], options: ChatOptions = {}): Promise<ChatResult> {
    return this.retrier.call('chat', async () => {
      const started = performance.now();
      const { data, requestId } = await this.request<Record<string, unknown>>('POST', '/chat/completions', {
        model: session.target,
        // Together has no `developer` role; it means what `system` means.
        messages: messages.map((m) => ({ role: m.role === 'developer' ? 'system' : m.role, content: m.content })),
        ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
        ...(options.max_tokens !== undefined ? { max_tokens: options.max_tokens } : {}),
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
      });
      const latencyMs = performance.now() - started;
      const choices = data?.choices;
      const first = Array.isArray(choices) ? (choices[0] as { message?: { content?: unknown }; finish_reason?: unknown } | undefined) : undefined;
      if (!first || typeof first !== 'object' || !first.message || typeof first.message !== 'object') {
        throw new ProviderError({
          kind: 'bad-response',
          provider: this.name,
          operation: 'chat',
          requestId,
          message: `chat completion for ${session.target} had no message in choices[0]`,
        });
      }
      const u = data.usage as { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number } | null | undefined;
      return {
        text: typeof first.message.content === 'string' ? first.message.content : '',
        latencyMs,
        usage: u && typeof u.prompt_tokens === 'number' ? { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens ?? 0, totalTokens: u.total_tokens ?? 0 } : null,
        finishReason: typeof first.finish_reason === 'string' ? first.finish_reason : null,
        requestId,
      };
    });
  }

  async closeChatSession(session: ChatSession): Promise<void> {
    if (!session.needsClose) return;
    const id = session.handle?.endpointId;
    if (typeof id !== 'string' || !id) return;
    await this.retrier.call('deleteEndpoint', async () => {
      try {
        await this.request('DELETE', `/endpoints/${encodeURIComponent(id)}`);
      } catch (e) {
        // Already gone (a retry after a lost answer, or deleted by hand): that is what we wanted.
        if (e instanceof HttpFailure && e.status === 404) return;
        throw e;
      }
    });
    session.needsClose = false;
    this.log(`Deleted dedicated endpoint ${id}`);
  }
}
