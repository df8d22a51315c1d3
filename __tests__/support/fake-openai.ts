/**
 * A stateful fake of the parts of OpenAI's REST API that finetune-ci uses, over real HTTP.
 * Shapes follow ../shared/contracts/openai-openapi.yaml (every required field is present);
 * put Prism in front of it (prism.ts) to have every exchange checked against that spec.
 *
 *   const fake = await startFakeOpenAI();           // fake.url: http://127.0.0.1:<port>
 *   fake.clock.advance(60_000);                      // jobs move on with the fake clock
 *   fake.inject('GET /fine_tuning/jobs/:id', { kind: 'rate-limit', retryAfter: 1 });
 *   await fake.close();
 *
 * Routes are matched with or without a leading `/v1`. Faults are queued per route and each
 * is used once (or `times` times); `fake.faultsServed` counts what was served.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

// ---------------------------------------------------------------------------------------------
// Clock

export class FakeClock {
  constructor(private ms = Date.UTC(2026, 10, 25, 12, 0, 0)) {}
  now(): number {
    return this.ms;
  }
  seconds(): number {
    return Math.floor(this.ms / 1000);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

// ---------------------------------------------------------------------------------------------
// Faults

export type Fault =
  /** 429 rate_limit_exceeded, with a `retry-after` header (seconds) when given. */
  | { kind: 'rate-limit'; retryAfter?: number; retryAfterMs?: number }
  /** 429 insufficient_quota. */
  | { kind: 'quota' }
  /** Any status with an error body. */
  | {
      kind: 'status';
      status: number;
      code?: string | null;
      type?: string;
      message?: string;
      param?: string | null;
      /** Azure's extra error detail, sent as `error.inner_error`. */
      innerError?: Record<string, unknown>;
    }
  /** Destroy the socket before doing anything. */
  | { kind: 'reset' }
  /** Do the work (e.g. create the job), then destroy the socket instead of answering. */
  | { kind: 'drop-after' }
  /** Wait, then answer normally. */
  | { kind: 'slow'; ms: number };

interface QueuedFault {
  fault: Fault;
  left: number;
}

// ---------------------------------------------------------------------------------------------
// Resources (spec shapes)

export interface FileObject {
  id: string;
  object: 'file';
  bytes: number;
  created_at: number;
  filename: string;
  purpose: string;
  /** Azure adds `pending` and `running` between `uploaded` and `processed`. */
  status: 'uploaded' | 'pending' | 'running' | 'processed' | 'error';
  status_details?: string;
  expires_at?: number;
}

export interface UploadObject {
  id: string;
  object: 'upload';
  bytes: number;
  created_at: number;
  expires_at: number;
  filename: string;
  purpose: string;
  status: 'pending' | 'completed' | 'cancelled' | 'expired';
  file?: FileObject | null;
}

interface StoredUpload {
  upload: UploadObject;
  mimeType: string;
  parts: Map<string, Buffer>;
}

export interface JobPlan {
  /** Milliseconds (fake clock) spent in each phase. */
  validatingMs?: number;
  queuedMs?: number;
  runningMs?: number;
  outcome?: 'succeeded' | 'failed';
  /** Where a failure happens: while validating files (default) or while running. */
  failIn?: 'validating_files' | 'running';
  error?: { code: string; message: string; param: string | null };
  trainedTokens?: number;
  /** Metric events during running (and one checkpoint per epoch at the end). */
  steps?: number;
  /** Extra message events while running. */
  extraEvents?: number;
}

export const INVALID_N_EXAMPLES = {
  code: 'invalid_n_examples',
  message: 'Training file has 7 example(s), but must have at least 10 examples',
  param: 'training_file',
};

interface EventObject {
  object: 'fine_tuning.job.event';
  id: string;
  created_at: number;
  level: 'info' | 'warn' | 'error';
  message: string;
  type: 'message' | 'metrics';
  data?: Record<string, unknown>;
}

interface CheckpointObject {
  object: 'fine_tuning.job.checkpoint';
  id: string;
  created_at: number;
  fine_tuned_model_checkpoint: string;
  step_number: number;
  metrics: Record<string, number>;
  fine_tuning_job_id: string;
}

export interface StoredJob {
  body: Record<string, unknown>;
  job: Record<string, unknown> & { id: string; status: string; created_at: number };
  plan: Required<Omit<JobPlan, 'error'>> & { error: JobPlan['error'] };
  createdMs: number;
  events: EventObject[];
  checkpoints: CheckpointObject[];
  /** Phases already announced. */
  reached: Set<string>;
  stepsEmitted: number;
  forcedStatus: string | null;
}

export interface ChatReply {
  text?: string | null;
  delayMs?: number;
  /**
   * Hold the answer until this many chat calls are in flight (at most 10 s): makes a test of
   * concurrency independent of how fast the client sends its calls.
   */
  waitForInFlight?: number;
  /** Answer with this status and an error body instead. */
  status?: number;
  code?: string;
  /** The error's message with a `status` reply (default `Scripted failure <status>`). */
  message?: string;
  /** Headers sent with a `status` reply, e.g. `{ 'retry-after-ms': '1' }` so retries are quick. */
  headers?: Record<string, string>;
  /** Send this exact body (a string is sent verbatim, e.g. malformed JSON). */
  raw?: unknown;
  finishReason?: 'stop' | 'length';
}

export interface RequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number | 'reset' | 'dropped';
  requestId: string;
  fault: Fault['kind'] | null;
}

export interface FakeOpenAIOptions {
  clock?: FakeClock;
  organization?: string;
  /** Default plan for jobs without one queued by `planNextJob`. */
  defaultPlan?: JobPlan;
  /** File status right after upload (Azure: 'uploaded', then processed after `processingMs`). */
  fileProcessingMs?: number;
  /**
   * Azure OpenAI mode: files go uploaded → pending → running → processed over `fileProcessingMs`
   * (or end in `error`, see `failNextFileProcessing`); job creation accepts `trainingType`;
   * errors carry `inner_error` when a fault gives one; the request id comes as `apim-request-id`
   * instead of `x-request-id`. Not for use behind Prism: these are not in OpenAI's spec.
   */
  azure?: boolean;
  host?: string;
}

const DEFAULT_PLAN: Required<Omit<JobPlan, 'error'>> = {
  validatingMs: 1_000,
  queuedMs: 2_000,
  runningMs: 10_000,
  outcome: 'succeeded',
  failIn: 'validating_files',
  trainedTokens: 6_810,
  steps: 4,
  extraEvents: 0,
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null = null,
    readonly param: string | null = null,
    readonly type: string = 'invalid_request_error',
    /** Extra response headers (e.g. `retry-after-ms` on a scripted chat failure). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const KNOWN_STATUSES = ['validating_files', 'queued', 'running', 'succeeded', 'failed', 'cancelled'];

// ---------------------------------------------------------------------------------------------

export class FakeOpenAI {
  readonly clock: FakeClock;
  readonly organization: string;
  readonly files = new Map<string, FileObject>();
  readonly fileContents = new Map<string, Buffer>();
  readonly uploads = new Map<string, StoredUpload>();
  readonly jobs = new Map<string, StoredJob>();
  readonly models = new Map<string, { id: string; created: number; owned_by: string; shutdown_date?: string | null }>();
  readonly requests: RequestLogEntry[] = [];
  readonly faultsServed: Record<string, number> = {};
  /** Job creations that reached the fake (including ones whose answer was then dropped). */
  jobCreates = 0;
  private readonly faults = new Map<string, QueuedFault[]>();
  private readonly chatScripts = new Map<string, ChatReply[]>();
  /** Chat calls being answered now, and the most at any one time (assert concurrency by these, not by time). */
  chatInFlight = 0;
  /** Called as each request arrives, before it is answered (e.g. to move the clock with the polls). */
  onRequest: ((entry: RequestLogEntry) => void) | null = null;
  chatMaxInFlight = 0;
  private readonly plans: JobPlan[] = [];
  private defaultPlan: JobPlan;
  private fileProcessingMs: number;
  readonly azure: boolean;
  private readonly fileFailures: string[] = [];
  private readonly fileFailureOf = new Map<string, string>();
  private seq = 0;
  private server: http.Server | null = null;
  url = '';

  constructor(options: FakeOpenAIOptions = {}) {
    this.clock = options.clock ?? new FakeClock();
    this.organization = options.organization ?? 'org-fake';
    this.defaultPlan = options.defaultPlan ?? {};
    this.fileProcessingMs = options.fileProcessingMs ?? 0;
    this.azure = options.azure ?? false;
    for (const id of ['gpt-4.1-mini-2025-04-14', 'gpt-4o-mini-2024-07-18', 'gpt-4.1-2025-04-14', 'gpt-4o-2024-08-06']) {
      this.addModel(id, { owned_by: 'system', shutdown_date: '2027-01-14' });
    }
  }

  // --- control ------------------------------------------------------------------------------

  /** Queue a fault for a route such as `POST /fine_tuning/jobs` or `GET /fine_tuning/jobs/:id`. */
  inject(route: string, fault: Fault, times = 1): void {
    const q = this.faults.get(route) ?? [];
    q.push({ fault, left: times });
    this.faults.set(route, q);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** The next uploaded file ends its processing in `error` with these `status_details` (Azure mode). */
  failNextFileProcessing(details: string): void {
    this.fileFailures.push(details);
  }

  planNextJob(plan: JobPlan): void {
    this.plans.push(plan);
  }

  setDefaultPlan(plan: JobPlan): void {
    this.defaultPlan = plan;
  }

  scriptChat(model: string, ...replies: ChatReply[]): void {
    this.chatScripts.set(model, [...(this.chatScripts.get(model) ?? []), ...replies]);
  }

  addModel(id: string, fields: { owned_by?: string; shutdown_date?: string | null; created?: number } = {}): void {
    this.models.set(id, {
      id,
      object: 'model',
      created: fields.created ?? 1_700_000_000,
      owned_by: fields.owned_by ?? this.organization,
      ...(fields.shutdown_date !== undefined ? { shutdown_date: fields.shutdown_date } : {}),
    } as never);
  }

  /** Make a job report any status, known or not (e.g. `paused`), until cleared with null. */
  forceJobStatus(jobId: string, status: string | null): void {
    const j = this.mustJob(jobId);
    j.forcedStatus = status;
  }

  /** Bypass the state machine: put a field on a stored job (e.g. delete created_at for contract tests). */
  tamperJob(jobId: string, edit: (job: Record<string, unknown>) => void): void {
    edit(this.mustJob(jobId).job);
  }

  /** Add a file directly (as if uploaded by an earlier run). */
  seedFile(filename: string, content: Buffer | string, purpose = 'fine-tune'): FileObject {
    const buf = Buffer.isBuffer(content) ? content : Buffer.from(content);
    return this.storeFile(filename, buf, purpose);
  }

  jobList(): StoredJob[] {
    return [...this.jobs.values()];
  }

  faultCount(route: string): number {
    return this.faultsServed[route] ?? 0;
  }

  // --- server -------------------------------------------------------------------------------

  async listen(host = '127.0.0.1'): Promise<string> {
    this.server = http.createServer({ insecureHTTPParser: true }, (req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, host, resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://${host}:${port}`;
    return this.url;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    const s = this.server;
    this.server = null;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const requestId = `req_${randomBytes(12).toString('hex')}`;
    const u = new URL(req.url ?? '/', 'http://fake');
    const path = u.pathname.replace(/^\/v1(?=\/)/, '').replace(/\/+$/, '') || '/';
    const method = (req.method ?? 'GET').toUpperCase();
    const query: Record<string, string> = {};
    for (const [k, v] of u.searchParams) query[k] = v;
    const route = routeOf(method, path);
    const entry: RequestLogEntry = { method, path, query, status: 0, requestId, fault: null };
    this.requests.push(entry);
    this.onRequest?.(entry);

    let body: Buffer;
    try {
      body = await readBody(req);
    } catch {
      entry.status = 'reset';
      return;
    }

    const fault = this.takeFault(route);
    if (fault) {
      entry.fault = fault.kind;
      this.faultsServed[route] = (this.faultsServed[route] ?? 0) + 1;
    }
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      entry.status = status;
      const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
      res.writeHead(status, {
        'content-type': 'application/json',
        ...(this.azure ? { 'apim-request-id': requestId } : { 'x-request-id': requestId }),
        'openai-organization': this.organization,
        ...headers,
      });
      res.end(text);
    };
    const sendError = (e: HttpError, headers: Record<string, string> = {}) => send(e.status, { error: { message: e.message, type: e.type, param: e.param, code: e.code } }, headers);

    if (fault?.kind === 'reset') {
      entry.status = 'reset';
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'rate-limit') {
      const headers: Record<string, string> = {};
      if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
      if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
      return sendError(new HttpError(429, 'Rate limit reached for requests. Please try again later.', 'rate_limit_exceeded', null, 'requests'), headers);
    }
    if (fault?.kind === 'quota') {
      return sendError(new HttpError(429, 'You exceeded your current quota, please check your plan and billing details.', 'insufficient_quota', null, 'insufficient_quota'));
    }
    if (fault?.kind === 'status') {
      const e = new HttpError(
        fault.status,
        fault.message ?? (fault.status >= 500 ? 'The server had an error while processing your request.' : 'Request failed.'),
        fault.code === undefined ? null : fault.code,
        fault.param ?? null,
        fault.type ?? (fault.status >= 500 ? 'server_error' : 'invalid_request_error'),
      );
      if (fault.innerError) {
        return send(e.status, { error: { message: e.message, type: e.type, param: e.param, code: e.code, inner_error: fault.innerError } });
      }
      return sendError(e);
    }
    if (fault?.kind === 'slow') await sleep(fault.ms);

    try {
      const auth = req.headers.authorization;
      if (!auth || !/^Bearer \S+/.test(auth)) {
        throw new HttpError(401, "You didn't provide an API key.", 'missing_api_key');
      }
      const result = await this.route(method, path, query, req.headers, body);
      if (fault?.kind === 'drop-after') {
        entry.status = 'dropped';
        req.socket.destroy();
        return;
      }
      if (result instanceof RawReply) {
        entry.status = result.status;
        res.writeHead(result.status, {
          'content-type': result.contentType,
          ...(this.azure ? { 'apim-request-id': requestId } : { 'x-request-id': requestId }),
        });
        res.end(result.body);
        return;
      }
      send(200, result);
    } catch (e) {
      if (e instanceof HttpError) return sendError(e, e.headers);
      sendError(new HttpError(500, `fake crashed: ${(e as Error).message}`, null, null, 'server_error'));
    }
  }

  private takeFault(route: string): Fault | null {
    const q = this.faults.get(route);
    if (!q || q.length === 0) return null;
    const head = q[0]!;
    head.left -= 1;
    if (head.left <= 0) q.shift();
    return head.fault;
  }

  // --- routing ------------------------------------------------------------------------------

  private async route(method: string, path: string, query: Record<string, string>, headers: http.IncomingHttpHeaders, body: Buffer): Promise<unknown> {
    const seg = path.split('/').filter(Boolean);
    const json = () => parseJson(body, headers);
    if (method === 'POST' && path === '/files') return this.createFile(parseMultipart(body, headers));
    if (method === 'GET' && path === '/files') return this.listFiles(query);
    if (method === 'GET' && seg[0] === 'files' && seg.length === 2) return this.fileView(this.mustFile(seg[1]!));
    if (method === 'POST' && path === '/uploads') return this.createUpload(json());
    if (method === 'POST' && seg[0] === 'uploads' && seg[2] === 'parts' && seg.length === 3) {
      return this.addPart(seg[1]!, parseMultipart(body, headers));
    }
    if (method === 'POST' && seg[0] === 'uploads' && seg[2] === 'complete' && seg.length === 3) {
      return this.completeUpload(seg[1]!, json());
    }
    if (method === 'POST' && path === '/fine_tuning/jobs') return this.createJob(json());
    if (method === 'GET' && path === '/fine_tuning/jobs') return this.listJobs(query);
    if (seg[0] === 'fine_tuning' && seg[1] === 'jobs' && seg.length >= 3) {
      const id = seg[2]!;
      if (method === 'GET' && seg.length === 3) return this.jobView(this.mustJob(id));
      if (method === 'GET' && seg[3] === 'events' && seg.length === 4) return this.listEvents(id, query);
      if (method === 'GET' && seg[3] === 'checkpoints' && seg.length === 4) return this.listCheckpoints(id, query);
      if (method === 'POST' && seg[3] === 'cancel' && seg.length === 4) return this.cancelJob(id);
    }
    if (method === 'GET' && seg[0] === 'models' && seg.length >= 2) return this.getModel(decodeURIComponent(seg.slice(1).join('/')));
    if (method === 'POST' && path === '/chat/completions') return this.chat(json());
    throw new HttpError(404, `Invalid URL (${method} /v1${path})`, 'unknown_url');
  }

  // --- files --------------------------------------------------------------------------------

  private storeFile(filename: string, content: Buffer, purpose: string): FileObject {
    const f: FileObject = {
      id: `file-${this.nextId(24)}`,
      object: 'file',
      bytes: content.length,
      created_at: this.clock.seconds(),
      filename,
      purpose,
      status: this.fileProcessingMs > 0 ? 'uploaded' : 'processed',
    };
    this.files.set(f.id, f);
    this.fileContents.set(f.id, content);
    if (this.azure && this.fileProcessingMs > 0 && purpose === 'fine-tune') {
      const failure = this.fileFailures.shift();
      if (failure !== undefined) this.fileFailureOf.set(f.id, failure);
    }
    return f;
  }

  private fileView(f: FileObject): FileObject {
    const age = this.clock.now() - f.created_at * 1000;
    if (this.azure && f.status !== 'processed' && f.status !== 'error' && this.fileProcessingMs > 0) {
      if (age >= this.fileProcessingMs) {
        const failure = this.fileFailureOf.get(f.id);
        if (failure !== undefined) {
          f.status = 'error';
          f.status_details = failure;
        } else f.status = 'processed';
      } else if (age >= (this.fileProcessingMs * 2) / 3) f.status = 'running';
      else if (age >= this.fileProcessingMs / 3) f.status = 'pending';
      return { ...f };
    }
    if (f.status === 'uploaded' && age >= this.fileProcessingMs) f.status = 'processed';
    return { ...f };
  }

  private createFile(form: Map<string, FormPart>): FileObject {
    const purpose = form.get('purpose')?.data.toString('utf8');
    const file = form.get('file');
    for (const k of form.keys()) {
      if (!['purpose', 'file', 'expires_after[anchor]', 'expires_after[seconds]'].includes(k)) {
        throw new HttpError(400, `Unrecognized request argument supplied: ${k}`, 'unknown_parameter', k);
      }
    }
    if (!purpose) throw new HttpError(400, "Missing required parameter: 'purpose'.", 'missing_required_parameter', 'purpose');
    if (!['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'].includes(purpose)) {
      throw new HttpError(400, `Invalid value for 'purpose': '${purpose}'.`, 'invalid_value', 'purpose');
    }
    if (!file || file.filename == null) throw new HttpError(400, "Missing required parameter: 'file'.", 'missing_required_parameter', 'file');
    if (purpose === 'fine-tune') checkJsonl(file.filename, file.data);
    return this.storeFile(file.filename, file.data, purpose);
  }

  private listFiles(query: Record<string, string>): unknown {
    const order = query.order ?? 'desc';
    if (order !== 'asc' && order !== 'desc') throw new HttpError(400, `Invalid value for 'order': '${order}'.`, 'invalid_value', 'order');
    const limit = intParam(query, 'limit', 10_000, 1, 10_000);
    let all = [...this.files.values()].filter((f) => !query.purpose || f.purpose === query.purpose);
    all.sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : 1));
    if (order === 'desc') all.reverse();
    if (query.after) {
      const i = all.findIndex((f) => f.id === query.after);
      all = i >= 0 ? all.slice(i + 1) : all;
    }
    const data = all.slice(0, limit).map((f) => this.fileView(f));
    // The spec requires first_id and last_id as strings even for an empty list.
    return {
      object: 'list',
      data,
      first_id: data[0]?.id ?? '',
      last_id: data[data.length - 1]?.id ?? '',
      has_more: all.length > limit,
    };
  }

  private mustFile(id: string): FileObject {
    const f = this.files.get(id);
    if (!f) throw new HttpError(404, `No such File object: ${id}`, null, 'id');
    return f;
  }

  // --- uploads ------------------------------------------------------------------------------

  private createUpload(b: Record<string, unknown>): UploadObject {
    allowOnly(b, ['filename', 'purpose', 'bytes', 'mime_type', 'expires_after']);
    const filename = requireString(b, 'filename');
    const purpose = requireString(b, 'purpose');
    const mime = requireString(b, 'mime_type');
    if (!['assistants', 'batch', 'fine-tune', 'vision'].includes(purpose)) {
      throw new HttpError(400, `Invalid value for 'purpose': '${purpose}'.`, 'invalid_value', 'purpose');
    }
    const bytes = b.bytes;
    if (typeof bytes !== 'number' || !Number.isInteger(bytes) || bytes < 1 || bytes > 8 * 1024 ** 3) {
      throw new HttpError(400, "Invalid 'bytes': must be an integer between 1 and 8 GB.", 'invalid_value', 'bytes');
    }
    if (purpose === 'fine-tune' && !/jsonl/.test(mime)) {
      throw new HttpError(400, `Invalid mime type ${mime} for purpose fine-tune: expected text/jsonl.`, 'invalid_value', 'mime_type');
    }
    const now = this.clock.seconds();
    const upload: UploadObject = {
      id: `upload_${this.nextId(24)}`,
      object: 'upload',
      bytes,
      created_at: now,
      expires_at: now + 3600,
      filename,
      purpose,
      status: 'pending',
      file: null,
    };
    this.uploads.set(upload.id, { upload, mimeType: mime, parts: new Map() });
    return { ...upload };
  }

  private mustUpload(id: string): StoredUpload {
    const u = this.uploads.get(id);
    if (!u) throw new HttpError(404, `No such Upload object: ${id}`, null, 'upload_id');
    if (u.upload.status === 'pending' && this.clock.seconds() > u.upload.expires_at) u.upload.status = 'expired';
    return u;
  }

  private addPart(uploadId: string, form: Map<string, FormPart>): unknown {
    const u = this.mustUpload(uploadId);
    if (u.upload.status !== 'pending') {
      throw new HttpError(400, `Cannot add parts to an Upload with status ${u.upload.status}.`, 'invalid_upload_state');
    }
    const data = form.get('data');
    for (const k of form.keys()) if (k !== 'data') throw new HttpError(400, `Unrecognized request argument supplied: ${k}`, 'unknown_parameter', k);
    if (!data) throw new HttpError(400, "Missing required parameter: 'data'.", 'missing_required_parameter', 'data');
    if (data.data.length > 64 * 1024 * 1024) throw new HttpError(400, 'Part exceeds 64 MB.', 'invalid_value', 'data');
    const id = `part_${this.nextId(24)}`;
    u.parts.set(id, data.data);
    return { id, object: 'upload.part', created_at: this.clock.seconds(), upload_id: uploadId };
  }

  private completeUpload(uploadId: string, b: Record<string, unknown>): UploadObject {
    allowOnly(b, ['part_ids', 'md5']);
    const u = this.mustUpload(uploadId);
    if (u.upload.status !== 'pending') {
      throw new HttpError(400, `Upload ${uploadId} is already ${u.upload.status}.`, 'invalid_upload_state');
    }
    const ids = b.part_ids;
    if (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string')) {
      throw new HttpError(400, "Invalid 'part_ids': expected an array of strings.", 'invalid_value', 'part_ids');
    }
    const chunks = ids.map((id) => {
      const p = u.parts.get(id as string);
      if (!p) throw new HttpError(400, `Part ${id} does not belong to upload ${uploadId}.`, 'invalid_value', 'part_ids');
      return p;
    });
    const whole = Buffer.concat(chunks);
    if (whole.length !== u.upload.bytes) {
      throw new HttpError(400, `The number of bytes uploaded (${whole.length}) does not match the number of bytes specified (${u.upload.bytes}).`, 'invalid_value', 'part_ids');
    }
    if (b.md5 !== undefined) {
      if (typeof b.md5 !== 'string') throw new HttpError(400, "Invalid 'md5'.", 'invalid_value', 'md5');
      const actual = createHash('md5').update(whole).digest('hex');
      if (actual !== b.md5) throw new HttpError(400, `md5 mismatch: expected ${b.md5}, got ${actual}.`, 'md5_mismatch', 'md5');
    }
    if (u.upload.purpose === 'fine-tune') checkJsonl(u.upload.filename, whole);
    const file = this.storeFile(u.upload.filename, whole, u.upload.purpose);
    u.upload.status = 'completed';
    u.upload.file = file;
    return { ...u.upload, file: { ...file } };
  }

  // --- jobs ---------------------------------------------------------------------------------

  private createJob(b: Record<string, unknown>): unknown {
    allowOnly(b, ['model', 'training_file', 'hyperparameters', 'suffix', 'validation_file', 'integrations', 'seed', 'method', 'metadata', ...(this.azure ? ['trainingType'] : [])]);
    if (this.azure && b.trainingType !== undefined && !['globalstandard', 'standard', 'developerTier', 'developertier'].includes(String(b.trainingType))) {
      throw new HttpError(400, `Invalid trainingType ${String(b.trainingType)}`, 'invalid_value', 'trainingType');
    }
    const model = requireString(b, 'model');
    const training = requireString(b, 'training_file');
    const tf = this.files.get(training);
    if (!tf) throw new HttpError(400, `invalid training_file: ${training}`, 'invalid_training_file', 'training_file');
    if (tf.purpose !== 'fine-tune') {
      throw new HttpError(400, `File ${training} has purpose ${tf.purpose}, expected fine-tune.`, 'invalid_training_file', 'training_file');
    }
    if (this.fileView(tf).status !== 'processed') {
      throw new HttpError(400, `File ${training} is not ready yet: status ${tf.status}.`, 'file_not_ready', 'training_file');
    }
    const vf = b.validation_file;
    if (vf != null) {
      if (typeof vf !== 'string' || !this.files.has(vf)) {
        throw new HttpError(400, `invalid validation_file: ${String(vf)}`, 'invalid_validation_file', 'validation_file');
      }
    }
    const suffix = b.suffix;
    if (suffix != null && (typeof suffix !== 'string' || suffix.length < 1 || suffix.length > 64)) {
      throw new HttpError(400, "Invalid 'suffix': string of 1 to 64 characters expected.", 'invalid_value', 'suffix');
    }
    const seed = b.seed;
    if (seed != null && (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 2147483647)) {
      throw new HttpError(400, "Invalid 'seed'.", 'invalid_value', 'seed');
    }
    const metadata = b.metadata;
    if (metadata != null) {
      if (typeof metadata !== 'object' || Array.isArray(metadata)) throw new HttpError(400, "Invalid 'metadata'.", 'invalid_value', 'metadata');
      const entries = Object.entries(metadata as Record<string, unknown>);
      if (entries.length > 16) throw new HttpError(400, "Invalid 'metadata': at most 16 pairs.", 'invalid_value', 'metadata');
      for (const [k, v] of entries) {
        if (k.length > 64 || typeof v !== 'string' || v.length > 512) {
          throw new HttpError(400, `Invalid 'metadata.${k}': keys ≤ 64 and string values ≤ 512 characters.`, 'invalid_value', 'metadata');
        }
      }
    }
    const method = (b.method ?? { type: 'supervised', supervised: { hyperparameters: b.hyperparameters ?? {} } }) as Record<string, unknown>;
    const type = method.type;
    if (type !== 'supervised' && type !== 'dpo' && type !== 'reinforcement') {
      throw new HttpError(400, "Invalid 'method.type'.", 'invalid_value', 'method.type');
    }
    const hp = ((method[type] as Record<string, unknown> | undefined)?.hyperparameters ?? {}) as Record<string, unknown>;
    checkHyper(hp, 'n_epochs', 1, 50, true);
    checkHyper(hp, 'batch_size', 1, 256, true);
    checkHyper(hp, 'learning_rate_multiplier', 0, Infinity, false);
    if (type === 'dpo') checkHyper(hp, 'beta', 0, 2, false);
    else if (hp.beta !== undefined) throw new HttpError(400, "'beta' is only valid for the dpo method.", 'invalid_value', 'method');
    if (type === 'reinforcement' && !(method.reinforcement as Record<string, unknown> | undefined)?.grader) {
      throw new HttpError(400, "Missing required parameter: 'method.reinforcement.grader'.", 'missing_required_parameter', 'method.reinforcement.grader');
    }

    this.jobCreates += 1;
    const p = this.plans.shift() ?? this.defaultPlan;
    const plan = { ...DEFAULT_PLAN, ...p, error: p.error };
    const now = this.clock.seconds();
    const resolved = {
      n_epochs: hp.n_epochs === undefined || hp.n_epochs === 'auto' ? 3 : hp.n_epochs,
      batch_size: hp.batch_size === undefined || hp.batch_size === 'auto' ? 1 : hp.batch_size,
      learning_rate_multiplier: hp.learning_rate_multiplier === undefined || hp.learning_rate_multiplier === 'auto' ? 1.8 : hp.learning_rate_multiplier,
      ...(type === 'dpo' ? { beta: hp.beta === undefined || hp.beta === 'auto' ? 0.1 : hp.beta } : {}),
    };
    const id = `ftjob-${this.nextId(24)}`;
    const job = {
      object: 'fine_tuning.job' as const,
      id,
      model,
      created_at: now,
      finished_at: null,
      fine_tuned_model: null,
      organization_id: this.organization,
      result_files: [] as string[],
      status: 'validating_files',
      validation_file: (vf as string | null | undefined) ?? null,
      training_file: training,
      hyperparameters: {
        n_epochs: resolved.n_epochs,
        batch_size: resolved.batch_size,
        learning_rate_multiplier: resolved.learning_rate_multiplier,
      },
      trained_tokens: null,
      error: null,
      seed: typeof seed === 'number' ? seed : 42,
      estimated_finish: null,
      integrations: null,
      metadata: (metadata as Record<string, string> | null | undefined) ?? null,
      method: { type, [type]: { hyperparameters: resolved } },
      user_provided_suffix: typeof suffix === 'string' ? suffix : null,
    };
    const stored: StoredJob = {
      body: b,
      job,
      plan,
      createdMs: this.clock.now(),
      events: [],
      checkpoints: [],
      reached: new Set(),
      stepsEmitted: 0,
      forcedStatus: null,
    };
    this.jobs.set(id, stored);
    this.event(stored, now, 'info', `Created fine-tuning job: ${id}`);
    this.event(stored, now, 'info', `Validating training file: ${training}`);
    return this.jobView(stored);
  }

  private event(j: StoredJob, at: number, level: EventObject['level'], message: string, data?: Record<string, unknown>): void {
    j.events.push({
      object: 'fine_tuning.job.event',
      id: `ftevent-${this.nextId(24)}`,
      created_at: at,
      level,
      message,
      type: data ? 'metrics' : 'message',
      ...(data ? { data } : {}),
    });
  }

  /** Move a job along its plan up to the fake clock's now. */
  private advance(j: StoredJob): void {
    const job = j.job;
    if (['succeeded', 'failed', 'cancelled'].includes(job.status)) return;
    const now = this.clock.now();
    const sec = (ms: number) => Math.floor(ms / 1000);
    const tQueued = j.createdMs + j.plan.validatingMs;
    const tRunning = tQueued + j.plan.queuedMs;
    const tDone = tRunning + j.plan.runningMs;
    const fail = (at: number) => {
      const err = j.plan.error ?? { code: 'job_failed', message: 'Fine-tuning job failed.', param: null };
      job.status = 'failed';
      job.error = { ...err };
      job.finished_at = sec(at);
      job.estimated_finish = null;
      this.event(j, sec(at), 'error', err.message);
    };
    if (now < tQueued) return;
    if (j.plan.outcome === 'failed' && j.plan.failIn === 'validating_files') return fail(tQueued);
    if (!j.reached.has('queued')) {
      j.reached.add('queued');
      job.status = 'queued';
      this.event(j, sec(tQueued), 'info', 'Files validated, moving job to queued state');
    }
    if (now < tRunning) return;
    if (!j.reached.has('running')) {
      j.reached.add('running');
      job.status = 'running';
      job.estimated_finish = sec(tDone);
      this.event(j, sec(tRunning), 'info', `Fine-tuning job started`);
      for (let i = 0; i < j.plan.extraEvents; i++) this.event(j, sec(tRunning), 'info', `Progress note ${i + 1}`);
    }
    const steps = j.plan.steps;
    const upTo = Math.min(now, tDone);
    while (j.stepsEmitted < steps) {
      const k = j.stepsEmitted + 1;
      const at = tRunning + (j.plan.runningMs * k) / (steps + 1);
      if (at > upTo) break;
      j.stepsEmitted = k;
      const loss = round(2 / (k + 1));
      this.event(j, sec(at), 'info', `Step ${k}/${steps}: training loss=${loss}`, {
        step: k,
        train_loss: loss,
        valid_loss: round(loss * 1.1),
        total_steps: steps,
        train_mean_token_accuracy: round(0.5 + k / (2 * steps)),
      });
    }
    if (now < tDone) return;
    if (j.plan.outcome === 'failed') return fail(tDone);
    const epochs = (job.hyperparameters as { n_epochs: number }).n_epochs;
    const suffix = (job.user_provided_suffix as string | null) ?? '';
    const shortId = job.id.slice(-8);
    const ftModel = `ft:${job.model}:${this.organization}:${suffix}:${shortId}`;
    for (let e = 1; e <= epochs; e++) {
      const step = Math.round((steps * e) / epochs);
      j.checkpoints.push({
        object: 'fine_tuning.job.checkpoint',
        id: `ftckpt_${this.nextId(24)}`,
        created_at: sec(tDone),
        fine_tuned_model_checkpoint: e === epochs ? ftModel : `${ftModel}:ckpt-step-${step}`,
        step_number: step,
        metrics: { step, train_loss: round(2 / (step + 1)), valid_loss: round(2.2 / (step + 1)), train_mean_token_accuracy: 0.9 },
        fine_tuning_job_id: job.id,
      });
    }
    const resultFile = this.storeFile('step_metrics.csv', Buffer.from('step,train_loss\n'), 'fine-tune-results');
    job.status = 'succeeded';
    job.fine_tuned_model = ftModel;
    job.trained_tokens = j.plan.trainedTokens;
    job.finished_at = sec(tDone);
    job.estimated_finish = null;
    job.result_files = [resultFile.id];
    this.event(j, sec(tDone), 'info', `New fine-tuned model created: ${ftModel}`);
    this.event(j, sec(tDone), 'info', 'The job has successfully completed');
  }

  private jobView(j: StoredJob): Record<string, unknown> {
    this.advance(j);
    const { user_provided_suffix: _s, ...rest } = j.job;
    void _s;
    const view: Record<string, unknown> = { ...rest };
    if (j.forcedStatus) view.status = j.forcedStatus;
    return view;
  }

  private mustJob(id: string): StoredJob {
    const j = this.jobs.get(id);
    if (!j) throw new HttpError(404, `Could not find fine-tune: ${id}`, 'fine_tune_not_found', 'fine_tune_id');
    return j;
  }

  private listJobs(query: Record<string, string>): unknown {
    const limit = intParam(query, 'limit', 20, 1, 100);
    const filters: [string, string][] = [];
    for (const [k, v] of Object.entries(query)) {
      const m = /^metadata\[(.+)\]$/.exec(k);
      if (m) filters.push([m[1]!, v]);
      else if (!['after', 'limit'].includes(k)) {
        throw new HttpError(400, `Unrecognized query parameter: ${k}`, 'unknown_parameter', k);
      }
    }
    let all = [...this.jobs.values()]
      .filter((j) => filters.every(([k, v]) => (j.job.metadata as Record<string, string> | null)?.[k] === v))
      .sort((a, b) => b.createdMs - a.createdMs || (a.job.id < b.job.id ? 1 : -1));
    if (query.after) {
      const i = all.findIndex((j) => j.job.id === query.after);
      all = i >= 0 ? all.slice(i + 1) : [];
    }
    return { object: 'list', data: all.slice(0, limit).map((j) => this.jobView(j)), has_more: all.length > limit };
  }

  private listEvents(id: string, query: Record<string, string>): unknown {
    const j = this.mustJob(id);
    this.advance(j);
    const limit = intParam(query, 'limit', 20, 1, 100);
    let newestFirst = [...j.events].reverse();
    if (query.after) {
      const i = newestFirst.findIndex((e) => e.id === query.after);
      newestFirst = i >= 0 ? newestFirst.slice(i + 1) : [];
    }
    return { object: 'list', data: newestFirst.slice(0, limit), has_more: newestFirst.length > limit };
  }

  private listCheckpoints(id: string, query: Record<string, string>): unknown {
    const j = this.mustJob(id);
    this.advance(j);
    const limit = intParam(query, 'limit', 10, 1, 100);
    let newestFirst = [...j.checkpoints].reverse();
    if (query.after) {
      const i = newestFirst.findIndex((c) => c.id === query.after);
      newestFirst = i >= 0 ? newestFirst.slice(i + 1) : [];
    }
    const data = newestFirst.slice(0, limit);
    return {
      object: 'list',
      data,
      first_id: data[0]?.id ?? null,
      last_id: data[data.length - 1]?.id ?? null,
      has_more: newestFirst.length > limit,
    };
  }

  private cancelJob(id: string): unknown {
    const j = this.mustJob(id);
    this.advance(j);
    if (['succeeded', 'failed', 'cancelled'].includes(j.job.status)) {
      throw new HttpError(400, `Job ${id} has already ${j.job.status === 'cancelled' ? 'been cancelled' : j.job.status}.`, 'invalid_job_state');
    }
    j.job.status = 'cancelled';
    j.job.finished_at = this.clock.seconds();
    j.job.estimated_finish = null;
    this.event(j, this.clock.seconds(), 'info', 'Fine-tuning job cancelled');
    return this.jobView(j);
  }

  // --- models & chat ------------------------------------------------------------------------

  private knownModel(id: string): Record<string, unknown> | null {
    const m = this.models.get(id);
    if (m) return { object: 'model', ...m };
    for (const j of this.jobs.values()) {
      this.advance(j);
      if (j.job.fine_tuned_model === id) return { id, object: 'model', created: j.job.finished_at, owned_by: this.organization };
    }
    return null;
  }

  private getModel(id: string): unknown {
    const m = this.knownModel(id);
    if (!m) throw new HttpError(404, `The model '${id}' does not exist`, 'model_not_found', 'model');
    return m;
  }

  private async chat(b: Record<string, unknown>): Promise<unknown> {
    const model = requireString(b, 'model');
    const messages = b.messages;
    if (!Array.isArray(messages) || messages.length === 0) {
      throw new HttpError(400, "Invalid 'messages': expected a non-empty array.", 'invalid_value', 'messages');
    }
    for (const [i, m] of messages.entries()) {
      const r = (m as { role?: unknown })?.role;
      if (!['system', 'developer', 'user', 'assistant', 'tool'].includes(String(r))) {
        throw new HttpError(400, `Invalid value for 'messages[${i}].role'.`, 'invalid_value', `messages[${i}].role`);
      }
    }
    if (b.stream) throw new HttpError(400, 'The fake does not stream.', 'unsupported_value', 'stream');
    const script = this.chatScripts.get(model);
    if (!script && !this.knownModel(model)) {
      throw new HttpError(404, `The model '${model}' does not exist or you do not have access to it.`, 'model_not_found', 'model');
    }
    const reply: ChatReply = script?.shift() ?? {};
    this.chatInFlight++;
    this.chatMaxInFlight = Math.max(this.chatMaxInFlight, this.chatInFlight);
    try {
      if (reply.waitForInFlight) {
        for (let waited = 0; this.chatInFlight < reply.waitForInFlight && waited < 10_000; waited += 5) await sleep(5);
      }
      if (reply.delayMs) await sleep(reply.delayMs);
    } finally {
      this.chatInFlight--;
    }
    if (reply.status) {
      throw new HttpError(reply.status, reply.message ?? `Scripted failure ${reply.status}`, reply.code ?? null, null, reply.status >= 500 ? 'server_error' : 'invalid_request_error', reply.headers);
    }
    if (reply.raw !== undefined) {
      return typeof reply.raw === 'string' ? new RawReply(200, reply.raw, 'application/json') : reply.raw;
    }
    const text = reply.text === undefined ? `echo: ${String((messages[messages.length - 1] as { content?: unknown }).content)}` : reply.text;
    const prompt = messages.reduce((n: number, m) => n + Math.ceil(String((m as { content?: unknown }).content ?? '').length / 4) + 4, 0);
    const completion = Math.ceil((text ?? '').length / 4);
    return {
      id: `chatcmpl-${this.nextId(24)}`,
      object: 'chat.completion',
      created: this.clock.seconds(),
      model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: text, refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: reply.finishReason ?? 'stop',
        },
      ],
      usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
      service_tier: 'default',
      system_fingerprint: 'fp_fake',
    };
  }

  private nextId(len: number): string {
    this.seq += 1;
    return (this.seq.toString(36).padStart(6, '0') + randomBytes(len).toString('hex')).slice(0, len);
  }
}

class RawReply {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly contentType: string,
  ) {}
}

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const fake = new FakeOpenAI(options);
  await fake.listen(options.host);
  return fake;
}

// ---------------------------------------------------------------------------------------------
// helpers

function routeOf(method: string, path: string): string {
  const seg = path.split('/').filter(Boolean);
  if (seg[0] === 'files' && seg[1]) seg[1] = ':id';
  if (seg[0] === 'uploads' && seg[1]) seg[1] = ':id';
  if (seg[0] === 'fine_tuning' && seg[1] === 'jobs' && seg[2]) seg[2] = ':id';
  if (seg[0] === 'models' && seg[1]) return `${method} /models/:id`;
  return `${method} /${seg.join('/')}`;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('aborted')));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

function parseJson(body: Buffer, headers: http.IncomingHttpHeaders): Record<string, unknown> {
  const ct = String(headers['content-type'] ?? '');
  if (!ct.includes('application/json')) {
    throw new HttpError(400, `Unsupported content type '${ct}': expected application/json.`, 'invalid_content_type');
  }
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'We could not parse the JSON body of your request.', 'invalid_json');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new HttpError(400, 'The body must be a JSON object.', 'invalid_json');
  return v as Record<string, unknown>;
}

function requireString(b: Record<string, unknown>, key: string): string {
  const v = b[key];
  if (v === undefined || v === null) throw new HttpError(400, `Missing required parameter: '${key}'.`, 'missing_required_parameter', key);
  if (typeof v !== 'string' || v === '') throw new HttpError(400, `Invalid type for '${key}': expected a non-empty string.`, 'invalid_type', key);
  return v;
}

function allowOnly(b: Record<string, unknown>, keys: string[]): void {
  for (const k of Object.keys(b)) {
    if (!keys.includes(k)) throw new HttpError(400, `Unrecognized request argument supplied: ${k}`, 'unknown_parameter', k);
  }
}

function intParam(q: Record<string, string>, key: string, dflt: number, min: number, max: number): number {
  if (q[key] === undefined) return dflt;
  const n = Number(q[key]);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new HttpError(400, `Invalid '${key}': integer between ${min} and ${max} expected.`, 'invalid_value', key);
  }
  return n;
}

function checkHyper(hp: Record<string, unknown>, key: string, min: number, max: number, integer: boolean): void {
  const v = hp[key];
  if (v === undefined || v === 'auto') return;
  const ok = typeof v === 'number' && (!integer || Number.isInteger(v)) && (integer ? v >= min : v > min) && v <= max;
  if (!ok) throw new HttpError(400, `Invalid value for '${key}': ${JSON.stringify(v)}.`, 'invalid_value', `hyperparameters.${key}`);
}

function checkJsonl(filename: string, data: Buffer): void {
  if (!filename.endsWith('.jsonl')) {
    throw new HttpError(400, `Invalid file format for Fine-Tuning API. Must be .jsonl (got ${filename}).`, 'invalid_file_format', 'file');
  }
  const lines = data.toString('utf8').split('\n');
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    try {
      JSON.parse(line);
    } catch {
      throw new HttpError(400, `Invalid file format: line ${i + 1} is not valid JSON.`, 'invalid_file_format', 'file');
    }
  }
}

// --- multipart/form-data ------------------------------------------------------------------------

export interface FormPart {
  name: string;
  filename: string | null;
  contentType: string | null;
  data: Buffer;
}

/** A small multipart/form-data parser (RFC 7578), enough for what the SDK sends. */
export function parseMultipart(body: Buffer, headers: http.IncomingHttpHeaders): Map<string, FormPart> {
  const ct = String(headers['content-type'] ?? '');
  const m = /^multipart\/form-data;.*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(ct);
  if (!m) throw new HttpError(400, `Unsupported content type '${ct}': expected multipart/form-data.`, 'invalid_content_type');
  const boundary = Buffer.from(`--${m[1] ?? m[2]}`);
  const parts = new Map<string, FormPart>();
  let pos = body.indexOf(boundary);
  if (pos < 0) throw new HttpError(400, 'Malformed multipart body: no boundary.', 'invalid_multipart');
  for (;;) {
    pos += boundary.length;
    if (body.subarray(pos, pos + 2).toString() === '--') break; // closing boundary
    if (body.subarray(pos, pos + 2).toString() !== '\r\n') throw new HttpError(400, 'Malformed multipart body.', 'invalid_multipart');
    pos += 2;
    const headEnd = body.indexOf('\r\n\r\n', pos);
    if (headEnd < 0) throw new HttpError(400, 'Malformed multipart part headers.', 'invalid_multipart');
    const head = body.subarray(pos, headEnd).toString('utf8');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), boundary]), headEnd + 4);
    if (next < 0) throw new HttpError(400, 'Malformed multipart body: unterminated part.', 'invalid_multipart');
    const data = body.subarray(headEnd + 4, next);
    const disp = /content-disposition:\s*form-data;([^\r\n]*)/i.exec(head)?.[1] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disp)?.[1];
    const filename = /\bfilename="([^"]*)"/i.exec(disp)?.[1] ?? null;
    const contentType = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1]?.trim() ?? null;
    if (!name) throw new HttpError(400, 'Multipart part without a name.', 'invalid_multipart');
    parts.set(name, { name, filename, contentType, data: Buffer.from(data) });
    pos = next + 2;
  }
  return parts;
}

export { KNOWN_STATUSES };
