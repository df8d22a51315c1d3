/**
 * A stateful fake of the parts of Together AI's REST API that finetune-ci uses, over real HTTP.
 * Shapes follow ../shared/contracts/together-openapi.yaml (every required field is present,
 * including the spec's capitalised `FileType` and `Processed` on files and the many required
 * fields of a fine-tune event); put Prism in front of it (prism-together.ts) to have each
 * exchange checked against that spec.
 *
 * Beyond the spec (newer than it, per shared/facts/providers.md): files carry
 * `processing_status` (PENDING → RUNNING → COMPLETED, or FAILED / INVALID_FORMAT) and a
 * `validation_report` whose `error` names the line. Prism passes these extra properties through
 * unchecked (the spec's file schema does not forbid additional properties), so their meaning is
 * tested through the adapter's behaviour, not by the contract.
 *
 *   const fake = await startFakeTogether();           // fake.url: http://127.0.0.1:<port>
 *   fake.clock.advance(60_000);                        // files, jobs, endpoints move on with it
 *   fake.inject('POST /fine-tunes', { kind: 'drop-after' });
 *   await fake.close();
 *
 * Routes are matched with or without a leading `/v1`. Faults are queued per route (`POST
 * /files/upload`, `GET /files/:id`, `POST /fine-tunes`, `GET /fine-tunes/:id`, `POST
 * /endpoints`, `DELETE /endpoints/:id`, `POST /chat/completions`, …), each used once (or `times`).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeClock, parseMultipart, type ChatReply, type Fault } from './fake-openai.js';

export { FakeClock };

export type FileProcessingStatus = 'PENDING' | 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'INVALID_FORMAT';

export interface TogetherFile {
  id: string;
  object: 'file';
  created_at: number;
  filename: string;
  bytes: number;
  purpose: string;
  FileType: 'jsonl';
  Processed: boolean;
  processing_status: FileProcessingStatus;
  validation_report: Record<string, unknown> | null;
}

interface StoredFile {
  file: TogetherFile;
  content: Buffer;
  createdMs: number;
  /** Where validation ends: COMPLETED, or a failure with its report. */
  outcome: { status: 'COMPLETED' } | { status: 'FAILED' | 'INVALID_FORMAT'; report: Record<string, unknown> };
}

export interface TogetherJobPlan {
  /** Milliseconds (fake clock) in each phase. */
  pendingMs?: number;
  queuedMs?: number;
  runningMs?: number;
  /** compressing + uploading. */
  finishingMs?: number;
  outcome?: 'completed' | 'error';
  errorMessage?: string;
  /** Tokens billed (default: bytes / 4 × epochs). */
  tokenCount?: number;
  /** USD; the fake reports it in nanodollars as Together does. */
  totalPriceUsd?: number;
  steps?: number;
}

const DEFAULT_PLAN: Required<Omit<TogetherJobPlan, 'tokenCount' | 'totalPriceUsd'>> = {
  pendingMs: 1_000,
  queuedMs: 2_000,
  runningMs: 10_000,
  finishingMs: 2_000,
  outcome: 'completed',
  errorMessage: 'Training failed: CUDA out of memory on step 3',
  steps: 4,
};

export interface TogetherEvent {
  object: 'fine-tune-event';
  created_at: string;
  level: 'info' | 'warning' | 'error';
  message: string;
  type: string;
  param_count: number;
  token_count: number;
  total_steps: number;
  wandb_url: string;
  step: number;
  checkpoint_path: string;
  model_path: string;
  training_offset: number;
  hash: string;
}

export interface StoredTogetherJob {
  body: Record<string, unknown>;
  job: Record<string, unknown> & { id: string; status: string };
  plan: typeof DEFAULT_PLAN & { tokenCount: number; totalPriceUsd: number };
  createdMs: number;
  events: TogetherEvent[];
  checkpoints: { step: number; path: string; created_at: string; checkpoint_type: string }[];
  reached: Set<string>;
  cancelRequestedMs: number | null;
}

export interface TogetherEndpoint {
  object: 'endpoint';
  id: string;
  name: string;
  display_name: string;
  model: string;
  hardware: string;
  type: 'dedicated';
  owner: string;
  state: 'PENDING' | 'STARTING' | 'STARTED' | 'STOPPING' | 'STOPPED' | 'ERROR';
  autoscaling: { min_replicas: number; max_replicas: number };
  created_at: string;
}

interface StoredEndpoint {
  endpoint: TogetherEndpoint;
  body: Record<string, unknown>;
  createdMs: number;
  /** Where start-up ends. */
  outcome: 'STARTED' | 'ERROR';
}

export interface TogetherRequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number | 'reset' | 'dropped';
  fault: Fault['kind'] | null;
  /** Whether the Authorization header was a Bearer token (the key itself is never kept). */
  bearer: boolean;
}

export interface FakeTogetherOptions {
  clock?: FakeClock;
  owner?: string;
  /** Fake-clock milliseconds a file spends PENDING then RUNNING before its outcome (default 2000). */
  fileProcessingMs?: number;
  /** Fake-clock milliseconds an endpoint spends PENDING then STARTING (default 60 000). */
  endpointStartMs?: number;
  defaultPlan?: TogetherJobPlan;
  /** USD per million tokens for estimate-price and total_price (default 0.48). */
  pricePerMillion?: number;
  /** Credit limit in USD: estimates above it are not allowed to proceed (default 100). */
  userLimit?: number;
  host?: string;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null = null,
    readonly param: string | null = null,
    readonly type: string = 'invalid_request_error',
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

class NoContent {}

export const FAKE_TOGETHER_MODELS = ['Qwen/Qwen3-8B', 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', 'openai/gpt-oss-20b'];

// ---------------------------------------------------------------------------------------------

export class FakeTogether {
  readonly clock: FakeClock;
  readonly owner: string;
  readonly files = new Map<string, StoredFile>();
  readonly jobs = new Map<string, StoredTogetherJob>();
  readonly endpoints = new Map<string, StoredEndpoint>();
  /** Ids of endpoints deleted, in order. */
  readonly deletedEndpoints: string[] = [];
  readonly requests: TogetherRequestLogEntry[] = [];
  readonly faultsServed: Record<string, number> = {};
  /** Every estimate-price body received. */
  readonly estimates: Record<string, unknown>[] = [];
  jobCreates = 0;
  /** Names the chat route accepts besides STARTED endpoints (an existing endpoint, a serverless model). */
  readonly servedModels = new Set<string>();
  private readonly faults = new Map<string, { fault: Fault; left: number }[]>();
  private readonly chatScripts = new Map<string, ChatReply[]>();
  private readonly plans: TogetherJobPlan[] = [];
  private readonly fileOutcomes: StoredFile['outcome'][] = [];
  private readonly endpointOutcomes: StoredEndpoint['outcome'][] = [];
  private estimateOverride: Record<string, unknown> | null = null;
  private readonly tampers = new Map<string, (payload: unknown) => unknown>();
  private defaultPlan: TogetherJobPlan;
  private readonly fileProcessingMs: number;
  private readonly endpointStartMs: number;
  pricePerMillion: number;
  userLimit: number;
  private seq = 0;
  private server: http.Server | null = null;
  url = '';

  constructor(options: FakeTogetherOptions = {}) {
    this.clock = options.clock ?? new FakeClock();
    this.owner = options.owner ?? 'acme';
    this.fileProcessingMs = options.fileProcessingMs ?? 2_000;
    this.endpointStartMs = options.endpointStartMs ?? 60_000;
    this.defaultPlan = options.defaultPlan ?? {};
    this.pricePerMillion = options.pricePerMillion ?? 0.48;
    this.userLimit = options.userLimit ?? 100;
  }

  // --- control ------------------------------------------------------------------------------

  inject(route: string, fault: Fault, times = 1): void {
    const q = this.faults.get(route) ?? [];
    q.push({ fault, left: times });
    this.faults.set(route, q);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  faultCount(route: string): number {
    return this.faultsServed[route] ?? 0;
  }

  planNextJob(plan: TogetherJobPlan): void {
    this.plans.push(plan);
  }

  /** The next uploaded file ends its validation this way (default: by looking at its lines). */
  failNextFile(status: 'FAILED' | 'INVALID_FORMAT', report: Record<string, unknown>): void {
    this.fileOutcomes.push({ status, report });
  }

  /** The next endpoint ends its start-up in ERROR. */
  failNextEndpoint(): void {
    this.endpointOutcomes.push('ERROR');
  }

  /** Replace fields of the next estimate-price answers (e.g. `{ allowed_to_proceed: false }`); null to stop. */
  overrideEstimate(fields: Record<string, unknown> | null): void {
    this.estimateOverride = fields;
  }

  /** Edit every answer of a route (e.g. to break the contract on purpose); null to stop. */
  tamper(route: string, edit: ((payload: unknown) => unknown) | null): void {
    if (edit) this.tampers.set(route, edit);
    else this.tampers.delete(route);
  }

  scriptChat(model: string, ...replies: ChatReply[]): void {
    this.chatScripts.set(model, [...(this.chatScripts.get(model) ?? []), ...replies]);
  }

  /** Add a file directly (as if uploaded by an earlier run), already COMPLETED. */
  seedFile(filename: string, content: Buffer | string): TogetherFile {
    const buf = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const s = this.storeFile(filename, buf, 'fine-tune');
    s.createdMs = this.clock.now() - this.fileProcessingMs - 1;
    return this.fileView(s);
  }

  jobList(): StoredTogetherJob[] {
    return [...this.jobs.values()];
  }

  liveEndpoints(): TogetherEndpoint[] {
    return [...this.endpoints.values()].map((e) => this.endpointView(e));
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
    const requestId = `req-${randomBytes(10).toString('hex')}`;
    const u = new URL(req.url ?? '/', 'http://fake');
    const path = u.pathname.replace(/^\/v1(?=\/)/, '').replace(/\/+$/, '') || '/';
    const method = (req.method ?? 'GET').toUpperCase();
    const query: Record<string, string> = {};
    for (const [k, v] of u.searchParams) query[k] = v;
    const route = routeOf(method, path);
    const auth = req.headers.authorization;
    const entry: TogetherRequestLogEntry = { method, path, query, status: 0, fault: null, bearer: !!auth && /^Bearer \S+/.test(auth) };
    this.requests.push(entry);

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
      if (payload instanceof NoContent) {
        res.writeHead(status, { 'x-request-id': requestId, ...headers });
        res.end();
        return;
      }
      res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': requestId, ...headers });
      res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
    };
    const sendError = (e: HttpError) => send(e.status, { error: { message: e.message, type: e.type, param: e.param, code: e.code } }, e.headers);

    if (fault?.kind === 'reset') {
      entry.status = 'reset';
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'rate-limit') {
      const headers: Record<string, string> = {};
      if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
      if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
      return sendError(new HttpError(429, 'You have been rate limited. Please try again later.', 'rate_limit_exceeded', null, 'rate_limit', headers));
    }
    if (fault?.kind === 'quota') {
      return sendError(new HttpError(402, 'Your account has insufficient credit. Please add credit to continue.', 'insufficient_balance', null, 'credit_limit'));
    }
    if (fault?.kind === 'status') {
      return sendError(
        new HttpError(
          fault.status,
          fault.message ?? (fault.status >= 500 ? 'Internal server error' : 'Request failed.'),
          fault.code === undefined ? null : fault.code,
          fault.param ?? null,
          fault.type ?? (fault.status >= 500 ? 'server_error' : 'invalid_request_error'),
        ),
      );
    }
    if (fault?.kind === 'slow') await sleep(fault.ms);

    try {
      if (!entry.bearer) throw new HttpError(401, 'Invalid API key provided.', 'invalid_api_key', null, 'invalid_request_error');
      const raw = await this.route(method, path, query, req.headers, body);
      const edit = this.tampers.get(route);
      const result = edit && !(raw instanceof NoContent) ? edit(JSON.parse(JSON.stringify(raw))) : raw;
      if (fault?.kind === 'drop-after') {
        entry.status = 'dropped';
        req.socket.destroy();
        return;
      }
      send(result instanceof NoContent ? 204 : 200, result);
    } catch (e) {
      if (e instanceof HttpError) return sendError(e);
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

  private async route(method: string, path: string, query: Record<string, string>, headers: http.IncomingHttpHeaders, body: Buffer): Promise<unknown> {
    const seg = path.split('/').filter(Boolean);
    const json = () => parseJson(body, headers);
    if (method === 'POST' && path === '/files/upload') return this.upload(body, headers);
    if (method === 'GET' && path === '/files') return { data: [...this.files.values()].map((f) => this.fileView(f)) };
    if (method === 'GET' && seg[0] === 'files' && seg.length === 2) return this.fileView(this.mustFile(seg[1]!));
    if (method === 'POST' && path === '/fine-tunes/estimate-price') return this.estimate(json());
    if (method === 'POST' && path === '/fine-tunes') return this.createJob(json());
    if (method === 'GET' && path === '/fine-tunes') return { data: [...this.jobs.values()].sort((a, b) => b.createdMs - a.createdMs).map((j) => this.jobView(j, true)) };
    if (seg[0] === 'fine-tunes' && seg.length >= 2) {
      const j = this.mustJob(seg[1]!);
      if (method === 'GET' && seg.length === 2) return this.jobView(j, false);
      if (method === 'GET' && seg[2] === 'events' && seg.length === 3) {
        this.advance(j);
        return { data: j.events };
      }
      if (method === 'GET' && seg[2] === 'checkpoints' && seg.length === 3) {
        this.advance(j);
        return { data: j.checkpoints };
      }
      if (method === 'POST' && seg[2] === 'cancel' && seg.length === 3) return this.cancel(j);
    }
    if (method === 'GET' && path === '/models') {
      return FAKE_TOGETHER_MODELS.map((id) => ({ id, object: 'model', created: 1_735_689_600, type: 'chat', organization: id.split('/')[0] }));
    }
    if (method === 'POST' && path === '/endpoints') return this.createEndpoint(json());
    if (method === 'GET' && path === '/endpoints') {
      return {
        object: 'list',
        data: [...this.endpoints.values()].map((e) => {
          const v = this.endpointView(e);
          return { object: v.object, id: v.id, name: v.name, model: v.model, type: v.type, owner: v.owner, state: v.state, created_at: v.created_at, display_name: v.display_name };
        }),
      };
    }
    if (seg[0] === 'endpoints' && seg.length === 2) {
      const e = this.endpoints.get(seg[1]!);
      if (!e) throw new HttpError(404, `Endpoint ${seg[1]} not found`, 'not_found');
      if (method === 'GET') return this.endpointView(e);
      if (method === 'DELETE') {
        this.endpoints.delete(e.endpoint.id);
        this.deletedEndpoints.push(e.endpoint.id);
        return new NoContent();
      }
    }
    if (method === 'POST' && path === '/chat/completions') return this.chat(json());
    throw new HttpError(404, `Unknown route ${method} ${path}`, 'not_found');
  }

  // --- files --------------------------------------------------------------------------------

  private storeFile(filename: string, content: Buffer, purpose: string): StoredFile {
    const id = `file-${randomUUID()}`;
    const outcome = this.fileOutcomes.shift() ?? validateJsonl(content);
    const s: StoredFile = {
      file: {
        id,
        object: 'file',
        created_at: this.clock.seconds(),
        filename,
        bytes: content.length,
        purpose,
        FileType: 'jsonl',
        Processed: false,
        processing_status: 'PENDING',
        validation_report: null,
      },
      content,
      createdMs: this.clock.now(),
      outcome,
    };
    this.files.set(id, s);
    return s;
  }

  private upload(body: Buffer, headers: http.IncomingHttpHeaders): unknown {
    let parts: ReturnType<typeof parseMultipart>;
    try {
      parts = parseMultipart(body, headers);
    } catch (e) {
      throw new HttpError(400, (e as Error).message, 'invalid_multipart');
    }
    const text = (k: string) => parts.get(k)?.data.toString('utf8');
    for (const k of ['purpose', 'file_name', 'file']) {
      if (!parts.has(k)) throw new HttpError(400, `Missing required field: ${k}`, 'missing_required_parameter', k);
    }
    if (text('purpose') !== 'fine-tune') throw new HttpError(400, `Invalid purpose ${text('purpose')}`, 'invalid_value', 'purpose');
    const fileType = text('file_type');
    if (fileType !== undefined && fileType !== 'jsonl') throw new HttpError(400, `Invalid file_type ${fileType}`, 'invalid_value', 'file_type');
    const name = text('file_name')!;
    if (!name.endsWith('.jsonl')) throw new HttpError(400, `File name must end with .jsonl (got ${name})`, 'invalid_value', 'file_name');
    return this.fileView(this.storeFile(name, parts.get('file')!.data, 'fine-tune'));
  }

  private fileView(s: StoredFile): TogetherFile {
    const age = this.clock.now() - s.createdMs;
    const f = s.file;
    if (age > this.fileProcessingMs) {
      f.processing_status = s.outcome.status;
      f.Processed = s.outcome.status === 'COMPLETED';
      f.validation_report = s.outcome.status === 'COMPLETED' ? { is_check_passed: true, num_samples: countLines(s.content) } : { is_check_passed: false, ...s.outcome.report };
    } else if (age > this.fileProcessingMs / 2) {
      f.processing_status = 'RUNNING';
    }
    return { ...f };
  }

  private mustFile(id: string): StoredFile {
    const f = this.files.get(id);
    if (!f) throw new HttpError(404, `File ${id} not found`, 'file_not_found', 'id');
    return f;
  }

  // --- price & jobs ---------------------------------------------------------------------------

  private usableFile(id: unknown, param: string): StoredFile {
    if (typeof id !== 'string' || !id) throw new HttpError(400, `Missing required parameter: ${param}`, 'missing_required_parameter', param);
    const f = this.files.get(id);
    if (!f) throw new HttpError(400, `${param} ${id} does not exist`, 'invalid_value', param);
    if (this.fileView(f).processing_status !== 'COMPLETED') {
      throw new HttpError(400, `${param} ${id} is not ready: ${f.file.processing_status}`, 'file_not_ready', param);
    }
    return f;
  }

  private estimate(b: Record<string, unknown>): unknown {
    this.estimates.push(b);
    const train = this.usableFile(b.training_file, 'training_file');
    const val = b.validation_file ? this.usableFile(b.validation_file, 'validation_file') : null;
    const epochs = typeof b.n_epochs === 'number' ? b.n_epochs : 1;
    const evals = typeof b.n_evals === 'number' ? b.n_evals : 0;
    const trainTokens = Math.ceil(train.content.length / 4) * epochs;
    const evalTokens = val ? Math.ceil(val.content.length / 4) * evals : 0;
    const price = Math.round((((trainTokens + evalTokens) * this.pricePerMillion) / 1e6) * 1e6) / 1e6;
    return {
      estimated_total_price: price,
      allowed_to_proceed: price <= this.userLimit,
      user_limit: this.userLimit,
      estimated_train_token_count: trainTokens,
      estimated_eval_token_count: evalTokens,
      ...(this.estimateOverride ?? {}),
    };
  }

  private createJob(b: Record<string, unknown>): unknown {
    const allowed = [
      'training_file',
      'validation_file',
      'model',
      'n_epochs',
      'n_evals',
      'n_checkpoints',
      'batch_size',
      'learning_rate',
      'suffix',
      'random_seed',
      'training_type',
      'training_method',
      'warmup_ratio',
      'max_seq_length',
      'weight_decay',
      'max_grad_norm',
      'packing',
      'lr_scheduler',
      'from_checkpoint',
    ];
    for (const k of Object.keys(b)) if (!allowed.includes(k)) throw new HttpError(400, `Unknown parameter ${k}`, 'unknown_parameter', k);
    const train = this.usableFile(b.training_file, 'training_file');
    if (b.validation_file) this.usableFile(b.validation_file, 'validation_file');
    if (typeof b.model !== 'string' || !FAKE_TOGETHER_MODELS.includes(b.model)) {
      throw new HttpError(400, `Model ${String(b.model)} is not supported for fine-tuning`, 'invalid_model', 'model');
    }
    const tt = b.training_type as { type?: string; lora_r?: unknown; lora_alpha?: unknown } | undefined;
    if (tt && tt.type === 'Lora' && (typeof tt.lora_r !== 'number' || typeof tt.lora_alpha !== 'number')) {
      throw new HttpError(400, 'LoRA training needs lora_r and lora_alpha', 'invalid_value', 'training_type');
    }
    const tm = b.training_method as { method?: string } | undefined;
    if (tm && tm.method !== 'sft' && tm.method !== 'dpo') throw new HttpError(400, `Unknown training method ${tm.method}`, 'invalid_value', 'training_method');
    if (b.suffix !== undefined && (typeof b.suffix !== 'string' || b.suffix.length > 40)) {
      throw new HttpError(400, 'suffix must be a string of at most 40 characters', 'invalid_value', 'suffix');
    }
    this.jobCreates += 1;
    const p = { ...DEFAULT_PLAN, ...this.defaultPlan, ...(this.plans.shift() ?? {}) };
    const epochs = typeof b.n_epochs === 'number' ? b.n_epochs : 1;
    const tokenCount = p.tokenCount ?? Math.ceil(train.content.length / 4) * epochs;
    const plan = { ...p, tokenCount, totalPriceUsd: p.totalPriceUsd ?? (tokenCount * this.pricePerMillion) / 1e6 };
    const id = `ft-${randomUUID()}`;
    const now = iso(this.clock.now());
    const model = b.model;
    const suffix = typeof b.suffix === 'string' ? b.suffix : undefined;
    const job: StoredTogetherJob['job'] = {
      id,
      status: 'pending',
      created_at: now,
      updated_at: now,
      training_file: b.training_file,
      ...(b.validation_file ? { validation_file: b.validation_file } : {}),
      model,
      model_output_name: `${this.owner}/${model.split('/').pop()}${suffix ? `-${suffix}` : ''}-${randomBytes(3).toString('hex')}`,
      ...(suffix ? { suffix } : {}),
      n_epochs: epochs,
      n_evals: typeof b.n_evals === 'number' ? b.n_evals : 0,
      n_checkpoints: typeof b.n_checkpoints === 'number' ? b.n_checkpoints : 1,
      batch_size: typeof b.batch_size === 'number' ? b.batch_size : 16,
      learning_rate: typeof b.learning_rate === 'number' ? b.learning_rate : 0.00001,
      training_method: b.training_method ?? { method: 'sft', train_on_inputs: false },
      training_type: b.training_type ?? { type: 'Lora', lora_r: 64, lora_alpha: 128 },
      ...(typeof b.random_seed === 'number' ? { random_seed: b.random_seed } : {}),
      user_id: 'user_fake',
      owner_address: `${this.owner}@example.com`,
      token_count: 0,
      total_price: 0,
    };
    const j: StoredTogetherJob = { body: b, job, plan, createdMs: this.clock.now(), events: [], checkpoints: [], reached: new Set(), cancelRequestedMs: null };
    this.jobs.set(id, j);
    this.event(j, this.clock.now(), 'info', 'job_pending', 'Fine tune request created');
    return this.jobView(j, true);
  }

  private event(j: StoredTogetherJob, ms: number, level: TogetherEvent['level'], type: string, message: string, extra: Partial<TogetherEvent> = {}): void {
    j.events.push({
      object: 'fine-tune-event',
      created_at: iso(ms),
      level,
      message,
      type,
      param_count: 0,
      token_count: 0,
      total_steps: 0,
      wandb_url: '',
      step: 0,
      checkpoint_path: '',
      model_path: '',
      training_offset: 0,
      hash: '',
      ...extra,
    });
  }

  /** Move a job along its plan up to the fake clock's now. */
  private advance(j: StoredTogetherJob): void {
    const job = j.job;
    if (['completed', 'error', 'cancelled'].includes(job.status)) return;
    const now = this.clock.now();
    const p = j.plan;
    if (j.cancelRequestedMs !== null) {
      if (now >= j.cancelRequestedMs + 1_000) {
        job.status = 'cancelled';
        job.updated_at = iso(j.cancelRequestedMs + 1_000);
        this.event(j, j.cancelRequestedMs + 1_000, 'info', 'job_stopped', 'Job cancelled');
      }
      return;
    }
    const tQueued = j.createdMs + p.pendingMs;
    const tRunning = tQueued + p.queuedMs;
    const tFinishing = tRunning + p.runningMs;
    const tUploading = tFinishing + p.finishingMs / 2;
    const tDone = tFinishing + p.finishingMs;
    const reach = (name: string, at: number, fn: () => void) => {
      if (now >= at && !j.reached.has(name)) {
        j.reached.add(name);
        job.updated_at = iso(at);
        fn();
      }
    };
    reach('queued', tQueued, () => {
      job.status = 'queued';
      this.event(j, tQueued, 'info', 'job_start', 'Job queued');
    });
    reach('running', tRunning, () => {
      job.status = 'running';
      job.started_at = iso(tRunning);
      this.event(j, tRunning, 'info', 'training_start', 'Training started');
    });
    if (now >= tRunning) {
      if (p.outcome === 'error' && now >= tRunning + p.runningMs / 2) {
        reach('error', tRunning + p.runningMs / 2, () => {
          job.status = 'error';
          this.event(j, tRunning + p.runningMs / 2, 'error', 'job_error', p.errorMessage);
        });
        return;
      }
      for (let k = 1; k <= p.steps; k++) {
        const at = tRunning + (p.runningMs * k) / (p.steps + 1);
        reach(`step${k}`, at, () => {
          this.event(j, at, 'info', 'checkpoint_save', `Step ${k}/${p.steps} done`, { step: k, total_steps: p.steps });
        });
      }
      if (now < tFinishing && !['completed', 'error'].includes(job.status)) {
        job.progress = { estimate_available: true, seconds_remaining: Math.round((tDone - now) / 1000) };
      }
    }
    if (p.outcome === 'error') return;
    reach('compressing', tFinishing, () => {
      job.status = 'compressing';
      this.event(j, tFinishing, 'info', 'model_compressing', 'Compressing output model');
      const epochs = job.n_epochs as number;
      for (let e = 1; e <= epochs; e++) {
        const step = Math.round((p.steps * e) / epochs);
        j.checkpoints.push({ step, path: `${job.id}:${step}`, created_at: iso(tFinishing), checkpoint_type: e === epochs ? 'Final' : 'Intermediate' });
      }
    });
    reach('uploading', tUploading, () => {
      job.status = 'uploading';
      this.event(j, tUploading, 'info', 'model_uploading', 'Uploading output model');
    });
    reach('completed', tDone, () => {
      job.status = 'completed';
      job.token_count = p.tokenCount;
      job.total_price = Math.round(p.totalPriceUsd * 1e9);
      delete job.progress;
      this.event(j, tDone, 'info', 'job_complete', `Job finished: ${String(job.model_output_name)}`, { model_path: String(job.model_output_name) });
    });
  }

  private jobView(j: StoredTogetherJob, truncated: boolean): Record<string, unknown> {
    this.advance(j);
    const view: Record<string, unknown> = { ...j.job };
    if (!truncated) view.events = j.events;
    return view;
  }

  private mustJob(id: string): StoredTogetherJob {
    const j = this.jobs.get(id);
    if (!j) throw new HttpError(404, `Fine-tune job ${id} not found`, 'not_found', 'id');
    return j;
  }

  private cancel(j: StoredTogetherJob): unknown {
    this.advance(j);
    if (['completed', 'error', 'cancelled'].includes(j.job.status)) {
      throw new HttpError(400, `Job ${j.job.id} is already ${j.job.status}`, 'invalid_job_state');
    }
    if (j.cancelRequestedMs === null) {
      j.cancelRequestedMs = this.clock.now();
      j.job.status = 'cancel_requested';
      j.job.updated_at = iso(this.clock.now());
      this.event(j, this.clock.now(), 'info', 'cancel_requested', 'Cancel requested');
    }
    return this.jobView(j, true);
  }

  // --- endpoints & chat ---------------------------------------------------------------------

  private createEndpoint(b: Record<string, unknown>): unknown {
    for (const k of ['model', 'hardware']) {
      if (typeof b[k] !== 'string' || !b[k]) throw new HttpError(400, `Missing required parameter: ${k}`, 'missing_required_parameter', k);
    }
    const as = b.autoscaling as { min_replicas?: unknown; max_replicas?: unknown } | undefined;
    if (!as || typeof as.min_replicas !== 'number' || typeof as.max_replicas !== 'number') {
      throw new HttpError(400, 'autoscaling {min_replicas, max_replicas} is required', 'missing_required_parameter', 'autoscaling');
    }
    const model = b.model as string;
    const known = FAKE_TOGETHER_MODELS.includes(model) || [...this.jobs.values()].some((j) => j.job.status === 'completed' && j.job.model_output_name === model);
    if (!known) throw new HttpError(404, `Model ${model} not found`, 'model_not_found', 'model');
    const id = `endpoint-${randomUUID()}`;
    const e: StoredEndpoint = {
      endpoint: {
        object: 'endpoint',
        id,
        name: `${this.owner}/${model.split('/').pop()}-${randomBytes(4).toString('hex')}`,
        display_name: typeof b.display_name === 'string' ? b.display_name : model,
        model,
        hardware: b.hardware as string,
        type: 'dedicated',
        owner: this.owner,
        state: 'PENDING',
        autoscaling: { min_replicas: as.min_replicas, max_replicas: as.max_replicas },
        created_at: iso(this.clock.now()),
      },
      body: b,
      createdMs: this.clock.now(),
      outcome: this.endpointOutcomes.shift() ?? 'STARTED',
    };
    this.endpoints.set(id, e);
    return this.endpointView(e);
  }

  private endpointView(e: StoredEndpoint): TogetherEndpoint {
    const age = this.clock.now() - e.createdMs;
    if (age >= this.endpointStartMs) e.endpoint.state = e.outcome;
    else if (age >= this.endpointStartMs / 2) e.endpoint.state = 'STARTING';
    return { ...e.endpoint, autoscaling: { ...e.endpoint.autoscaling } };
  }

  private async chat(b: Record<string, unknown>): Promise<unknown> {
    const model = b.model;
    if (typeof model !== 'string' || !model) throw new HttpError(400, 'Missing required parameter: model', 'missing_required_parameter', 'model');
    const messages = b.messages;
    if (!Array.isArray(messages) || messages.length === 0) throw new HttpError(400, 'messages must be a non-empty array', 'invalid_value', 'messages');
    for (const [i, m] of messages.entries()) {
      if (!['system', 'user', 'assistant', 'tool'].includes(String((m as { role?: unknown })?.role))) {
        throw new HttpError(400, `Invalid role in messages[${i}]`, 'invalid_value', `messages[${i}].role`);
      }
    }
    const ep = [...this.endpoints.values()].find((e) => e.endpoint.name === model);
    if (ep) {
      const state = this.endpointView(ep).state;
      if (state !== 'STARTED') throw new HttpError(503, `Endpoint ${model} is ${state}`, 'endpoint_not_ready', null, 'service_unavailable');
    } else if (!this.servedModels.has(model) && !FAKE_TOGETHER_MODELS.includes(model)) {
      throw new HttpError(404, `Unable to access model ${model}. Please visit https://api.together.ai/models to view the list of supported models.`, 'model_not_available', 'model');
    }
    const reply: ChatReply = this.chatScripts.get(model)?.shift() ?? {};
    if (reply.delayMs) await sleep(reply.delayMs);
    if (reply.status) {
      throw new HttpError(reply.status, `Scripted failure ${reply.status}`, reply.code ?? null, null, reply.status >= 500 ? 'server_error' : 'invalid_request_error', reply.headers ?? {});
    }
    if (reply.raw !== undefined) return reply.raw;
    const text = reply.text === undefined ? `echo: ${String((messages[messages.length - 1] as { content?: unknown }).content)}` : reply.text;
    const prompt = messages.reduce((n: number, m) => n + Math.ceil(String((m as { content?: unknown }).content ?? '').length / 4) + 4, 0);
    const completion = Math.ceil((text ?? '').length / 4);
    return {
      id: `chat-${this.nextId()}`,
      object: 'chat.completion',
      created: this.clock.seconds(),
      model,
      prompt: [],
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: reply.finishReason ?? 'stop', logprobs: null }],
      usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
    };
  }

  private nextId(): string {
    this.seq += 1;
    return `${this.seq.toString(36)}${randomBytes(6).toString('hex')}`;
  }
}

export async function startFakeTogether(options: FakeTogetherOptions = {}): Promise<FakeTogether> {
  const fake = new FakeTogether(options);
  await fake.listen(options.host);
  return fake;
}

// ---------------------------------------------------------------------------------------------
// helpers

function routeOf(method: string, path: string): string {
  const seg = path.split('/').filter(Boolean);
  if (seg[0] === 'files' && seg[1] && seg[1] !== 'upload') seg[1] = ':id';
  if (seg[0] === 'fine-tunes' && seg[1] && seg[1] !== 'estimate-price') seg[1] = ':id';
  if (seg[0] === 'endpoints' && seg[1]) seg[1] = ':id';
  return `${method} /${seg.join('/')}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function countLines(b: Buffer): number {
  return b
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim() !== '').length;
}

/** What Together's validation would say about the lines: the first bad line is named. */
function validateJsonl(content: Buffer): StoredFile['outcome'] {
  const lines = content.toString('utf8').split('\n');
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      return { status: 'INVALID_FORMAT', report: { error: `Error parsing file. Invalid JSON on line ${i + 1} of the input file.` } };
    }
    const o = v as Record<string, unknown>;
    if (!o || typeof o !== 'object' || !(Array.isArray(o.messages) || typeof o.text === 'string' || typeof o.prompt === 'string' || 'preferred_output' in o)) {
      return {
        status: 'INVALID_FORMAT',
        report: { error: `Error parsing file. Invalid format on line ${i + 1} of the input file. Expected "messages", "text" or "prompt"/"completion".` },
      };
    }
  }
  return { status: 'COMPLETED' };
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

function parseJson(body: Buffer, headers: http.IncomingHttpHeaders): Record<string, unknown> {
  const ct = String(headers['content-type'] ?? '');
  if (!ct.includes('application/json')) throw new HttpError(400, `Unsupported content type '${ct}'`, 'invalid_content_type');
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'Invalid JSON body', 'invalid_json');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new HttpError(400, 'The body must be a JSON object', 'invalid_json');
  return v as Record<string, unknown>;
}
