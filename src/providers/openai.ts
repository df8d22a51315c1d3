/**
 * The OpenAI provider (and, with `name: 'azure'`, Azure OpenAI's v1 API, which has the same
 * shapes). The only module that imports `openai`.
 *
 * Retries: the SDK's own retries are switched off (`maxRetries: 0`) and done here instead, so
 * that (1) delays are ours to set (tests use milliseconds), (2) nothing that creates something
 * (a file, an upload, a job) is ever re-sent blindly: after a transient failure we first look
 * for what the lost request may have created, and (3) `insufficient_quota` is never retried.
 *
 * Over 400 lines on purpose: the one owner of the `openai` SDK; every operation of the provider
 * interface shares the retry and look-before-resending logic above.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import OpenAI, { toFile, toStreamingFile } from 'openai';
import { PLATFORM_EVENTS, today } from '../catalog/platform.js';
import { ProviderError, Retrier, classifyHttpError, defaultSleep, parseRetryAfter, type RetryOptions } from './errors.js';
import {
  TAG_KEYS,
  pickJob,
  type ChatMessage,
  type ChatOptions,
  type ChatResult,
  type ChatSession,
  type Checkpoint,
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
} from './types.js';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';
export const MB = 1024 * 1024;
/** Files API limit; above it the Uploads API is used. */
export const DEFAULT_PART_THRESHOLD_BYTES = 512 * MB;
/** Uploads API limit per part. */
export const MAX_PART_BYTES = 64 * MB;
export const BILLING_HINT =
  'The organisation is out of credit or over its spend limit: add credit or raise the limit at ' + 'https://platform.openai.com/settings/organization/billing. Retrying will not help.';

export type { RetryOptions } from './errors.js';

export interface OpenAIProviderOptions {
  apiKey: string;
  /** Default: `OPENAI_BASE_URL` from the environment, else the official API. */
  baseURL?: string | null;
  /** `azure` changes hints, and waits for files to be `processed` unless told otherwise. */
  name?: 'openai' | 'azure';
  /** Files larger than this go through the Uploads API. Default 512 MB. */
  partThresholdBytes?: number;
  /** Uploads API part size, at most 64 MB (tests set it small). Default 64 MB. */
  partSizeBytes?: number;
  /** Poll `GET /files/{id}` until `status: processed` before returning from upload. */
  waitForFileProcessed?: boolean;
  filePollIntervalMs?: number;
  fileProcessTimeoutMs?: number;
  /** Page size for event, job and checkpoint listing. Default 100. */
  pageSize?: number;
  retry?: RetryOptions;
  /** Per-request timeout. Default 10 minutes (the SDK's). */
  timeoutMs?: number;
  defaultHeaders?: Record<string, string>;
  /** Where retry notices go (never receives credentials). */
  log?: (line: string) => void;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** "Today" (YYYY-MM-DD) for the closure explanation. Default: catalog `today()`. */
  today?: () => string;
  /** Injectable for tests: a custom fetch. */
  fetch?: typeof fetch;
}

type SdkJob = OpenAI.FineTuning.Jobs.FineTuningJob;

export class OpenAIProvider implements Provider {
  readonly name: 'openai' | 'azure';
  readonly baseURL: string;
  private readonly client: OpenAI;
  private readonly threshold: number;
  private readonly partSize: number;
  private readonly waitProcessed: boolean;
  private readonly filePollMs: number;
  private readonly fileTimeoutMs: number;
  private readonly pageSize: number;
  private readonly retrier: Retrier;
  private readonly log: (line: string) => void;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly today: () => string;

  constructor(options: OpenAIProviderOptions) {
    this.name = options.name ?? 'openai';
    const envURL = process.env.OPENAI_BASE_URL?.trim();
    this.baseURL = options.baseURL?.trim() || envURL || OPENAI_DEFAULT_BASE_URL;
    this.threshold = options.partThresholdBytes ?? DEFAULT_PART_THRESHOLD_BYTES;
    const part = options.partSizeBytes ?? MAX_PART_BYTES;
    if (!(part > 0 && part <= MAX_PART_BYTES)) {
      throw new RangeError(`partSizeBytes must be between 1 and ${MAX_PART_BYTES} (64 MB), got ${part}`);
    }
    this.partSize = part;
    this.waitProcessed = options.waitForFileProcessed ?? this.name === 'azure';
    this.filePollMs = options.filePollIntervalMs ?? 2000;
    this.fileTimeoutMs = options.fileProcessTimeoutMs ?? 30 * 60_000;
    this.pageSize = options.pageSize ?? 100;
    this.log = options.log ?? (() => {});
    this.sleep = options.sleep ?? defaultSleep;
    this.retrier = new Retrier({
      retry: options.retry,
      toError: (e, op) => this.toError(e, op),
      log: this.log,
      sleep: this.sleep,
    });
    this.today = options.today ?? (() => today());
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: this.baseURL,
      maxRetries: 0,
      timeout: options.timeoutMs ?? 10 * 60_000,
      // Pinned so that OPENAI_LOG=debug cannot print request bodies and headers into a CI log.
      logLevel: 'warn',
      ...(options.defaultHeaders ? { defaultHeaders: options.defaultHeaders } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  // -------------------------------------------------------------------------------------------
  // Files

  async upload(localPath: string, options: UploadOptions): Promise<ReadyFile> {
    const { size } = await stat(localPath);
    const name = options.name;
    const existing = await this.findFile(name, size, options.purpose);
    if (existing) {
      this.log(`Reusing ${existing.id} (${name}, ${size} bytes): same name and size already uploaded`);
      await this.waitUntilProcessed(existing.id);
      return { id: existing.id, name, bytes: size, reused: true, via: null };
    }
    const via = size > this.threshold ? 'uploads' : 'files';
    const file = via === 'uploads' ? await this.uploadInParts(localPath, size, options) : await this.uploadWhole(localPath, size, options);
    await this.waitUntilProcessed(file.id);
    return { id: file.id, name: file.filename, bytes: file.bytes, reused: false, via };
  }

  /** An uploaded file with this exact name and size, not in error; null if there is none. */
  private findFile(name: string, bytes: number, purpose: string): Promise<OpenAI.Files.FileObject | null> {
    return this.call('listFiles', async () => {
      let best: OpenAI.Files.FileObject | null = null;
      for await (const f of this.client.files.list({ purpose })) {
        if (f.filename !== name || f.bytes !== bytes || f.status === 'error') continue;
        if (!best || (f.status === 'processed' && best.status !== 'processed') || f.created_at > best.created_at) {
          best = f;
        }
      }
      return best;
    });
  }

  private async uploadWhole(localPath: string, size: number, options: UploadOptions): Promise<OpenAI.Files.FileObject> {
    // A fresh stream per attempt: a streamed body cannot be re-sent, so the SDK never retries
    // it, and neither do we before looking for a file the lost attempt may have created.
    const file = await this.createOnce(
      'uploadFile',
      () =>
        this.client.files.create(
          {
            file: toStreamingFile(createReadStream(localPath), options.name, { type: 'application/jsonl' }),
            purpose: options.purpose,
          },
          { maxRetries: 0 },
        ),
      () => this.findFile(options.name, size, options.purpose),
    );
    options.onProgress?.(size, size);
    return file;
  }

  private async uploadInParts(localPath: string, size: number, options: UploadOptions): Promise<OpenAI.Files.FileObject> {
    // Creating an upload twice only leaves an unused pending upload that expires in an hour.
    const upload = await this.call('createUpload', () => this.client.uploads.create({ bytes: size, filename: options.name, purpose: options.purpose, mime_type: 'text/jsonl' }, { maxRetries: 0 }));
    this.log(`Uploading ${options.name} (${size} bytes) through the Uploads API in parts of ${this.partSize} bytes (${upload.id})`);
    const md5 = createHash('md5');
    const partIds: string[] = [];
    const fh = await open(localPath, 'r');
    try {
      let offset = 0;
      while (offset < size) {
        const len = Math.min(this.partSize, size - offset);
        // One part in memory at a time: memory stays bounded by the part size, and a buffered
        // part (unlike a stream) can be sent again when a transient error interrupts it.
        const buf = Buffer.allocUnsafe(len);
        let filled = 0;
        while (filled < len) {
          const { bytesRead } = await fh.read(buf, filled, len - filled, offset + filled);
          if (bytesRead === 0) throw new Error(`${localPath} shrank while uploading (expected ${size} bytes)`);
          filled += bytesRead;
        }
        md5.update(buf);
        const data = await toFile(buf, options.name, { type: 'application/octet-stream' });
        const part = await this.call('uploadPart', () => this.client.uploads.parts.create(upload.id, { data }, { maxRetries: 0 }));
        partIds.push(part.id);
        offset += len;
        options.onProgress?.(offset, size);
      }
    } finally {
      await fh.close();
    }
    const digest = md5.digest('hex');
    return this.createOnce(
      'completeUpload',
      async () => {
        const done = await this.client.uploads.complete(upload.id, { part_ids: partIds, md5: digest }, { maxRetries: 0 });
        if (!done.file) {
          throw new ProviderError({
            kind: 'bad-response',
            provider: this.name,
            operation: 'completeUpload',
            message: `upload ${upload.id} completed with status ${done.status} but without a file`,
          });
        }
        return done.file;
      },
      // A completion whose answer was lost has already made the file.
      () => this.findFile(options.name, size, options.purpose),
    );
  }

  private async waitUntilProcessed(fileId: string): Promise<void> {
    if (!this.waitProcessed) return;
    const started = Date.now();
    for (;;) {
      const f = await this.call('getFile', () => this.client.files.retrieve(fileId));
      if (f.status === 'processed') return;
      if (f.status === 'error') {
        throw new ProviderError({
          kind: 'invalid',
          provider: this.name,
          operation: 'upload',
          message: `file ${fileId} failed processing: ${f.status_details ?? 'no details given'}`,
          hint: 'Fix the data the message points at and push again.',
        });
      }
      if (Date.now() - started > this.fileTimeoutMs) {
        throw new ProviderError({
          kind: 'transient',
          provider: this.name,
          operation: 'upload',
          message: `file ${fileId} still "${f.status}" after ${Math.round(this.fileTimeoutMs / 1000)} s`,
        });
      }
      await this.sleep(this.filePollMs);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Jobs

  async findJob(key: string, _hints?: FindJobHints): Promise<Job | null> {
    return pickJob(await this.jobsWithKey(key));
  }

  private jobsWithKey(key: string): Promise<Job[]> {
    return this.call('findJob', async () => {
      const out: Job[] = [];
      let seen = 0;
      for await (const j of this.client.fineTuning.jobs.list({ metadata: { [TAG_KEYS.key]: key }, limit: this.pageSize })) {
        // Checked here too: a server that ignored the filter must not make us adopt a stranger's job.
        if (j.metadata?.[TAG_KEYS.key] === key) out.push(normalizeJob(j));
        if (++seen >= 2000) break;
      }
      return out;
    });
  }

  async createJob(spec: JobSpec): Promise<Job> {
    const createId = randomUUID();
    const body = this.jobBody(spec, createId);
    try {
      return await this.createOnce(
        'createJob',
        async () => normalizeJob(await this.client.fineTuning.jobs.create(body, { maxRetries: 0 })),
        async () => {
          const jobs = await this.jobsWithKey(spec.tag.key);
          const mine = jobs.find((j) => j.metadata[TAG_KEYS.attempt] === createId) ?? null;
          if (mine) this.log(`The create whose answer was lost did start job ${mine.id}; using it instead of creating another`);
          return mine;
        },
      );
    } catch (e) {
      if (e instanceof ProviderError && (e.kind === 'permission' || e.kind === 'auth')) {
        throw e.withHint(this.permissionHint(e.kind));
      }
      throw e;
    }
  }

  private jobBody(spec: JobSpec, createId: string): OpenAI.FineTuning.Jobs.JobCreateParams {
    if (spec.suffix != null && (spec.suffix.length < 1 || spec.suffix.length > 64)) {
      throw new ProviderError({
        kind: 'invalid',
        provider: this.name,
        operation: 'createJob',
        param: 'suffix',
        message: `suffix must be 1 to 64 characters, got ${spec.suffix.length}`,
      });
    }
    const hp = spec.hyperparameters ?? {};
    const common: Record<string, number | 'auto'> = {};
    if (hp.n_epochs !== undefined) common.n_epochs = hp.n_epochs;
    if (hp.batch_size !== undefined) common.batch_size = hp.batch_size;
    if (hp.learning_rate_multiplier !== undefined) common.learning_rate_multiplier = hp.learning_rate_multiplier;
    const metadata: Record<string, string> = { [TAG_KEYS.key]: spec.tag.key, [TAG_KEYS.attempt]: createId };
    const put = (k: string, v: string | undefined) => {
      if (v) metadata[k] = v.slice(0, 512);
    };
    put(TAG_KEYS.commit, spec.tag.commit);
    put(TAG_KEYS.repository, spec.tag.repository);
    put(TAG_KEYS.target, spec.tag.target);
    let method: OpenAI.FineTuning.Jobs.JobCreateParams['method'];
    if (spec.method === 'dpo') {
      const dpo: Record<string, number | 'auto'> = { ...common };
      if (hp.beta !== undefined) dpo.beta = hp.beta;
      method = { type: 'dpo', dpo: { hyperparameters: dpo } };
    } else if (spec.method === 'reinforcement') {
      const { grader, ...rest } = (spec.providerOptions ?? {}) as { grader?: unknown };
      void rest;
      method = {
        type: 'reinforcement',
        reinforcement: { hyperparameters: common, grader } as unknown as OpenAI.FineTuning.ReinforcementMethod,
      };
    } else {
      method = { type: 'supervised', supervised: { hyperparameters: common } };
    }
    const { grader: _g, ...extra } = (spec.providerOptions ?? {}) as Record<string, unknown>;
    void _g;
    return {
      model: spec.model,
      training_file: spec.trainingFileId,
      ...(spec.validationFileId ? { validation_file: spec.validationFileId } : {}),
      ...(spec.suffix ? { suffix: spec.suffix } : {}),
      ...(spec.seed != null ? { seed: spec.seed } : {}),
      method,
      metadata,
      ...extra,
    } as OpenAI.FineTuning.Jobs.JobCreateParams;
  }

  /** Why job creation may be refused although the key works, with OpenAI's closure dates. */
  permissionHint(kind: 'permission' | 'auth'): string {
    const lines: string[] = [];
    if (kind === 'auth') lines.push('Check that the API key is valid and belongs to the right organisation and project.');
    if (this.name === 'openai') {
      const now = this.today();
      const events = PLATFORM_EVENTS.filter((e) => e.provider === 'openai');
      const said = events.map((e) => `${e.date <= now ? 'since' : 'from'} ${e.date}, ${e.what}${e.confirmed ? '' : ' (unconfirmed)'}`).join('; ');
      lines.push(`OpenAI is winding down self-serve fine-tuning: ${said}. ` + 'If this organisation is affected, move this target to another provider (Azure OpenAI or Together, `provider` input).');
    } else {
      lines.push('Check that the key may create fine-tuning jobs on this resource and that the base model is open to you.');
    }
    return lines.join(' ');
  }

  getJob(jobId: string): Promise<Job> {
    return this.call('getJob', async () => {
      const { data, request_id, response } = await this.client.fineTuning.jobs.retrieve(jobId).withResponse();
      return { ...normalizeJob(data), requestId: requestIdOf(request_id, response.headers) };
    });
  }

  cancelJob(jobId: string): Promise<Job> {
    // Cancelling twice is harmless, so a plain retry is fine.
    return this.call('cancelJob', async () => normalizeJob(await this.client.fineTuning.jobs.cancel(jobId)));
  }

  listEvents(jobId: string, afterId?: string | null): Promise<JobEvent[]> {
    return this.call('listEvents', async () => {
      // The API lists newest first and pages towards older events: read until we meet the last
      // event we already have, then turn the result around.
      const newer: JobEvent[] = [];
      let page = await this.client.fineTuning.jobs.listEvents(jobId, { limit: this.pageSize });
      for (;;) {
        let reached = false;
        for (const e of page.data) {
          if (afterId && e.id === afterId) {
            reached = true;
            break;
          }
          newer.push(normalizeEvent(e));
        }
        if (reached || !page.hasNextPage()) break;
        page = await page.getNextPage();
      }
      return newer.reverse();
    });
  }

  listCheckpoints(jobId: string): Promise<Checkpoint[]> {
    return this.call('listCheckpoints', async () => {
      const out: Checkpoint[] = [];
      for await (const c of this.client.fineTuning.jobs.checkpoints.list(jobId, { limit: this.pageSize })) {
        out.push({
          id: c.id,
          createdAt: c.created_at,
          stepNumber: c.step_number,
          model: c.fine_tuned_model_checkpoint,
          metrics: { ...(c.metrics ?? {}) },
        });
      }
      return out.sort((a, b) => a.stepNumber - b.stepNumber);
    });
  }

  async getModel(modelId: string): Promise<ModelInfo | null> {
    try {
      const m = await this.call('getModel', () => this.client.models.retrieve(modelId));
      const shutdown = (m as { shutdown_date?: string | null }).shutdown_date;
      return {
        id: m.id,
        ownedBy: m.owned_by ?? null,
        created: typeof m.created === 'number' ? m.created : null,
        shutdownDate: typeof shutdown === 'string' && shutdown ? shutdown : null,
      };
    } catch (e) {
      if (e instanceof ProviderError && e.kind === 'not-found') return null;
      throw e;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Chat

  async openChatSession(model: string, options: OpenChatOptions = {}): Promise<ChatSession> {
    return { provider: this.name, model, target: options.existing ?? model, needsClose: false };
  }

  async chat(session: ChatSession, messages: ChatMessage[], options: ChatOptions = {}): Promise<ChatResult> {
    return this.call('chat', async () => {
      const started = performance.now();
      const {
        data,
        request_id: xRequestId,
        response,
      } = await this.client.chat.completions
        .create(
          {
            model: session.target,
            messages,
            ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
            ...(options.max_tokens !== undefined ? { max_tokens: options.max_tokens } : {}),
            ...(options.seed !== undefined ? { seed: options.seed } : {}),
          },
          { maxRetries: 0 },
        )
        .withResponse();
      const latencyMs = performance.now() - started;
      const request_id = requestIdOf(xRequestId, response.headers);
      const choice = (data as { choices?: unknown }).choices;
      const first = Array.isArray(choice) ? (choice[0] as OpenAI.Chat.ChatCompletion.Choice | undefined) : undefined;
      if (!first || typeof first !== 'object' || !first.message || typeof first.message !== 'object') {
        throw new ProviderError({
          kind: 'bad-response',
          provider: this.name,
          operation: 'chat',
          requestId: request_id,
          message: `chat completion for ${session.target} had no message in choices[0]`,
        });
      }
      const content = first.message.content;
      const text = typeof content === 'string' ? content : (first.message.refusal ?? '');
      const u = data.usage;
      return {
        text,
        latencyMs,
        usage: u ? { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens, totalTokens: u.total_tokens } : null,
        finishReason: first.finish_reason ?? null,
        requestId: request_id,
      };
    });
  }

  async closeChatSession(_session: ChatSession): Promise<void> {
    // Nothing to release: OpenAI serves fine-tuned models without a deployment.
  }

  // -------------------------------------------------------------------------------------------
  // Errors and retries

  /** Run a read (or an idempotent write) with retries on transient errors (shared rules: errors.ts). */
  private call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    return this.retrier.call(operation, fn);
  }

  /** Run something that creates a resource; a lost create is looked for before it is re-sent. */
  private createOnce<T>(operation: string, create: () => Promise<T>, recover: () => Promise<T | null>): Promise<T> {
    return this.retrier.createOnce(operation, create, recover);
  }

  /** Any thrown value as a ProviderError of the right kind. */
  toError(e: unknown, operation: string): ProviderError {
    if (e instanceof ProviderError) return e;
    const base = { provider: this.name, operation, cause: e };
    if (e instanceof OpenAI.APIUserAbortError) {
      return new ProviderError({ ...base, kind: 'aborted', message: 'request aborted' });
    }
    if (e instanceof OpenAI.APIConnectionError) {
      // Includes APIConnectionTimeoutError: resets, refused connections, timeouts.
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const detail = cause?.code ?? cause?.message;
      return new ProviderError({
        ...base,
        kind: 'transient',
        message: `${e.message}${detail ? ` (${detail})` : ''}`,
      });
    }
    if (e instanceof OpenAI.APIError) {
      const status = typeof e.status === 'number' ? e.status : null;
      const body = (e.error ?? {}) as { message?: unknown; code?: unknown; type?: unknown; param?: unknown; inner_error?: unknown };
      const code = typeof e.code === 'string' ? e.code : null;
      const type = typeof e.type === 'string' ? e.type : null;
      const plain = typeof body.message === 'string' && body.message ? body.message : e.message;
      // Azure adds `inner_error` ({code, message?, content_filter_results?}) with the real reason.
      const inner = describeInnerError(body.inner_error);
      const message = inner ? `${plain} (inner error: ${inner})` : plain;
      const retryAfterMs = e.headers ? parseRetryAfter((n) => e.headers?.get(n)) : null;
      const kind = classifyHttpError(status, code, type);
      return new ProviderError({
        ...base,
        kind,
        status,
        code,
        type,
        param: typeof e.param === 'string' ? e.param : null,
        // Azure answers with `apim-request-id` (and not always `x-request-id`).
        requestId: e.requestID ?? e.headers?.get('apim-request-id') ?? null,
        retryAfterMs,
        message,
        hint: kind === 'quota' ? (this.name === 'openai' ? BILLING_HINT : 'Out of quota: raise it or wait for it to reset.') : null,
      });
    }
    const err = e as { message?: string; code?: string };
    return new ProviderError({
      ...base,
      kind: err?.code === 'ENOENT' ? 'invalid' : 'unknown',
      message: err?.message ?? String(e),
    });
  }
}

/** `x-request-id`, else Azure's `apim-request-id`; null when neither is there. */
function requestIdOf(xRequestId: string | null | undefined, headers: Headers | undefined): string | null {
  return xRequestId ?? headers?.get('apim-request-id') ?? null;
}

/** Azure's `inner_error` as one short phrase: its code and, when given, its message. */
export function describeInnerError(inner: unknown): string | null {
  if (!inner || typeof inner !== 'object') return null;
  const i = inner as { code?: unknown; message?: unknown; error?: unknown };
  const code = typeof i.code === 'string' && i.code ? i.code : null;
  const msg = typeof i.message === 'string' && i.message ? i.message : null;
  if (!code && !msg) return null;
  return [code, msg].filter(Boolean).join(': ');
}

function hyperparametersOf(j: SdkJob): Hyperparameters {
  const m = j.method;
  const fromMethod = m ? (m[m.type as 'supervised' | 'dpo'] as { hyperparameters?: Hyperparameters } | undefined)?.hyperparameters : undefined;
  const hp = (fromMethod ?? j.hyperparameters ?? {}) as Record<string, unknown>;
  const out: Hyperparameters = {};
  for (const k of ['n_epochs', 'batch_size', 'learning_rate_multiplier', 'beta'] as const) {
    const v = hp[k];
    if (typeof v === 'number' || v === 'auto') out[k] = v;
  }
  return out;
}

export function normalizeJob(j: SdkJob): Job {
  const status = String(j.status);
  const method = j.method?.type;
  return {
    id: j.id,
    status,
    providerStatus: status,
    model: j.model,
    fineTunedModel: j.fine_tuned_model ?? null,
    trainedTokens: j.trained_tokens ?? null,
    createdAt: j.created_at,
    finishedAt: j.finished_at ?? null,
    estimatedFinish: j.estimated_finish ?? null,
    error: j.error ? { code: j.error.code, message: j.error.message, param: j.error.param ?? null } : null,
    metadata: { ...((j.metadata as Record<string, string> | null | undefined) ?? {}) },
    trainingFileId: j.training_file,
    validationFileId: j.validation_file ?? null,
    method: method === 'supervised' || method === 'dpo' || method === 'reinforcement' ? method : null,
    hyperparameters: hyperparametersOf(j),
    seed: typeof j.seed === 'number' ? j.seed : null,
    totalPrice: null,
  };
}

function normalizeEvent(e: OpenAI.FineTuning.Jobs.FineTuningJobEvent): JobEvent {
  return {
    id: e.id,
    createdAt: e.created_at,
    level: e.level,
    message: e.message,
    type: e.type ?? null,
    data: e.data && typeof e.data === 'object' ? (e.data as Record<string, unknown>) : null,
  };
}
