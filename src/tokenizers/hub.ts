/**
 * Tokenizer files from the Hugging Face Hub, pinned by revision and cached on disk: the first
 * run downloads (and checks each pinned sha256), later runs read the cache and download
 * nothing. No network and no cache is not an error: the caller falls back to the approximate
 * count and says why. Gated repositories need a token (`hf-token` / HF_TOKEN).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { HF_ENDPOINT, type TokenizerFile, type TokenizerPin } from '../catalog/tokenizers.js';

export interface HubOptions {
  /** Where tokenizers are cached (a folder per repository and revision). */
  cacheDir: string;
  endpoint: string;
  token: string | null;
  /** Never download: use the cache or fall back. */
  offline: boolean;
  timeoutMs: number;
}

export interface TokenizerFiles {
  pin: TokenizerPin;
  dir: string;
  /** Files this call downloaded (empty when the cache had them all). */
  downloaded: string[];
  /** sha256 of each file as read. */
  sha256: Record<string, string>;
}

export type Resolved = { ok: true; files: TokenizerFiles } | { ok: false; code: 'tokenizer-unavailable' | 'tokenizer-needs-token' | 'tokenizer-mismatch'; message: string; hint: string };

/**
 * The cache folder: FINETUNE_CI_CACHE_DIR; on a runner the tool cache (RUNNER_TOOL_CACHE);
 * else the user's cache directory ($XDG_CACHE_HOME, ~/.cache).
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FINETUNE_CI_CACHE_DIR) return env.FINETUNE_CI_CACHE_DIR;
  if (env.RUNNER_TOOL_CACHE) return join(env.RUNNER_TOOL_CACHE, 'finetune-ci');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'finetune-ci');
}

export function hubOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): HubOptions {
  return {
    cacheDir: defaultCacheDir(env),
    endpoint: (env.HF_ENDPOINT || HF_ENDPOINT).replace(/\/+$/, ''),
    token: env.HF_TOKEN || null,
    offline: env.HF_HUB_OFFLINE === '1' || env.FINETUNE_CI_OFFLINE === '1',
    timeoutMs: 60_000,
  };
}

/** The folder one pinned revision is cached in. */
export function pinDir(cacheDir: string, pin: TokenizerPin): string {
  return join(cacheDir, 'tokenizers', pin.repo.replace(/[^A-Za-z0-9._-]/g, '--'), pin.revision);
}

export function pinFiles(pin: TokenizerPin): TokenizerFile[] {
  return [pin.tokenizerJson, pin.tokenizerConfig, ...(pin.chatTemplate ? [pin.chatTemplate] : [])];
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

class Unavailable extends Error {
  constructor(
    readonly code: Extract<Resolved, { ok: false }>['code'],
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

async function download(pin: TokenizerPin, file: TokenizerFile, opts: HubOptions): Promise<Buffer> {
  const url = `${opts.endpoint}/${pin.repo}/resolve/${pin.revision}/${file.path}`;
  let res: Response;
  try {
    res = await fetch(url, {
      headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
    throw new Unavailable(
      'tokenizer-unavailable',
      `could not download ${file.path} of ${pin.repo}@${pin.revision.slice(0, 8)} (${cause})`,
      'run once with network access to cache it, or keep the approximate count',
    );
  }
  if (res.status === 401 || res.status === 403) {
    throw new Unavailable(
      'tokenizer-needs-token',
      `${pin.repo} is gated: its tokenizer needs a Hugging Face token${opts.token ? ' with access to it (the one given was refused)' : ''}`,
      opts.token ? "accept the model's license on huggingface.co with the token's account" : "set the hf-token input (or HF_TOKEN for the CLI) to a token that has accepted the model's license",
    );
  }
  if (!res.ok) {
    throw new Unavailable(
      'tokenizer-unavailable',
      `downloading ${file.path} of ${pin.repo}@${pin.revision.slice(0, 8)} answered HTTP ${res.status}`,
      "check that the catalog's pinned revision still exists",
    );
  }
  const body = Buffer.from(await res.arrayBuffer());
  if (file.sha256 && sha256(body) !== file.sha256) {
    throw new Unavailable(
      'tokenizer-mismatch',
      `${file.path} of ${pin.repo}@${pin.revision.slice(0, 8)} does not match the pinned sha256`,
      'the download was altered or the pin is wrong: counts stay approximate until the catalog is fixed',
    );
  }
  return body;
}

/**
 * The pinned files, from the cache or downloaded into it. Files land under a temporary name
 * and are renamed into place, so a broken download never leaves a half file in the cache.
 */
export async function resolveTokenizer(pin: TokenizerPin, opts: HubOptions): Promise<Resolved> {
  const dir = pinDir(opts.cacheDir, pin);
  const downloaded: string[] = [];
  const hashes: Record<string, string> = {};
  try {
    for (const file of pinFiles(pin)) {
      const path = join(dir, file.path);
      let body: Buffer | null = await readFile(path).catch(() => null);
      if (body && file.sha256 && sha256(body) !== file.sha256) body = null; // a damaged cache entry
      if (!body) {
        if (opts.offline) throw new Unavailable('tokenizer-unavailable', `${pin.repo}@${pin.revision.slice(0, 8)} is not cached and downloads are off`, 'run once with network access to cache it');
        body = await download(pin, file, opts);
        await mkdir(dir, { recursive: true });
        const tmp = `${path}.${process.pid}.part`;
        await writeFile(tmp, body);
        await rename(tmp, path).catch(async (e) => {
          await rm(tmp, { force: true });
          throw e;
        });
        downloaded.push(file.path);
      }
      hashes[file.path] = sha256(body);
    }
  } catch (e) {
    if (e instanceof Unavailable) return { ok: false, code: e.code, message: e.message, hint: e.hint };
    return {
      ok: false,
      code: 'tokenizer-unavailable',
      message: `the tokenizer cache at ${dir} could not be used: ${(e as Error).message}`,
      hint: 'check that the cache folder is writable (FINETUNE_CI_CACHE_DIR)',
    };
  }
  return { ok: true, files: { pin, dir, downloaded, sha256: hashes } };
}
