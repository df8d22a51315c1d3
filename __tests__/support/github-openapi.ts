/**
 * GitHub's REST description (`@octokit/openapi`, ≈13 MB) cut down to the operations that
 * `src/github/` uses, plus every component they reference (walked transitively), and Prism
 * started in proxy mode with `--errors` in front of the fake GitHub server.
 *
 * The cut is generated at test time from the installed `@octokit/openapi` (≈0.3 s) and
 * cached in the OS temp dir under a key made of the package version, the operation list and
 * the overlays, so it can never go stale and nothing generated is committed.
 *
 * Run directly to write the cut somewhere and print its path and size:
 *   node_modules/.bin/node __tests__/support/github-openapi.ts [out.json]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const ROOT = findRoot();
export const FULL_SPEC = join(ROOT, 'node_modules/@octokit/openapi/generated/api.github.com.json');
const PRISM_CLI = join(ROOT, 'node_modules/@stoplight/prism-cli/dist/index.js');

/** Every REST operation `src/github/` calls. Add here when the module starts using one. */
export const GITHUB_OPERATIONS: ReadonlyArray<readonly [method: string, path: string]> = [
  ['get', '/repos/{owner}/{repo}/pulls/{pull_number}'],
  ['get', '/repos/{owner}/{repo}/pulls/{pull_number}/files'],
  ['get', '/repos/{owner}/{repo}/contents/{path}'],
  ['get', '/repos/{owner}/{repo}/git/blobs/{file_sha}'],
  ['get', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
  ['post', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
  ['patch', '/repos/{owner}/{repo}/issues/comments/{comment_id}'],
  ['delete', '/repos/{owner}/{repo}/issues/comments/{comment_id}'],
  ['get', '/repos/{owner}/{repo}/commits/{commit_sha}/comments'],
  ['post', '/repos/{owner}/{repo}/commits/{commit_sha}/comments'],
  ['patch', '/repos/{owner}/{repo}/comments/{comment_id}'],
  ['delete', '/repos/{owner}/{repo}/comments/{comment_id}'],
  ['get', '/user'],
];

/**
 * Known gaps in GitHub's description, patched into the cut (and only these):
 * the raw media type is documented for contents and blobs but missing from the schema
 * (github/rest-api-description#6089). GitHub answers it with `application/vnd.github.raw`.
 */
export const OVERLAYS: ReadonlyArray<{ method: string; path: string; status: string; mediaType: string; schema: unknown; why: string }> = [
  {
    method: 'get',
    path: '/repos/{owner}/{repo}/contents/{path}',
    status: '200',
    mediaType: 'application/vnd.github.raw',
    schema: { type: 'string' },
    why: 'raw media type documented but not in the schema (github/rest-api-description#6089)',
  },
  {
    method: 'get',
    path: '/repos/{owner}/{repo}/git/blobs/{file_sha}',
    status: '200',
    mediaType: 'application/vnd.github.raw',
    schema: { type: 'string' },
    why: 'raw media type documented for blobs but not in the schema',
  },
];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

/** Cut `full` down to `operations` and the components they reference, transitively. */
export function cutGithubSpec(full: JsonObject, operations = GITHUB_OPERATIONS): JsonObject {
  const fullPaths = full.paths as JsonObject;
  const paths: JsonObject = {};
  for (const [method, path] of operations) {
    const item = fullPaths[path] as JsonObject | undefined;
    const op = item?.[method];
    if (!item || !op) throw new Error(`operation ${method.toUpperCase()} ${path} is not in the description`);
    const out = (paths[path] ??= {}) as JsonObject;
    out[method] = structuredClone(op);
    if (item.parameters) out.parameters = structuredClone(item.parameters);
  }
  for (const o of OVERLAYS) {
    const op = (paths[o.path] as JsonObject | undefined)?.[o.method] as JsonObject | undefined;
    const responses = op?.responses as JsonObject | undefined;
    const response = responses?.[o.status] as JsonObject | undefined;
    if (!response) throw new Error(`overlay target ${o.method} ${o.path} ${o.status} not found`);
    const content = (response.content ??= {}) as JsonObject;
    content[o.mediaType] = { schema: o.schema as Json };
  }

  const components: Record<string, JsonObject> = {};
  const fullComponents = full.components as Record<string, JsonObject>;
  const seen = new Set<string>();
  const queue: Json[] = [paths];
  const visit = (node: Json): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
    } else if (node && typeof node === 'object') {
      const ref = node.$ref;
      if (typeof ref === 'string' && !seen.has(ref)) {
        seen.add(ref);
        const m = /^#\/components\/([^/]+)\/(.+)$/.exec(ref);
        if (!m) throw new Error(`unsupported $ref ${ref}`);
        const [, kind, name] = m as unknown as [string, string, string];
        const target = fullComponents[kind]?.[decodePointer(name)];
        if (target === undefined) throw new Error(`dangling $ref ${ref}`);
        (components[kind] ??= {})[decodePointer(name)] = target;
        queue.push(target);
      }
      for (const v of Object.values(node)) visit(v);
    }
  };
  while (queue.length) visit(queue.pop()!);

  return {
    openapi: full.openapi!,
    info: { ...(full.info as JsonObject), description: 'Cut of api.github.com for finetune-ci contract tests' },
    servers: full.servers!,
    paths,
    components: sortKeys(components) as unknown as JsonObject,
  };
}

function decodePointer(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

function sortKeys(o: Record<string, JsonObject>): Record<string, JsonObject> {
  const out: Record<string, JsonObject> = {};
  for (const k of Object.keys(o).sort()) {
    const inner: JsonObject = {};
    for (const n of Object.keys(o[k]!).sort()) inner[n] = o[k]![n]!;
    out[k] = inner;
  }
  return out;
}

function openapiVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules/@octokit/openapi/package.json'), 'utf8')) as { version: string }).version;
}

/** Key of the cut: changes whenever the package, the operation list or the overlays change. */
export function cutKey(): string {
  return createHash('sha256')
    .update(JSON.stringify([openapiVersion(), GITHUB_OPERATIONS, OVERLAYS, cutGithubSpec.toString()]))
    .digest('hex')
    .slice(0, 16);
}

/** Write the cut (cached by `cutKey()` in the temp dir unless `out` is given); returns its path. */
export async function writeGithubSpecCut(out?: string): Promise<string> {
  const file = out ?? join(tmpdir(), 'finetune-ci-openapi', `api.github.com.cut-${cutKey()}.json`);
  if (!out && existsSync(file)) return file;
  const full = JSON.parse(await readFile(FULL_SPEC, 'utf8')) as JsonObject;
  const cut = cutGithubSpec(full);
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(cut));
  await rename(tmp, file); // atomic: parallel Jest workers never read half a file
  return file;
}

/** A request Prism refused (`--errors`): the request or the fake's response broke the contract. */
export interface PrismViolation {
  method: string;
  path: string;
  message: string;
}

export interface PrismProxy {
  url: string;
  port: number;
  /** Milliseconds from spawn to "Prism is listening". */
  startupMs: number;
  /** Requests Prism refused since start (or `clearViolations`); details: see the harness. */
  violations(): PrismViolation[];
  clearViolations(): void;
  /** Everything Prism printed (for debugging a failed test). */
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

/**
 * Start `prism proxy <cut> <upstream> --errors` on a free port and wait until it listens.
 * Uses the Node that runs the tests (Node 24 from node_modules), not whatever is on PATH.
 */
export async function startGithubPrism(upstream: string, opts: { timeoutMs?: number } = {}): Promise<PrismProxy> {
  const spec = await writeGithubSpecCut();
  const port = await freePort();
  const started = Date.now();
  const child: ChildProcess = spawn(process.execPath, [PRISM_CLI, 'proxy', spec, upstream, '--errors', '-p', String(port), '-h', '127.0.0.1', '--cors', 'false'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  let out = '';
  let violations: PrismViolation[] = [];
  let partial = '';
  const onData = (chunk: Buffer) => {
    const text = chunk.toString('utf8').replace(/\u001b\[[0-9;]*m/g, '');
    out += text;
    const lines = (partial + text).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      // With --errors Prism answers a violation with a problem+json (details in the body and the
      // sl-violations header) and logs only this line; warnings show up in sl-violations only.
      const m = /\[HTTP SERVER\]\s+(\w+)\s+(\S+).*Request terminated with error: (\S+#VIOLATIONS.*|\S+#UNPROCESSABLE_ENTITY.*)$/.exec(line);
      if (m) violations.push({ method: m[1]!.toUpperCase(), path: m[2]!, message: m[3]!.trim() });
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<void>((res) => child.once('exit', () => res()));

  await new Promise<void>((res, rej) => {
    const timer = setTimeout(() => {
      child.kill();
      rej(new Error(`Prism did not start within ${opts.timeoutMs ?? 60000} ms:\n${out}`));
    }, opts.timeoutMs ?? 60000);
    const check = () => {
      if (/Prism is listening/.test(out)) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        res();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`Prism exited with ${code} before listening:\n${out}`));
    });
  });
  const startupMs = Date.now() - started;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    startupMs,
    violations: () => [...violations],
    clearViolations: () => {
      violations = [];
    },
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

function findRoot(): string {
  let dir = process.cwd();
  for (;;) {
    if (existsSync(join(dir, 'node_modules/@octokit/openapi'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find node_modules/@octokit/openapi above the working directory');
    dir = up;
  }
}

// CLI: node __tests__/support/github-openapi.ts [out.json]
if (process.argv[1] && resolve(process.argv[1]).endsWith(join('__tests__', 'support', 'github-openapi.ts'))) {
  const started = Date.now();
  const file = await writeGithubSpecCut(process.argv[2]);
  const size = readFileSync(file).length;
  console.log(`${file} (${(size / 1024).toFixed(0)} KiB, ${Date.now() - started} ms)`);
}
