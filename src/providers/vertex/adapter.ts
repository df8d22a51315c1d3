/**
 * Gemini supervised tuning on Vertex AI, through Google's own clients: `@google/genai`
 * (`tunings.tune/get/list/cancel`, `models.generateContent`, with `vertexai: true`) and
 * `@google-cloud/storage` for the dataset. Shapes: aiplatform v1 `TuningJob`,
 * `SupervisedTuningSpec`, `TuningDataStats` (googleapis/googleapis
 * google/cloud/aiplatform/v1/tuning_job.proto @ 0fa9ce880be5ea7c3027015849cd4fbfb04812c5).
 *
 * - Credentials: Application Default Credentials, as google-github-actions/auth leaves them
 *   (GOOGLE_APPLICATION_CREDENTIALS → an external_account file for Workload Identity
 *   Federation, or a service-account key). No key input; a clear error when none is found.
 * - Upload: the dataset is converted to Vertex form (convert.ts), named by the sha256 of the
 *   converted bytes under the `vertex-bucket` prefix, and reused when already there.
 * - Jobs are tagged with labels (keys and values ≤ 64 characters, lowercase letters, digits,
 *   `_`, `-`): our job key, the commit, and one id per create so that a create whose answer
 *   was lost is found, not repeated. A rerun finds the job by its key label.
 * - Reads use the clients' own retries (408/429/5xx); a create is sent once per attempt and
 *   looked for before it is sent again (errors.ts `Retrier.createOnce`).
 * - The tuned model is deployed to an endpoint by Vertex itself; smoke tests call
 *   generateContent on that endpoint (serverless, per token: nothing to close).
 * - Vertex has no event stream for tuning jobs: state changes seen while polling are the events.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError, GoogleGenAI, type HttpRetryOptions, type TuningJob } from '@google/genai';
import { Storage } from '@google-cloud/storage';
import { ProviderError, Retrier, classifyHttpError, type RetryOptions } from '../errors.js';
import { ProviderSetupError, type ProviderSettings } from '../registry.js';
import {
  pickJob,
  TAG_KEYS,
  type ChatMessage,
  type ChatOptions,
  type ChatResult,
  type ChatSession,
  type Checkpoint,
  type FindJobHints,
  type Job,
  type JobEvent,
  type JobSpec,
  type KnownJobStatus,
  type ModelInfo,
  type OpenChatOptions,
  type Provider,
  type ReadyFile,
  type UploadOptions,
} from '../types.js';
import { convertFile, formatProblem } from './convert-file.js';

export interface VertexProviderOptions {
  project: string;
  location: string;
  /** gs://bucket or gs://bucket/prefix/ */
  bucket: string;
  /** Vertex API root (a fake in tests); default Google's regional endpoint. */
  baseUrl?: string;
  /** Cloud Storage API root (a fake in tests); default Google's. */
  storageBaseUrl?: string;
  /** The clients' own retries for reads. */
  httpRetry?: HttpRetryOptions;
  /** Retries of a create (sent once per attempt, looked for in between). */
  createRetry?: RetryOptions;
  /** The fetch @google/genai uses (default its own); Jest's ESM sandbox needs its realm's fetch. */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  tempRoot?: string;
  log?: (line: string) => void;
}

const PROVIDER = 'vertex';

/** JobState (job_state.proto) → our status words. */
const STATES: Readonly<Record<string, KnownJobStatus>> = {
  JOB_STATE_QUEUED: 'queued',
  JOB_STATE_PENDING: 'queued',
  JOB_STATE_RUNNING: 'running',
  JOB_STATE_UPDATING: 'running',
  JOB_STATE_CANCELLING: 'running',
  JOB_STATE_SUCCEEDED: 'succeeded',
  JOB_STATE_PARTIALLY_SUCCEEDED: 'succeeded',
  JOB_STATE_FAILED: 'failed',
  JOB_STATE_EXPIRED: 'failed',
  JOB_STATE_CANCELLED: 'cancelled',
};

export function mapVertexState(state: string | undefined): string {
  return (state && STATES[state]) ?? (state ? state.replace(/^JOB_STATE_/, '').toLowerCase() : 'unknown');
}

/** A label value: lowercase letters, digits, `_` and `-`, at most 64 characters. */
export function labelValue(v: string): string {
  return v
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .slice(0, 64);
}

export function parseBucket(uri: string): { bucket: string; prefix: string } {
  const m = /^gs:\/\/([a-z0-9][a-z0-9._-]{1,220}[a-z0-9])(\/.*)?$/.exec(uri.trim());
  if (!m) throw new ProviderSetupError(`input vertex-bucket: "${uri}" is not a gs:// bucket; use gs://my-bucket or gs://my-bucket/finetune-ci/`);
  let prefix = (m[2] ?? '').replace(/^\/+/, '');
  if (prefix && !prefix.endsWith('/')) prefix += '/';
  return { bucket: m[1]!, prefix };
}

/** Where ADC would find credentials; null when there are none (the message says what to add). */
export function findCredentials(env: NodeJS.ProcessEnv = process.env): string | null {
  const file = env.GOOGLE_APPLICATION_CREDENTIALS?.trim();
  if (file) {
    if (!existsSync(file)) {
      throw new ProviderSetupError(`GOOGLE_APPLICATION_CREDENTIALS points at ${file}, which does not exist; run google-github-actions/auth in the same job before finetune-ci`);
    }
    return file;
  }
  const config = env.CLOUDSDK_CONFIG?.trim() || join(env.APPDATA && process.platform === 'win32' ? env.APPDATA : join(homedir(), '.config'), 'gcloud');
  const wellKnown = join(config, 'application_default_credentials.json');
  if (existsSync(wellKnown)) return wellKnown;
  // On Google Cloud (GCE, Cloud Run) the metadata server answers: let ADC find it.
  if (env.GCE_METADATA_HOST || env.GCE_METADATA_IP || env.K_SERVICE) return null;
  throw new ProviderSetupError(
    'no Google Cloud credentials found for provider vertex: add a google-github-actions/auth step before finetune-ci ' +
      '(workload_identity_provider and service_account, with permissions id-token: write), which sets GOOGLE_APPLICATION_CREDENTIALS; ' +
      'the service account needs roles/aiplatform.user and write access to the vertex-bucket',
  );
}

export async function createVertexProvider(s: ProviderSettings): Promise<VertexProvider> {
  const missing = (['project', 'location', 'bucket'] as const).filter((k) => !s[k]?.trim());
  if (missing.length) {
    throw new ProviderSetupError(
      `${missing.map((k) => `input vertex-${k}`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} empty: provider vertex needs the Google Cloud project, the region (e.g. us-central1) and a gs:// bucket for the datasets`,
    );
  }
  parseBucket(s.bucket!);
  findCredentials();
  return new VertexProvider({
    project: s.project!.trim(),
    location: s.location!.trim(),
    bucket: s.bucket!.trim(),
    baseUrl: s.baseUrl,
    storageBaseUrl: s.storageBaseUrl,
    log: s.log,
  });
}

/** Google error body: {"error": {"code", "message", "status"}}; ApiError carries it as JSON text. */
function googleStatus(message: string): { status: string | null; text: string } {
  const i = message.indexOf('{');
  if (i >= 0) {
    try {
      const body = JSON.parse(message.slice(i)) as { error?: { message?: string; status?: string } };
      if (body.error) return { status: body.error.status ?? null, text: body.error.message ?? message };
    } catch {
      // not JSON
    }
  }
  return { status: null, text: message };
}

export function toProviderError(e: unknown, operation: string): ProviderError {
  if (e instanceof ProviderError) return e;
  if (e instanceof ApiError) {
    const g = googleStatus(e.message);
    const kind = classifyHttpError(e.status, g.status, null);
    const hint =
      kind === 'auth'
        ? 'Google refused the credentials: check the google-github-actions/auth step (workload identity provider, service account) runs in this job'
        : kind === 'permission'
          ? 'the service account needs roles/aiplatform.user in the project and write access (roles/storage.objectUser) to the vertex-bucket'
          : null;
    return new ProviderError({ kind, message: g.text.slice(0, 500), provider: PROVIDER, operation, status: e.status, code: g.status, hint, cause: e });
  }
  const err = e as { code?: unknown; message?: string; name?: string };
  if (err?.name === 'AbortError') return new ProviderError({ kind: 'aborted', message: 'aborted', provider: PROVIDER, operation, cause: e });
  // @google-cloud/storage: ApiError with a numeric `code` (HTTP status).
  if (typeof err?.code === 'number') {
    return new ProviderError({ kind: classifyHttpError(err.code, null, null), message: String(err.message ?? e).slice(0, 500), provider: PROVIDER, operation, status: err.code, cause: e });
  }
  const network = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|fetch failed|socket hang up/i.test(String(err?.message ?? ''));
  return new ProviderError({ kind: network ? 'transient' : 'unknown', message: String(err?.message ?? e).slice(0, 500), provider: PROVIDER, operation, cause: e });
}

const seconds = (iso: string | undefined): number | null => (iso ? Math.floor(Date.parse(iso) / 1000) : null);

export class VertexProvider implements Provider {
  readonly name = 'vertex' as const;
  private readonly ai: GoogleGenAI;
  private readonly storage: Storage;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly retrier: Retrier;
  private readonly log: (line: string) => void;
  private readonly tempRoot: string;
  /** State changes seen per job, oldest first: Vertex's tuning jobs have no event list. */
  private readonly seen = new Map<string, JobEvent[]>();
  private readonly now: () => number;

  constructor(readonly o: VertexProviderOptions) {
    const { bucket, prefix } = parseBucket(o.bucket);
    this.bucket = bucket;
    this.prefix = prefix;
    this.log = o.log ?? (() => {});
    this.now = o.now ?? Date.now;
    this.tempRoot = o.tempRoot ?? process.env.RUNNER_TEMP ?? tmpdir();
    const scopes = ['https://www.googleapis.com/auth/cloud-platform'];
    this.ai = new GoogleGenAI({
      vertexai: true,
      project: o.project,
      location: o.location,
      apiVersion: 'v1',
      // Application Default Credentials: GOOGLE_APPLICATION_CREDENTIALS (google-github-actions/auth), gcloud, or the metadata server.
      googleAuthOptions: { scopes, projectId: o.project },
      httpOptions: {
        ...(o.baseUrl ? { baseUrl: o.baseUrl } : {}),
        retryOptions: o.httpRetry ?? { attempts: 5, initialDelay: 1, maxDelay: 30 },
        ...(o.fetch ? { fetch: o.fetch } : {}),
      },
    });
    this.storage = new Storage({
      projectId: o.project,
      ...(o.storageBaseUrl ? { apiEndpoint: o.storageBaseUrl, useAuthWithCustomEndpoint: true } : {}),
      scopes,
      retryOptions: { autoRetry: true, maxRetries: o.httpRetry?.attempts !== undefined ? Math.max(0, o.httpRetry.attempts - 1) : 4, totalTimeout: 600 },
    });
    this.retrier = new Retrier({ retry: o.createRetry, toError: toProviderError, log: this.log, sleep: o.sleep });
  }

  private parent(): string {
    return `projects/${this.o.project}/locations/${this.o.location}`;
  }

  private async guard<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw toProviderError(e, operation);
    }
  }

  // ------------------------------------------------------------------------------ files

  async upload(localPath: string, options: UploadOptions): Promise<ReadyFile> {
    const role = /^valid/.test(options.name) ? 'valid' : 'train';
    const tmp = join(this.tempRoot, `finetune-ci-vertex-${randomUUID()}.jsonl`);
    try {
      const summary = await convertFile(localPath, tmp);
      if (summary.problems.length) {
        const first = summary.problems[0]!;
        throw new ProviderError({
          kind: 'invalid',
          provider: PROVIDER,
          operation: 'upload',
          message: `${summary.problems.length} example(s) cannot be converted to Vertex form; the first: ${formatProblem(first)}`,
          hint: 'fix the lines named, or convert the file yourself (finetune-ci convert <file> --to vertex) and commit the Vertex form',
          line: first.line,
        });
      }
      const object = `${this.prefix}${role}.${summary.sha256.slice(0, 16)}.jsonl`;
      const uri = `gs://${this.bucket}/${object}`;
      const file = this.storage.bucket(this.bucket).file(object);
      const [exists] = await this.guard('upload', () => file.exists());
      if (exists) {
        const [meta] = await this.guard('upload', () => file.getMetadata());
        if (Number(meta.size) === summary.bytes) {
          this.log(`${uri}: already uploaded (${summary.bytes} bytes, same content hash): reusing it`);
          return { id: uri, name: object, bytes: summary.bytes, reused: true, via: null };
        }
      }
      await this.guard('upload', () =>
        this.storage.bucket(this.bucket).upload(tmp, {
          destination: object,
          resumable: false,
          validation: 'md5',
          metadata: { contentType: 'application/jsonl' },
        }),
      );
      options.onProgress?.(summary.bytes, summary.bytes);
      if (summary.alreadyVertex < summary.examples) this.log(`${localPath}: ${summary.examples - summary.alreadyVertex} example(s) converted to Vertex form`);
      return { id: uri, name: object, bytes: summary.bytes, reused: false, via: 'files' };
    } finally {
      await rm(tmp, { force: true });
    }
  }

  // ------------------------------------------------------------------------------ jobs

  private toJob(j: TuningJob): Job {
    const spec = j.supervisedTuningSpec;
    const stats = j.tuningDataStats?.supervisedTuningDataStats;
    const epochs = spec?.hyperParameters?.epochCount !== undefined ? Number(spec.hyperParameters.epochCount) : null;
    const billable = stats?.totalBillableTokenCount !== undefined ? Number(stats.totalBillableTokenCount) : null;
    const status = mapVertexState(j.state);
    return {
      id: j.name ?? '',
      status,
      providerStatus: j.state ?? 'JOB_STATE_UNSPECIFIED',
      model: j.baseModel ?? '',
      // What answers chat: the endpoint Vertex deployed the tuned model to.
      fineTunedModel: j.tunedModel?.endpoint ?? j.tunedModel?.model ?? null,
      // Billed training tokens = the dataset's billable tokens × epochs.
      trainedTokens: billable === null ? null : epochs ? billable * epochs : billable,
      createdAt: seconds(j.createTime) ?? 0,
      finishedAt: seconds(j.endTime),
      estimatedFinish: null,
      error: j.error ? { code: String(j.error.code ?? 'error'), message: j.error.message ?? 'the tuning job failed', param: null } : null,
      metadata: { ...(j.labels ?? {}) },
      trainingFileId: spec?.trainingDatasetUri ?? '',
      validationFileId: spec?.validationDatasetUri ?? null,
      method: spec ? 'supervised' : null,
      hyperparameters: {
        ...(epochs !== null ? { n_epochs: epochs } : {}),
        ...(spec?.hyperParameters?.learningRateMultiplier !== undefined ? { learning_rate_multiplier: spec.hyperParameters.learningRateMultiplier } : {}),
      },
      seed: null,
      totalPrice: null,
    };
  }

  private note(job: Job, raw: TuningJob): void {
    const events = this.seen.get(job.id) ?? [];
    const last = events[events.length - 1];
    const stats = raw.tuningDataStats?.supervisedTuningDataStats;
    const message =
      `${job.providerStatus}` +
      (stats?.tuningStepCount !== undefined ? `, ${stats.tuningStepCount} tuning steps` : '') +
      (stats?.totalBillableTokenCount !== undefined ? `, ${stats.totalBillableTokenCount} billable tokens in the dataset` : '') +
      (job.fineTunedModel ? `, endpoint ${job.fineTunedModel}` : '') +
      (raw.tunedModel?.model ? `, model ${raw.tunedModel.model}` : '') +
      (job.error ? `: ${job.error.message}` : '');
    if (last?.message === message) return;
    events.push({
      id: `${events.length + 1}`,
      createdAt: Math.floor(this.now() / 1000),
      level: job.status === 'failed' ? 'error' : 'info',
      message,
      type: 'message',
      data: null,
    });
    this.seen.set(job.id, events);
  }

  async getJob(jobId: string): Promise<Job> {
    const raw = await this.guard('getJob', () => this.ai.tunings.get({ name: jobId }));
    const job = this.toJob(raw);
    this.note(job, raw);
    return job;
  }

  private async listByLabel(key: string, value: string): Promise<Job[]> {
    return this.guard('findJob', async () => {
      const pager = await this.ai.tunings.list({ config: { filter: `labels.${key}="${value}"`, pageSize: 100 } });
      const jobs: Job[] = [];
      for await (const j of pager) {
        // The filter is the server's; check the label here too.
        if (j.labels?.[key] === value) jobs.push(this.toJob(j));
      }
      return jobs;
    });
  }

  async findJob(key: string, _hints?: FindJobHints): Promise<Job | null> {
    return pickJob(await this.listByLabel(TAG_KEYS.key, labelValue(key)));
  }

  async createJob(spec: JobSpec): Promise<Job> {
    if (spec.method !== 'supervised') {
      throw new ProviderError({
        kind: 'invalid',
        provider: PROVIDER,
        operation: 'createJob',
        message: `finetune-ci tunes Gemini on Vertex AI with supervised examples only, not ${spec.method}`,
        hint: 'set method: supervised (or auto with chat data)',
      });
    }
    const attempt = labelValue(randomUUID());
    const labels: Record<string, string> = { [TAG_KEYS.key]: labelValue(spec.tag.key), [TAG_KEYS.attempt]: attempt };
    if (spec.tag.commit) labels[TAG_KEYS.commit] = labelValue(spec.tag.commit);
    if (spec.tag.repository) labels[TAG_KEYS.repository] = labelValue(spec.tag.repository);
    if (spec.tag.target) labels[TAG_KEYS.target] = labelValue(spec.tag.target);
    const h = spec.hyperparameters ?? {};
    if (typeof h.batch_size === 'number') this.log(`batch_size ${h.batch_size} is ignored: Vertex AI chooses the batch size for Gemini tuning`);
    const display = `${spec.suffix ? `${spec.suffix}-` : ''}${spec.tag.key.slice(0, 8)}`.slice(0, 128);
    const create = async () => {
      const raw = await this.ai.tunings.tune({
        baseModel: spec.model,
        trainingDataset: { gcsUri: spec.trainingFileId },
        config: {
          tunedModelDisplayName: display,
          labels,
          ...(spec.validationFileId ? { validationDataset: { gcsUri: spec.validationFileId } } : {}),
          ...(typeof h.n_epochs === 'number' ? { epochCount: h.n_epochs } : {}),
          ...(typeof h.learning_rate_multiplier === 'number' ? { learningRateMultiplier: h.learning_rate_multiplier } : {}),
          // Sent once: a lost answer is looked for (by the attempt label) before another try.
          httpOptions: { retryOptions: { attempts: 1 } },
        },
      });
      return this.toJob(raw);
    };
    const job = await this.retrier.createOnce('createJob', create, async () => pickJob(await this.listByLabel(TAG_KEYS.attempt, attempt)));
    this.log(`created tuning job ${job.id} (labels ${TAG_KEYS.key}=${labels[TAG_KEYS.key]!.slice(0, 12)}…)`);
    return job;
  }

  async listEvents(jobId: string, afterId?: string | null): Promise<JobEvent[]> {
    const events = this.seen.get(jobId) ?? [];
    if (!afterId) return [...events];
    return events.filter((e) => Number(e.id) > Number(afterId));
  }

  async listCheckpoints(_jobId: string): Promise<Checkpoint[]> {
    return [];
  }

  async cancelJob(jobId: string): Promise<Job> {
    await this.guard('cancelJob', () => this.ai.tunings.cancel({ name: jobId }));
    return this.getJob(jobId);
  }

  async getModel(modelId: string): Promise<ModelInfo | null> {
    // A tuned model's endpoint is not a publisher model: nothing to look up.
    if (/^projects\/[^/]+\/locations\/[^/]+\/endpoints\//.test(modelId)) return { id: modelId, ownedBy: this.o.project, created: null, shutdownDate: null };
    try {
      await this.ai.models.get({ model: modelId });
      return { id: modelId, ownedBy: 'google', created: null, shutdownDate: null };
    } catch (e) {
      const pe = toProviderError(e, 'getModel');
      if (pe.kind === 'not-found') return null;
      throw pe;
    }
  }

  // ------------------------------------------------------------------------------ chat

  async openChatSession(model: string, options: OpenChatOptions = {}): Promise<ChatSession> {
    const target = options.existing ?? model;
    return { provider: 'vertex', model, target, needsClose: false };
  }

  async chat(session: ChatSession, messages: ChatMessage[], options: ChatOptions = {}): Promise<ChatResult> {
    const system = messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => ({ text: m.content }));
    const contents = messages.filter((m) => m.role === 'user' || m.role === 'assistant').map((m) => ({ role: m.role === 'assistant' ? 'model' : 'user', parts: [{ text: m.content }] }));
    const started = this.now();
    const r = await this.guard('chat', () =>
      this.ai.models.generateContent({
        model: session.target,
        contents,
        config: {
          ...(system.length ? { systemInstruction: { role: 'system', parts: system } } : {}),
          ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
          ...(options.max_tokens !== undefined ? { maxOutputTokens: options.max_tokens } : {}),
          ...(options.seed !== undefined ? { seed: options.seed } : {}),
        },
      }),
    );
    const candidate = r.candidates?.[0];
    if (!candidate) {
      throw new ProviderError({
        kind: 'bad-response',
        provider: PROVIDER,
        operation: 'chat',
        message: `no candidate in the answer${r.promptFeedback?.blockReason ? ` (blocked: ${r.promptFeedback.blockReason})` : ''}`,
      });
    }
    const u = r.usageMetadata;
    return {
      text: (candidate.content?.parts ?? []).map((p) => p.text ?? '').join(''),
      latencyMs: this.now() - started,
      usage: u ? { promptTokens: u.promptTokenCount ?? 0, completionTokens: u.candidatesTokenCount ?? 0, totalTokens: u.totalTokenCount ?? 0 } : null,
      finishReason: candidate.finishReason ?? null,
      requestId: r.responseId ?? null,
    };
  }

  async closeChatSession(_session: ChatSession): Promise<void> {
    // Vertex deployed the endpoint with the job and bills per token: nothing to release.
  }
}

/** sha256 of a string, hex (exported for tests that name objects the way the adapter does). */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
