/**
 * Third-party test data (API contracts, public datasets) is never committed here. A test asks
 * for a file by its path under `shared/` and gets a local path, found in this order:
 *
 * 1. an environment variable: the file's own (`FINETUNE_CI_SHARED_<PATH>`, e.g.
 *    `FINETUNE_CI_SHARED_CONTRACTS_OPENAI_OPENAPI_YAML`), or `FINETUNE_CI_SHARED_DIR`, a folder
 *    laid out like `shared/`;
 * 2. `../shared/<path>` beside the project, when present (our machines);
 * 3. the cache (`FINETUNE_CI_SHARED_CACHE`, default `.cache/shared-data/` in the project), else
 *    a download from the file's pinned public URL (GitHub's runners), checked against its
 *    pinned sha256 before it is cached; a file that is not published as a file but written by
 *    a third party's code (`generatedBy`) is made by our script from that code, downloaded from
 *    its pinned URLs and checked by sha256, and each output is checked against its sha256.
 *
 * With none of them the test fails with a message naming the file, what it is and where to get
 * it. A file from an environment variable or the cache must have the pinned sha256 (the tests
 * assert exact figures); ../shared is ours and trusted as is.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SHARED_MANIFEST } from './shared-manifest.js';

export interface SharedFile {
  /** The path under `shared/`, e.g. `contracts/openai-openapi.yaml`. */
  path: string;
  sha256: string;
  bytes: number;
  /** Pinned public URL (raw.githubusercontent.com at a commit); absent: not published as a file. */
  url?: string;
  /** Only the first N lines of the download are the file (a prefix of a published dataset). */
  firstLines?: number;
  /** What the file is and where it comes from, for the error message. */
  source: string;
  /** Not published as a file: written by third-party code, which our script runs (see Generator). */
  generatedBy?: Generator;
}

/**
 * `python3 <script> <outdir> <input>...` writes files named like the manifest's (basename); each
 * input is downloaded from its pinned URL and checked by sha256 first. One run makes every file
 * of the manifest with the same generator; each is cached only with its pinned sha256.
 */
export interface Generator {
  /** Our script, relative to the project root. */
  script: string;
  inputs: readonly { url: string; sha256: string }[];
}

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** `../shared` beside the project; FINETUNE_CI_SHARED_BESIDE overrides it (tests of this module). */
function besideDir(): string {
  return process.env.FINETUNE_CI_SHARED_BESIDE ?? resolve(PROJECT_ROOT, '..', 'shared');
}
function cacheDir(): string {
  return process.env.FINETUNE_CI_SHARED_CACHE ?? join(PROJECT_ROOT, '.cache', 'shared-data');
}

/** The file's own environment variable: `FINETUNE_CI_SHARED_` + its path in upper snake case. */
export function envVarFor(path: string): string {
  return `FINETUNE_CI_SHARED_${path.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase()}`;
}

export class SharedDataMissing extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SharedDataMissing';
  }
}

async function sha256Of(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

function keepLines(data: Buffer, n: number): Buffer {
  let end = 0;
  for (let i = 0; i < n; i++) {
    const nl = data.indexOf(0x0a, end);
    if (nl < 0) return data;
    end = nl + 1;
  }
  return data.subarray(0, end);
}

async function download(entry: SharedFile & { url: string }, to: string, timeoutMs: number): Promise<void> {
  const res = await fetch(entry.url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`HTTP ${res.status} from ${entry.url}`);
  let data: Buffer = Buffer.from(await res.arrayBuffer());
  if (entry.firstLines) data = keepLines(data, entry.firstLines);
  const got = createHash('sha256').update(data).digest('hex');
  if (got !== entry.sha256) throw new Error(`${entry.url} has sha256 ${got}, not the pinned ${entry.sha256}`);
  await mkdir(dirname(to), { recursive: true });
  const tmp = `${to}.${process.pid}.part`;
  await writeFile(tmp, data);
  await rename(tmp, to);
}

const run = promisify(execFile);

/** Run `gen` in a fresh folder and move its outputs that match their pinned sha256 into the cache. */
async function generate(gen: Generator, manifest: readonly SharedFile[], timeoutMs: number): Promise<void> {
  await mkdir(cacheDir(), { recursive: true });
  const work = await mkdtemp(join(cacheDir(), '.generate-'));
  try {
    const inputs: string[] = [];
    for (const input of gen.inputs) {
      const to = join(cacheDir(), `${input.sha256.slice(0, 16)}-${basename(new URL(input.url).pathname)}`);
      if (!(existsSync(to) && (await sha256Of(to)) === input.sha256)) {
        await download({ path: input.url, bytes: 0, source: input.url, ...input }, to, timeoutMs);
      }
      inputs.push(to);
    }
    const out = join(work, 'out');
    await run('python3', [resolve(PROJECT_ROOT, gen.script), out, ...inputs], { timeout: timeoutMs }).catch((e: Error & { stderr?: string }) => {
      throw new Error(`python3 ${gen.script} failed: ${e.message.split('\n')[0]}${e.stderr ? `: ${e.stderr.trim().split('\n').slice(-1)[0]}` : ''}`);
    });
    for (const e of manifest.filter((x) => x.generatedBy === gen)) {
      const made = join(out, basename(e.path));
      if (existsSync(made) && (await sha256Of(made)) === e.sha256) await rename(made, cachePath(e));
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function cachePath(entry: SharedFile): string {
  return join(cacheDir(), `${entry.sha256.slice(0, 16)}-${basename(entry.path)}`);
}

export interface ResolveOptions {
  manifest?: readonly SharedFile[];
  /** Download timeout. Default 60 s. */
  timeoutMs?: number;
}

/** The local path of `shared/<path>` (see the file comment for the order); throws SharedDataMissing. */
export async function sharedFile(path: string, opts: ResolveOptions = {}): Promise<string> {
  const manifest = opts.manifest ?? SHARED_MANIFEST;
  const entry = manifest.find((e) => e.path === path);
  if (!entry) throw new Error(`shared/${path} is not in the test-data manifest (__tests__/support/shared-manifest.ts): add it with its sha256 and URL`);
  const own = envVarFor(path);
  const problems: string[] = [];

  const fromEnv = process.env[own] || (process.env.FINETUNE_CI_SHARED_DIR ? join(process.env.FINETUNE_CI_SHARED_DIR, path) : '');
  if (fromEnv) {
    const name = process.env[own] ? own : 'FINETUNE_CI_SHARED_DIR';
    if (!existsSync(fromEnv)) throw new SharedDataMissing(`${name} points at ${fromEnv}, which does not exist (needed: shared/${path}, ${entry.source})`);
    const got = await sha256Of(fromEnv);
    if (got !== entry.sha256) throw new SharedDataMissing(`${name}: ${fromEnv} has sha256 ${got}, not the pinned ${entry.sha256} of shared/${path} (${entry.source})`);
    return fromEnv;
  }

  const beside = join(besideDir(), path);
  if (existsSync(beside)) return beside;

  const cached = cachePath(entry);
  if (existsSync(cached) && (await sha256Of(cached)) === entry.sha256) return cached;
  if (entry.url) {
    try {
      await download({ ...entry, url: entry.url }, cached, opts.timeoutMs ?? 60_000);
      return cached;
    } catch (e) {
      problems.push(`downloading it failed: ${(e as Error).message}${(e as Error).cause ? ` (${String((e as Error).cause)})` : ''}`);
    }
  } else if (entry.generatedBy) {
    try {
      await generate(entry.generatedBy, manifest, opts.timeoutMs ?? 60_000);
      if (existsSync(cached)) return cached;
      problems.push(`generating it: python3 ${entry.generatedBy.script} did not write it with the pinned sha256`);
    } catch (e) {
      problems.push(`generating it failed: ${(e as Error).message}${(e as Error).cause ? ` (${String((e as Error).cause)})` : ''}`);
    }
  }
  throw new SharedDataMissing(
    [
      `This test needs shared/${path}: ${entry.source} (sha256 ${entry.sha256}, ${entry.bytes} bytes).`,
      `Get it in one of these ways:`,
      `  - set ${own} to a copy of it (or FINETUNE_CI_SHARED_DIR to a folder laid out like shared/);`,
      `  - put the shared folder beside the project: ${beside};`,
      entry.url
        ? `  - let the test download it from ${entry.url} (needs the network; cached in ${cacheDir()}).`
        : entry.generatedBy
          ? `  - let the test generate it: python3 ${entry.generatedBy.script} runs ${entry.generatedBy.inputs.map((i) => i.url).join(' and ')} (needs the network and python3; cached in ${cacheDir()}).`
          : `  - it is not published as a file (it has no download URL): copy it from a machine that has shared/.`,
      ...problems.map((p) => `Tried: ${p}.`),
    ].join('\n'),
  );
}

/** Every manifest file under `shared/<dir>/`, resolved (e.g. `data/together-cases`). */
export async function sharedFilesUnder(dir: string, opts: ResolveOptions = {}): Promise<string[]> {
  const prefix = dir.replace(/\/?$/, '/');
  const entries = (opts.manifest ?? SHARED_MANIFEST).filter((e) => e.path.startsWith(prefix));
  if (!entries.length) throw new Error(`no file under shared/${prefix} in the test-data manifest`);
  const out: string[] = [];
  for (const e of entries) out.push(await sharedFile(e.path, opts));
  return out;
}
