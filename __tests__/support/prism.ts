/**
 * Stoplight Prism in proxy mode with `--errors`, in front of a fake upstream, so that every
 * request the client sends and every response the fake returns is checked against OpenAI's
 * published spec. A violation comes back to the client as an error response (422 for a bad
 * request, 500 for a bad response) whose body names the violation.
 *
 * Loading the full 3 MB spec takes Prism about 15 s of CPU on this machine, so by default the
 * spec is first cut down to the paths finetune-ci uses (plus everything they reference, and
 * the security schemes): the same contract for those routes, loaded in a fraction of the time.
 * Pass `paths: 'all'` to load the spec unchanged. Start Prism once per test file (beforeAll).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { sharedFile } from './shared-data.js';
import { startFakeOpenAI, type FakeOpenAI, type FakeOpenAIOptions } from './fake-openai.js';

/** The project root (two levels above this file). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** OpenAI's spec, by its path under shared/ (resolved by ./shared-data.ts: env, ../shared or a pinned download). */
export const OPENAI_SPEC = 'contracts/openai-openapi.yaml';
const PRISM_CLI = join(PROJECT_ROOT, 'node_modules', '@stoplight', 'prism-cli', 'dist', 'index.js');

/** The OpenAI routes the provider uses. */
export const OPENAI_PATHS: readonly string[] = [
  '/files',
  '/files/{file_id}',
  '/uploads',
  '/uploads/{upload_id}/parts',
  '/uploads/{upload_id}/complete',
  '/fine_tuning/jobs',
  '/fine_tuning/jobs/{fine_tuning_job_id}',
  '/fine_tuning/jobs/{fine_tuning_job_id}/events',
  '/fine_tuning/jobs/{fine_tuning_job_id}/checkpoints',
  '/fine_tuning/jobs/{fine_tuning_job_id}/cancel',
  '/models/{model}',
  '/chat/completions',
];

export interface StartPrismOptions {
  /** The fake's base URL. */
  upstream: string;
  /** A path under shared/ (default `contracts/openai-openapi.yaml`) or an absolute path. */
  spec?: string;
  /** Paths to keep from the spec (with everything they reference), or 'all'. */
  paths?: readonly string[] | 'all';
  /** Corrections applied to the cut spec (documented quirks of a published spec); not with 'all'. */
  patch?: SpecPatch;
  readyTimeoutMs?: number;
}

/** An edit of a parsed spec, with an id that changes whenever the edit does (it keys the cache). */
export interface SpecPatch {
  id: string;
  apply: (doc: { paths: Record<string, unknown>; components: Record<string, Record<string, unknown>> }) => void;
}

export interface PrismHandle {
  /** Base URL to give the client (Prism serves the spec's paths at its root). */
  url: string;
  port: number;
  /** Milliseconds from spawn to "listening". */
  startupMs: number;
  /** Everything Prism printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** A spec reduced to `paths` and the transitive closure of their `$ref`s; cached on disk by content. */
export function subsetSpec(specPath: string, paths: readonly string[], patch?: SpecPatch): string {
  const text = readFileSync(specPath, 'utf8');
  const digest = createHash('sha256')
    .update(text)
    .update(JSON.stringify(paths))
    .update(patch?.id ?? '')
    .digest('hex')
    .slice(0, 16);
  const dir = join(tmpdir(), 'finetune-ci-prism');
  const out = join(dir, `openapi-subset-${digest}.json`);
  if (existsSync(out)) return out;
  const doc = YAML.parse(text, { maxAliasCount: -1 }) as {
    paths: Record<string, unknown>;
    components?: Record<string, Record<string, unknown>>;
    [k: string]: unknown;
  };
  const keptPaths: Record<string, unknown> = {};
  for (const p of paths) {
    if (!(p in doc.paths)) throw new Error(`${p} is not in ${specPath}`);
    keptPaths[p] = doc.paths[p];
  }
  const components: Record<string, Record<string, unknown>> = {};
  if (doc.components?.securitySchemes) components.securitySchemes = doc.components.securitySchemes;
  const queue: unknown[] = [keptPaths, components.securitySchemes];
  const seen = new Set<string>();
  while (queue.length) {
    const node = queue.pop();
    if (!node || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      queue.push(...node);
      continue;
    }
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/')) {
        if (seen.has(v)) continue;
        seen.add(v);
        const [, , kind, name] = v.split('/');
        const target = doc.components?.[kind!]?.[decodeURIComponent(name!)];
        if (target === undefined) throw new Error(`dangling $ref ${v}`);
        (components[kind!] ??= {})[name!] = target;
        queue.push(target);
      } else if (v && typeof v === 'object') {
        queue.push(v);
      }
    }
  }
  const { paths: _p, components: _c, webhooks: _w, ...rest } = doc;
  void _p;
  void _c;
  void _w;
  patch?.apply({ paths: keptPaths, components });
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${out}.tmp${process.pid}`, JSON.stringify({ ...rest, paths: keptPaths, components }));
  // rename is atomic: parallel test files may race to write the same cache entry.
  renameSync(`${out}.tmp${process.pid}`, out);
  return out;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolvePort(port));
    });
  });
}

export async function startPrism(options: StartPrismOptions): Promise<PrismHandle> {
  // A path under shared/ (the published specs) is resolved; an absolute path is used as is.
  const wanted = options.spec ?? OPENAI_SPEC;
  const spec = isAbsolute(wanted) ? wanted : await sharedFile(wanted);
  if (!existsSync(spec)) throw new Error(`contract not found: ${spec}`);
  const paths = options.paths ?? OPENAI_PATHS;
  const document = paths === 'all' ? spec : subsetSpec(spec, paths, options.patch);
  const port = await freePort();
  const started = Date.now();
  const child: ChildProcess = spawn(process.execPath, [PRISM_CLI, 'proxy', '--errors', '-h', '127.0.0.1', '-p', String(port), document, options.upstream], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  let output = '';
  const onData = (b: Buffer) => {
    output += b.toString('utf8');
    if (output.length > 1_000_000) output = output.slice(-500_000);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`Prism did not start within ${options.readyTimeoutMs ?? 120_000} ms:\n${output.slice(-3000)}`));
    }, options.readyTimeoutMs ?? 120_000);
    const check = () => {
      if (/Prism is listening on/.test(output)) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolveReady();
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`Prism exited (${code}) before listening:\n${output.slice(-3000)}`));
    });
  });
  const startupMs = Date.now() - started;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    startupMs,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** The fake and Prism in front of it, for one test file. */
export interface OpenAIStack {
  fake: FakeOpenAI;
  prism: PrismHandle;
  /** Base URL for the client: through Prism. */
  url: string;
  /** Base URL of the fake itself (for what the spec cannot express, e.g. status `paused`). */
  directUrl: string;
  stop(): Promise<void>;
}

export async function startOpenAIStack(options: FakeOpenAIOptions & { paths?: readonly string[] | 'all' } = {}): Promise<OpenAIStack> {
  const fake = await startFakeOpenAI(options);
  let prism: PrismHandle;
  try {
    prism = await startPrism({ upstream: fake.url, paths: options.paths });
  } catch (e) {
    await fake.close();
    throw e;
  }
  return {
    fake,
    prism,
    url: prism.url,
    directUrl: fake.url,
    stop: async () => {
      await prism.stop();
      await fake.close();
    },
  };
}
