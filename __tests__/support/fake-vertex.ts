/**
 * A stateful fake of Vertex AI (aiplatform v1: tuningJobs, publisher models, generateContent),
 * Cloud Storage (JSON API: object get, multipart upload) and Google's STS token exchange, over
 * real HTTP on 127.0.0.1, for driving the real `@google/genai` and `@google-cloud/storage`
 * clients.
 *
 * Shapes follow Google's published API description:
 * - googleapis/googleapis google/cloud/aiplatform/v1/tuning_job.proto
 *   @ 0fa9ce880be5ea7c3027015849cd4fbfb04812c5 (TuningJob, SupervisedTuningSpec,
 *   SupervisedHyperParameters, TuningDataStats, TunedModel; labels: keys and values ≤ 64
 *   characters of lowercase letters, digits, `_` and `-`), genai_tuning_service.proto (create,
 *   get, list with `filter`/`pageSize`/`pageToken`, `:cancel`), job_state.proto (JOB_STATE_*),
 *   content.proto / prediction_service.proto (Content with role user|model and parts;
 *   GenerateContentResponse with candidates and usageMetadata). JSON is the proto3 JSON
 *   mapping (lowerCamelCase, int64 as strings, Timestamps as RFC 3339).
 * - Vertex supervised tuning dataset rules (https://cloud.google.com/vertex-ai/generative-ai/docs/models/gemini-supervised-tuning,
 *   read 2026-12-02): a JSONL file with `contents` (roles user/model, ending with model) and an
 *   optional `systemInstruction`; validation files up to 5,000 examples.
 *
 * What the real server would refuse is refused here: unknown JSON fields (400 "Invalid JSON
 * payload received. Unknown name"), a missing baseModel or training URI, an untunable base
 * model, a dataset URI that is not in the bucket, bad labels, a display name over 128
 * characters, cancelling a finished job (400 FAILED_PRECONDITION), requests without a bearer
 * token that the fake STS issued (401). A dataset line that is not a valid Vertex example fails
 * the job (as Vertex does when it validates the data), with the line in the message.
 *
 *   const fake = await startFakeVertex();   // fake.url, fake.credentialsFile(dir)
 *   fake.clock.advance(60_000);              // jobs move on with the fake clock
 *   fake.inject('POST tuningJobs', { status: 503, afterCreate: true });
 */
import { createHash, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { FakeClock } from './fake-openai.js';

export { FakeClock };

export interface VertexFault {
  status: number;
  /** Create the job, then answer with the fault (a lost answer). */
  afterCreate?: boolean;
  times?: number;
  retryAfter?: number;
}

export interface JobPlan {
  pendingMs?: number;
  runningMs?: number;
  cancelMs?: number;
  outcome?: 'succeeded' | 'failed';
  errorMessage?: string;
  /** Billable tokens per epoch reported in tuningDataStats (default: bytes / 4). */
  billableTokens?: number;
}

interface StoredJob {
  job: Record<string, unknown> & { name: string; labels: Record<string, string> };
  createdMs: number;
  cancelledMs: number | null;
  plan: Required<Omit<JobPlan, 'billableTokens'>> & { billableTokens: number };
  datasetError: string | null;
}

const TUNABLE = new Set(['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.5-flash-lite']);
/** TuningJob fields (tuning_job.proto @ 0fa9ce8, plus output-only fields a client may echo). */
const TUNING_JOB_FIELDS = new Set([
  'baseModel',
  'supervisedTuningSpec',
  'name',
  'tunedModelDisplayName',
  'description',
  'state',
  'createTime',
  'startTime',
  'endTime',
  'updateTime',
  'error',
  'labels',
  'experiment',
  'tunedModel',
  'tuningDataStats',
  'encryptionSpec',
]);
const SPEC_FIELDS = new Set(['trainingDatasetUri', 'validationDatasetUri', 'hyperParameters']);
const HYPER_FIELDS = new Set(['epochCount', 'learningRateMultiplier', 'adapterSize']);
const LABEL = /^[a-z][a-z0-9_-]{0,63}$/;
const LABEL_VALUE = /^[a-z0-9_-]{0,64}$/;

class GoogleError extends Error {
  constructor(
    readonly code: number,
    readonly status: string,
    message: string,
  ) {
    super(message);
  }
}

const bad = (message: string) => new GoogleError(400, 'INVALID_ARGUMENT', message);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function unknownFields(obj: Record<string, unknown>, known: Set<string>, at: string): void {
  for (const k of Object.keys(obj)) {
    if (!known.has(k)) throw bad(`Invalid JSON payload received. Unknown name "${k}" at '${at}': Cannot find field.`);
  }
}

/** Why a dataset line is not a Vertex supervised example, or null. */
export function vertexLineProblem(text: string): string | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return 'not valid JSON';
  }
  if (!isObject(v) || !Array.isArray(v.contents) || v.contents.length === 0) return 'no contents';
  if ('messages' in v) return 'OpenAI messages are not a Vertex example';
  for (const c of v.contents as unknown[]) {
    if (!isObject(c) || (c.role !== 'user' && c.role !== 'model')) return 'a content role is not user or model';
    if (!Array.isArray(c.parts) || c.parts.length === 0) return 'a content has no parts';
  }
  if ((v.contents as { role: string }[]).at(-1)!.role !== 'model') return 'the last content is not from the model';
  if (v.systemInstruction !== undefined && (!isObject(v.systemInstruction) || !Array.isArray(v.systemInstruction.parts))) return 'systemInstruction has no parts';
  return null;
}

export class FakeVertex {
  readonly clock: FakeClock;
  readonly objects = new Map<string, { data: Buffer; generation: number; contentType: string }>();
  readonly jobs: StoredJob[] = [];
  readonly requests: { method: string; path: string; body: unknown }[] = [];
  readonly chats: { model: string; body: Record<string, unknown> }[] = [];
  readonly tokens = new Set<string>();
  url = '';
  nextPlan: JobPlan = {};
  reply: (model: string, contents: unknown[]) => string = (model) => `answer from ${model}`;
  private readonly faults = new Map<string, VertexFault[]>();
  private server: http.Server | null = null;
  private seq = 0;

  constructor(
    readonly project = 'proj-1',
    readonly location = 'us-central1',
    readonly bucket = 'ft-bucket',
    clock?: FakeClock,
  ) {
    this.clock = clock ?? new FakeClock();
  }

  inject(route: 'POST tuningJobs' | 'GET tuningJob' | 'GET tuningJobs' | 'POST upload' | 'POST generateContent', fault: VertexFault): void {
    const list = this.faults.get(route) ?? [];
    list.push({ times: 1, ...fault });
    this.faults.set(route, list);
  }

  private fault(route: string): VertexFault | null {
    const list = this.faults.get(route);
    const f = list?.[0];
    if (!f) return null;
    f.times = (f.times ?? 1) - 1;
    if (f.times <= 0) list!.shift();
    return f;
  }

  /** An external_account ADC file (Workload Identity Federation) whose token exchange is this fake. */
  async credentialsFile(dir: string): Promise<string> {
    const subject = join(dir, 'oidc-token.txt');
    await writeFile(subject, 'fake-github-oidc-token');
    const file = join(dir, 'gha-creds.json');
    await writeFile(
      file,
      JSON.stringify({
        type: 'external_account',
        audience: `//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/github/providers/github`,
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        token_url: `${this.url}/v1/token`,
        credential_source: { file: subject },
      }),
    );
    return file;
  }

  // ------------------------------------------------------------------------------ state

  private view(s: StoredJob): Record<string, unknown> {
    const now = this.clock.now();
    const t = now - s.createdMs;
    const iso = (ms: number) => new Date(ms).toISOString();
    const j = s.job;
    const runAt = s.createdMs + s.plan.pendingMs;
    const endAt = runAt + s.plan.runningMs;
    let state: string;
    let endMs: number | null = null;
    if (s.cancelledMs !== null) {
      endMs = s.cancelledMs + s.plan.cancelMs;
      state = now >= endMs ? 'JOB_STATE_CANCELLED' : 'JOB_STATE_CANCELLING';
      if (now < endMs) endMs = null;
    } else if (t < s.plan.pendingMs) state = 'JOB_STATE_PENDING';
    else if (s.datasetError) {
      state = 'JOB_STATE_FAILED';
      endMs = runAt;
    } else if (now < endAt) state = 'JOB_STATE_RUNNING';
    else {
      state = s.plan.outcome === 'succeeded' ? 'JOB_STATE_SUCCEEDED' : 'JOB_STATE_FAILED';
      endMs = endAt;
    }
    const out: Record<string, unknown> = { ...j, state, updateTime: iso(now) };
    if (now >= runAt) out.startTime = iso(runAt);
    if (now >= runAt && !s.datasetError) {
      const epochs = Number((j.supervisedTuningSpec as { hyperParameters?: { epochCount?: unknown } }).hyperParameters?.epochCount ?? 0);
      out.tuningDataStats = {
        supervisedTuningDataStats: {
          tuningDatasetExampleCount: String(s.plan.billableTokens > 0 ? this.exampleCount(j) : 0),
          totalBillableTokenCount: String(s.plan.billableTokens),
          tuningStepCount: String(Math.max(1, epochs) * 10),
        },
      };
    }
    if (endMs !== null) out.endTime = iso(endMs);
    const id = j.name.split('/').pop();
    if (state === 'JOB_STATE_SUCCEEDED') {
      out.tunedModel = { model: `projects/${this.project}/locations/${this.location}/models/${id}@1`, endpoint: `projects/${this.project}/locations/${this.location}/endpoints/${id}` };
    }
    if (state === 'JOB_STATE_FAILED') out.error = { code: 3, message: s.datasetError ?? s.plan.errorMessage };
    if (state === 'JOB_STATE_CANCELLED') out.error = { code: 1, message: 'CANCELED' };
    return out;
  }

  private exampleCount(j: Record<string, unknown>): number {
    const uri = (j.supervisedTuningSpec as { trainingDatasetUri: string }).trainingDatasetUri;
    const o = this.objects.get(uri);
    return o
      ? o.data
          .toString('utf8')
          .split('\n')
          .filter((l) => l.trim()).length
      : 0;
  }

  /** Current views of every job (for assertions). */
  jobViews(): Record<string, unknown>[] {
    return this.jobs.map((s) => this.view(s));
  }

  private create(body: unknown): StoredJob {
    if (!isObject(body)) throw bad('Invalid JSON payload received.');
    unknownFields(body, TUNING_JOB_FIELDS, 'tuning_job');
    for (const out of ['name', 'state', 'createTime', 'tunedModel', 'tuningDataStats', 'error']) {
      if (body[out] !== undefined) throw bad(`${out} is output only.`);
    }
    const base = body.baseModel;
    if (typeof base !== 'string' || !base) throw bad('base_model is required.');
    if (!TUNABLE.has(base)) throw bad(`Base model ${base} is not supported for supervised tuning.`);
    const spec = body.supervisedTuningSpec;
    if (!isObject(spec)) throw bad('tuning_spec is required.');
    unknownFields(spec, SPEC_FIELDS, 'tuning_job.supervised_tuning_spec');
    const train = spec.trainingDatasetUri;
    if (typeof train !== 'string' || !train.startsWith('gs://')) throw bad('training_dataset_uri is required and must be a gs:// URI.');
    if (!this.objects.has(train)) throw new GoogleError(400, 'FAILED_PRECONDITION', `Training dataset ${train} does not exist or is not readable.`);
    const valid = spec.validationDatasetUri;
    if (valid !== undefined && (typeof valid !== 'string' || !this.objects.has(valid)))
      throw new GoogleError(400, 'FAILED_PRECONDITION', `Validation dataset ${String(valid)} does not exist or is not readable.`);
    if (spec.hyperParameters !== undefined) {
      if (!isObject(spec.hyperParameters)) throw bad('hyper_parameters must be an object.');
      unknownFields(spec.hyperParameters, HYPER_FIELDS, 'tuning_job.supervised_tuning_spec.hyper_parameters');
      const e = spec.hyperParameters.epochCount;
      if (e !== undefined && !(Number.isInteger(Number(e)) && Number(e) > 0)) throw bad(`epoch_count must be a positive integer, got ${JSON.stringify(e)}.`);
      const lr = spec.hyperParameters.learningRateMultiplier;
      if (lr !== undefined && !(typeof lr === 'number' && lr > 0)) throw bad('learning_rate_multiplier must be a positive number.');
    }
    const display = body.tunedModelDisplayName;
    if (display !== undefined && (typeof display !== 'string' || [...display].length > 128)) throw bad('tuned_model_display_name can be up to 128 characters long.');
    const labels = body.labels ?? {};
    if (!isObject(labels)) throw bad('labels must be a map.');
    for (const [k, v] of Object.entries(labels)) {
      if (!LABEL.test(k)) throw bad(`Label key "${k}" is invalid: keys are ≤ 64 characters of lowercase letters, digits, _ and -, starting with a letter.`);
      if (typeof v !== 'string' || !LABEL_VALUE.test(v)) throw bad(`Label value "${String(v)}" for "${k}" is invalid: values are ≤ 64 characters of lowercase letters, digits, _ and -.`);
    }
    // Vertex validates the data when the job starts: a bad line fails the job, it is not a 400.
    let datasetError: string | null = null;
    for (const [role, uri] of [
      ['training', train],
      ['validation', valid],
    ] as const) {
      if (typeof uri !== 'string') continue;
      const lines = this.objects.get(uri)!.data.toString('utf8').split('\n');
      const count = lines.filter((l) => l.trim()).length;
      if (role === 'validation' && count > 5000) datasetError = `The validation dataset has ${count} examples; at most 5000 are supported.`;
      lines.forEach((l, i) => {
        if (datasetError || !l.trim()) return;
        const p = vertexLineProblem(l);
        if (p) datasetError = `Invalid ${role} dataset ${uri}: line ${i + 1}: ${p}.`;
      });
    }
    const id = String(1000 + ++this.seq);
    const plan = this.nextPlan;
    this.nextPlan = {};
    const s: StoredJob = {
      job: {
        ...(body as Record<string, unknown>),
        labels: labels as Record<string, string>,
        name: `projects/${this.project}/locations/${this.location}/tuningJobs/${id}`,
        createTime: new Date(this.clock.now()).toISOString(),
        experiment: `projects/${this.project}/locations/${this.location}/metadataStores/default/contexts/tuning-experiment-${id}`,
      },
      createdMs: this.clock.now(),
      cancelledMs: null,
      plan: {
        pendingMs: plan.pendingMs ?? 60_000,
        runningMs: plan.runningMs ?? 600_000,
        cancelMs: plan.cancelMs ?? 30_000,
        outcome: plan.outcome ?? 'succeeded',
        errorMessage: plan.errorMessage ?? 'Internal error occurred during tuning.',
        billableTokens: plan.billableTokens ?? Math.round(this.objects.get(train)!.data.length / 4),
      },
      datasetError,
    };
    this.jobs.push(s);
    return s;
  }

  private list(query: URLSearchParams): Record<string, unknown> {
    const filter = query.get('filter') ?? '';
    let jobs = this.jobs.map((s) => this.view(s));
    if (filter) {
      const m = /^labels\.([a-z][a-z0-9_-]*)\s*=\s*"([^"]*)"$/.exec(filter.trim());
      if (!m) throw bad(`Unsupported filter: ${filter}`);
      jobs = jobs.filter((j) => (j.labels as Record<string, string>)[m[1]!] === m[2]);
    }
    jobs.reverse(); // newest first, as the service lists them
    const size = Math.min(Number(query.get('pageSize') ?? 0) || 50, 100);
    const start = Number(query.get('pageToken') || 0);
    const page = jobs.slice(start, start + size);
    return { tuningJobs: page, ...(start + size < jobs.length ? { nextPageToken: String(start + size) } : {}) };
  }

  // ------------------------------------------------------------------------------ HTTP

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        try {
          this.handle(req, raw, res);
        } catch (e) {
          const g = e instanceof GoogleError ? e : new GoogleError(500, 'INTERNAL', (e as Error).message);
          res.writeHead(g.code, { 'content-type': 'application/json; charset=UTF-8' });
          res.end(JSON.stringify({ error: { code: g.code, message: g.message, status: g.status } }));
        }
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
    res.end(JSON.stringify(body));
  }

  private faultReply(res: http.ServerResponse, f: VertexFault): void {
    const status = f.status === 429 ? 'RESOURCE_EXHAUSTED' : f.status === 503 ? 'UNAVAILABLE' : 'INTERNAL';
    this.send(res, f.status, { error: { code: f.status, message: `fault ${f.status}`, status } }, f.retryAfter !== undefined ? { 'retry-after': String(f.retryAfter) } : {});
  }

  private handle(req: http.IncomingMessage, raw: Buffer, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const json = (): unknown => {
      if (raw.length === 0) return {};
      try {
        return JSON.parse(raw.toString('utf8'));
      } catch {
        throw bad('Invalid JSON payload received.');
      }
    };

    // Google STS (token exchange for external_account credentials).
    if (method === 'POST' && path === '/v1/token') {
      const form = new URLSearchParams(raw.toString('utf8'));
      if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:token-exchange' || !form.get('subject_token')) {
        this.send(res, 400, { error: 'invalid_request', error_description: 'grant_type and subject_token are required' });
        return;
      }
      const token = `fake-access-${randomUUID()}`;
      this.tokens.add(token);
      this.send(res, 200, { access_token: token, issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', token_type: 'Bearer', expires_in: 3600 });
      return;
    }
    const auth = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    if (!auth || !this.tokens.has(auth)) throw new GoogleError(401, 'UNAUTHENTICATED', 'Request is missing required authentication credential.');
    this.requests.push({ method, path: `${path}${url.search}`, body: raw.length && /json/.test(String(req.headers['content-type'])) ? json() : null });

    // ---------------------------------------------------------------- Cloud Storage
    const obj = /^\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(path);
    if (obj && method === 'GET') {
      const uri = `gs://${obj[1]}/${decodeURIComponent(obj[2]!)}`;
      const o = this.objects.get(uri);
      if (obj[1] !== this.bucket) throw new GoogleError(404, 'NOT_FOUND', 'The specified bucket does not exist.');
      if (!o) throw new GoogleError(404, 'NOT_FOUND', `No such object: ${obj[1]}/${decodeURIComponent(obj[2]!)}`);
      this.send(res, 200, this.objectResource(obj[1]!, decodeURIComponent(obj[2]!), o));
      return;
    }
    const up = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(path);
    if (up && method === 'POST') {
      const f = this.fault('POST upload');
      if (f) return this.faultReply(res, f);
      if (up[1] !== this.bucket) throw new GoogleError(404, 'NOT_FOUND', 'The specified bucket does not exist.');
      if (url.searchParams.get('uploadType') !== 'multipart') throw bad(`uploadType ${url.searchParams.get('uploadType')} is not supported by this fake`);
      const { meta, media } = parseRelated(raw, String(req.headers['content-type'] ?? ''));
      const name = String(meta.name ?? url.searchParams.get('name') ?? '');
      if (!name) throw bad('Required object name.');
      const uri = `gs://${up[1]}/${name}`;
      const prev = this.objects.get(uri);
      const o = { data: media, generation: (prev?.generation ?? 0) + 1, contentType: String(meta.contentType ?? 'application/octet-stream') };
      this.objects.set(uri, o);
      this.send(res, 200, this.objectResource(up[1]!, name, o));
      return;
    }

    // ---------------------------------------------------------------- Vertex AI v1
    // ModelGardenService.GetPublisherModel: v1/publishers/*/models/* (no project in the path).
    const garden = /^\/v1\/publishers\/google\/models\/([^/:]+)$/.exec(path);
    if (garden && method === 'GET') {
      if (!TUNABLE.has(garden[1]!)) throw new GoogleError(404, 'NOT_FOUND', `Publisher Model \`publishers/google/models/${garden[1]}\` not found.`);
      this.send(res, 200, { name: `publishers/google/models/${garden[1]}`, versionId: '001', launchStage: 'GA' });
      return;
    }
    const parent = `/v1/projects/${this.project}/locations/${this.location}`;
    if (!path.startsWith(`${parent}/`)) throw new GoogleError(404, 'NOT_FOUND', `Unknown resource ${path}`);
    const rest = path.slice(parent.length + 1);
    if (rest === 'tuningJobs' && method === 'POST') {
      const f = this.fault('POST tuningJobs');
      if (f && !f.afterCreate) return this.faultReply(res, f);
      const s = this.create(json());
      if (f) return this.faultReply(res, f);
      this.send(res, 200, this.view(s));
      return;
    }
    if (rest === 'tuningJobs' && method === 'GET') {
      const f = this.fault('GET tuningJobs');
      if (f) return this.faultReply(res, f);
      this.send(res, 200, this.list(url.searchParams));
      return;
    }
    const job = /^tuningJobs\/(\d+)(:cancel)?$/.exec(rest);
    if (job) {
      const s = this.jobs.find((x) => x.job.name === `projects/${this.project}/locations/${this.location}/tuningJobs/${job[1]}`);
      if (!s) throw new GoogleError(404, 'NOT_FOUND', `TuningJob ${job[1]} not found.`);
      if (job[2] && method === 'POST') {
        const state = this.view(s).state as string;
        if (/SUCCEEDED|FAILED|CANCELLED|EXPIRED/.test(state)) throw new GoogleError(400, 'FAILED_PRECONDITION', `Cannot cancel tuning job in state ${state}.`);
        if (s.cancelledMs === null) s.cancelledMs = this.clock.now();
        this.send(res, 200, {});
        return;
      }
      if (!job[2] && method === 'GET') {
        const f = this.fault('GET tuningJob');
        if (f) return this.faultReply(res, f);
        this.send(res, 200, this.view(s));
        return;
      }
    }
    const pub = /^publishers\/google\/models\/([^/:]+)(:generateContent)?$/.exec(rest);
    const endpoint = /^endpoints\/(\d+):generateContent$/.exec(rest);
    if (pub && !pub[2] && method === 'GET') {
      if (!TUNABLE.has(pub[1]!)) throw new GoogleError(404, 'NOT_FOUND', `Publisher Model \`${rest}\` not found.`);
      this.send(res, 200, { name: `publishers/google/models/${pub[1]}`, versionId: '001', launchStage: 'GA' });
      return;
    }
    if (((pub && pub[2]) || endpoint) && method === 'POST') {
      const f = this.fault('POST generateContent');
      if (f) return this.faultReply(res, f);
      const model = pub ? pub[1]! : `projects/${this.project}/locations/${this.location}/endpoints/${endpoint![1]}`;
      if (pub && !TUNABLE.has(pub[1]!)) throw new GoogleError(404, 'NOT_FOUND', `Publisher Model \`${rest}\` not found.`);
      if (endpoint && !this.jobViews().some((j) => (j.tunedModel as { endpoint?: string } | undefined)?.endpoint === model)) {
        throw new GoogleError(404, 'NOT_FOUND', `Endpoint ${model} not found.`);
      }
      const body = json();
      if (!isObject(body) || !Array.isArray(body.contents) || body.contents.length === 0) throw bad('contents is required.');
      for (const c of body.contents as unknown[]) {
        if (!isObject(c) || (c.role !== 'user' && c.role !== 'model') || !Array.isArray(c.parts)) throw bad('Please use a valid role: user, model.');
      }
      this.chats.push({ model, body });
      const text = this.reply(model, body.contents as unknown[]);
      this.send(res, 200, {
        candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP' }],
        usageMetadata: { promptTokenCount: 7, candidatesTokenCount: 3, totalTokenCount: 10 },
        modelVersion: pub ? `${pub[1]}-001` : model,
        responseId: `resp-${this.chats.length}`,
        createTime: new Date(this.clock.now()).toISOString(),
      });
      return;
    }
    throw new GoogleError(404, 'NOT_FOUND', `Unknown resource ${method} ${path}`);
  }

  private objectResource(bucket: string, name: string, o: { data: Buffer; generation: number; contentType: string }): Record<string, unknown> {
    return {
      kind: 'storage#object',
      id: `${bucket}/${name}/${o.generation}`,
      name,
      bucket,
      generation: String(o.generation),
      metageneration: '1',
      contentType: o.contentType,
      size: String(o.data.length),
      md5Hash: createHash('md5').update(o.data).digest('base64'),
      timeCreated: new Date(this.clock.now()).toISOString(),
    };
  }
}

/** multipart/related (Cloud Storage multipart upload): a JSON metadata part, then the media. */
function parseRelated(body: Buffer, contentType: string): { meta: Record<string, unknown>; media: Buffer } {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!/^multipart\/related/i.test(contentType) || !m) throw bad(`Unsupported content type ${contentType} for a multipart upload.`);
  const boundary = Buffer.from(`--${m[1] ?? m[2]}`);
  const parts: Buffer[] = [];
  let pos = body.indexOf(boundary);
  while (pos >= 0) {
    const start = pos + boundary.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(boundary, start);
    if (next < 0) break;
    const part = body.subarray(start, next);
    const headEnd = part.indexOf('\r\n\r\n');
    // Drop the head and the CRLF before the next boundary.
    parts.push(part.subarray(headEnd + 4, part.length - 2));
    pos = next;
  }
  if (parts.length !== 2) throw bad('A multipart upload has a metadata part and a media part.');
  return { meta: JSON.parse(parts[0]!.toString('utf8')) as Record<string, unknown>, media: Buffer.from(parts[1]!) };
}

export async function startFakeVertex(o: { project?: string; location?: string; bucket?: string; clock?: FakeClock } = {}): Promise<FakeVertex> {
  return new FakeVertex(o.project, o.location, o.bucket, o.clock).start();
}
