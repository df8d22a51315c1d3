/**
 * Together AI's wire: what its REST API sends and takes (the subset finetune-ci reads), its
 * documented defaults, its status words mapped onto ours, and the pure helpers that read its
 * answers (events, validation reports, the suffix that tags a job). Shapes:
 * ../shared/contracts/together-openapi.yaml (2026-04-28) plus the facts sheet's newer fields.
 */
import { createHash } from 'node:crypto';
import type { JobEvent, KnownJobStatus } from '../types.js';

export const TOGETHER_DEFAULT_BASE_URL = 'https://api.together.ai/v1';
/** Together's default learning rate; an OpenAI `learning_rate_multiplier` scales it. */
export const TOGETHER_BASE_LEARNING_RATE = 1e-5;
/** Longest suffix we send (Together's documented limit is unconfirmed; model names stay short). */
export const TOGETHER_MAX_SUFFIX = 40;
/** Hardware for smoke-test endpoints unless told otherwise (`endpointHardware`). */
export const TOGETHER_DEFAULT_HARDWARE = '1x_nvidia_h100_80gb_sxm';
/** Minutes without traffic after which Together stops a smoke endpoint by itself (a backstop). */
export const TOGETHER_DEFAULT_INACTIVE_TIMEOUT_MIN = 10;
/** LoRA rank and alpha sent when the caller does not set them (the SDK's defaults for most models). */
export const TOGETHER_DEFAULT_LORA = { lora_r: 64, lora_alpha: 128 } as const;
/** `total_price` on a job is in nanodollars (Together's SDK divides by 1e9). */
export const NANODOLLARS = 1e9;
export const TOGETHER_BILLING_HINT = 'The Together account is out of credit or over its limit: add credit at https://api.together.ai/settings/billing. ' + 'Retrying will not help.';

export interface TFile {
  id: string;
  filename: string;
  bytes: number;
  created_at: number;
  purpose?: string;
  Processed?: boolean;
  processing_status?: string;
  validation_report?: Record<string, unknown> | null;
}

export interface TEvent {
  created_at?: string;
  level?: string | null;
  message?: string;
  type?: string;
  step?: number;
  total_steps?: number;
  token_count?: number;
  hash?: string;
  checkpoint_path?: string;
  model_path?: string;
  [k: string]: unknown;
}

export interface TJob {
  id: string;
  status: string;
  created_at?: string;
  updated_at?: string;
  started_at?: string;
  model?: string;
  model_output_name?: string;
  suffix?: string;
  training_file?: string;
  validation_file?: string;
  n_epochs?: number;
  batch_size?: number | string;
  learning_rate?: number;
  random_seed?: number | null;
  training_method?: { method?: string; dpo_beta?: number };
  token_count?: number;
  total_price?: number;
  events?: TEvent[];
  progress?: { estimate_available?: boolean; seconds_remaining?: number };
}

export interface TEndpoint {
  id: string;
  name: string;
  display_name?: string;
  model: string;
  state: string;
}

const STATUS_MAP: Readonly<Record<string, KnownJobStatus>> = {
  pending: 'queued',
  queued: 'queued',
  running: 'running',
  compressing: 'running',
  uploading: 'running',
  completed: 'succeeded',
  error: 'failed',
  cancel_requested: 'cancelled',
  cancelled: 'cancelled',
};

/** Together's job status in OpenAI's words (unknown ones are kept as they are). */
export function mapTogetherStatus(status: string): string {
  return STATUS_MAP[status] ?? status;
}

/** The first 8 hex of a job key (a sha256 hex digest); other keys are hashed first. */
export function keyTag(key: string): string {
  const k = key.trim().toLowerCase();
  if (/^[0-9a-f]{8}/.test(k)) return k.slice(0, 8);
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** The suffix a job for `key` carries: `<suffix>-<key8>` (`ftci-<key8>` without a suffix). */
export function taggedSuffix(suffix: string | null | undefined, key: string): string {
  const tag = keyTag(key);
  const base = (suffix ?? '').trim() || 'ftci';
  return `${base.slice(0, TOGETHER_MAX_SUFFIX - tag.length - 1)}-${tag}`;
}

export function toSeconds(iso: string | undefined | null): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

export function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

/** The suffix inside `account/Model-Name-<suffix>-<random>` when it ends with our tag. */
export function suffixFromOutputName(name: string | undefined, tag: string): string | null {
  if (!name) return null;
  const m = new RegExp(`-([A-Za-z0-9_.]+(?:-[A-Za-z0-9_.]+)*?-${tag})(?:-[A-Za-z0-9]+)?$`).exec(name);
  return m?.[1] ?? null;
}

/** A job's suffix (or the one read from its model name) is ours: equal, or ending in `-<ours>`. */
export function suffixMatches(found: string | null, wanted: string): boolean {
  return found !== null && (found === wanted || found.endsWith(`-${wanted}`));
}

/** Together's validation report as one message and the line it points at (if any). */
export function describeValidationReport(report: unknown): { text: string; line: number | null } {
  if (!report || typeof report !== 'object') return { text: 'no validation report given', line: null };
  const r = report as Record<string, unknown>;
  const err = r.error ?? r.message;
  let text: string;
  let line: number | null = null;
  if (typeof err === 'string' && err) text = err;
  else if (err && typeof err === 'object') {
    const o = err as Record<string, unknown>;
    text = typeof o.message === 'string' ? o.message : JSON.stringify(o);
    if (typeof o.line === 'number') line = o.line;
    if (typeof o.line_number === 'number') line = o.line_number;
  } else text = JSON.stringify(r).slice(0, 500);
  for (const k of ['line', 'line_number', 'error_line']) {
    if (line == null && typeof r[k] === 'number') line = r[k] as number;
  }
  if (line == null) {
    const m = /line\s*(?:number\s*)?#?\s*(\d+)/i.exec(text);
    if (m) line = Number(m[1]);
  }
  return { text, line };
}

export const LEVELS: Readonly<Record<string, JobEvent['level']>> = {
  info: 'info',
  legacy_info: 'info',
  warning: 'warn',
  legacy_iwarning: 'warn',
  error: 'error',
  legacy_ierror: 'error',
};

/** Together events have no id: one is made from the hash Together gives, else from the content. */
export function normalizeEvents(raw: readonly TEvent[]): JobEvent[] {
  const seen = new Set<string>();
  const out: (JobEvent & { order: number })[] = [];
  raw.forEach((e, order) => {
    const content = `${e.created_at ?? ''}|${e.type ?? ''}|${e.message ?? ''}|${e.step ?? ''}`;
    const id = `ev-${createHash('sha256')
      .update(e.hash ? `${e.hash}|${content}` : content)
      .digest('hex')
      .slice(0, 16)}`;
    if (seen.has(id)) return;
    seen.add(id);
    const data: Record<string, unknown> = { together_type: e.type ?? null };
    for (const k of ['step', 'total_steps', 'token_count', 'checkpoint_path', 'model_path'] as const) {
      const v = e[k];
      if (v !== undefined && v !== null && v !== '' && !(typeof v === 'number' && v === 0 && k !== 'step')) data[k] = v;
    }
    out.push({
      id,
      createdAt: toSeconds(e.created_at) ?? 0,
      level: (e.level && LEVELS[e.level]) || (e.type === 'job_error' ? 'error' : e.type === 'warning' ? 'warn' : 'info'),
      message: e.message ?? '',
      type: 'message',
      data,
      order,
    });
  });
  out.sort((a, b) => a.createdAt - b.createdAt || a.order - b.order);
  return out.map(({ order: _o, ...e }) => {
    void _o;
    return e;
  });
}

/** Events after `afterId` (exclusive); all of them when it is absent or no longer listed. */
export function eventsAfter(events: JobEvent[], afterId?: string | null): JobEvent[] {
  if (!afterId) return events;
  const i = events.findIndex((e) => e.id === afterId);
  return i >= 0 ? events.slice(i + 1) : events;
}
