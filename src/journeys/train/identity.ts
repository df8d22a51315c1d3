/**
 * Job identity: what defines a training run (content hashes, model, method, hyperparameters,
 * suffix, seed), the key a job is tagged with, and the names its files are uploaded under.
 * Pure apart from hashing a file.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Hyperparameters, Method } from '../../types.js';

/** sha256 of a file, streamed (memory stays flat). */
export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** `train.<first 16 hex>.jsonl` / `valid.<first 16 hex>.jsonl`: the provider dedupes by name + size. */
export function uploadName(role: 'training' | 'validation', sha256: string): string {
  return `${role === 'training' ? 'train' : 'valid'}.${sha256.slice(0, 16)}.jsonl`;
}

/**
 * Hyperparameters as they define a run: absent and `auto` mean the same (the provider
 * chooses), `beta` only counts for DPO. So `n-epochs: auto` added to a workflow does not retrain.
 */
export function normalizeHyperparameters(hp: Hyperparameters, method: Method): Hyperparameters {
  const out: Hyperparameters = {
    n_epochs: hp.n_epochs ?? 'auto',
    batch_size: hp.batch_size ?? 'auto',
    learning_rate_multiplier: hp.learning_rate_multiplier ?? 'auto',
  };
  if (method === 'dpo') out.beta = hp.beta ?? 'auto';
  return out;
}

export interface JobKeyInput {
  trainingSha256: string;
  validationSha256: string | null;
  model: string;
  method: Method;
  hyperparameters: Hyperparameters;
  suffix?: string | null;
  /** Part of the run when set: a new seed is a new run. */
  seed?: number | null;
}

/** sha256 over everything that defines the training run (stable key order, versioned). */
export function jobKey(i: JobKeyInput): string {
  const hp = normalizeHyperparameters(i.hyperparameters, i.method);
  const canonical = {
    v: 1,
    training: i.trainingSha256,
    validation: i.validationSha256 ?? null,
    model: i.model,
    method: i.method,
    hyperparameters: Object.fromEntries(Object.entries(hp).sort(([a], [b]) => (a < b ? -1 : 1))),
    suffix: i.suffix ?? null,
    ...(i.seed != null ? { seed: i.seed } : {}),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/** Everything the provider should get as hyperparameters (beta only for DPO; absent stays absent). */
export function jobHyperparameters(hp: Hyperparameters, method: Method): Hyperparameters {
  const out: Hyperparameters = {};
  if (hp.n_epochs !== undefined) out.n_epochs = hp.n_epochs;
  if (hp.batch_size !== undefined) out.batch_size = hp.batch_size;
  if (hp.learning_rate_multiplier !== undefined) out.learning_rate_multiplier = hp.learning_rate_multiplier;
  if (method === 'dpo' && hp.beta !== undefined) out.beta = hp.beta;
  return out;
}
