/**
 * Run the committed action bundle (`node dist/index.js`) the way the runner does: every input
 * of action.yml as `INPUT_<NAME>` (upper-cased, dashes kept) with its default unless given,
 * `GITHUB_EVENT_NAME` / `GITHUB_EVENT_PATH` (a payload file), empty `GITHUB_OUTPUT` and
 * `GITHUB_STEP_SUMMARY` files, `RUNNER_TEMP`, `GITHUB_WORKSPACE`. The child is spawned
 * asynchronously so an in-process fake server keeps answering while it runs.
 *
 * The result has the exit code, the outputs parsed from GITHUB_OUTPUT (heredoc format), the job
 * summary, and the workflow commands (`::error file=…,line=…::message`) parsed from stdout.
 * Every end-to-end suite (check, train, smoke, providers) runs the bundle through `runAction`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The committed bundle; FINETUNE_CI_E2E_BUNDLE may point at a copy (e.g. while others rebuild dist/). */
export const BUNDLE = process.env.FINETUNE_CI_E2E_BUNDLE ?? join(ROOT, 'dist', 'index.js');

export interface WorkflowCommand {
  command: string;
  props: Record<string, string>;
  message: string;
}

export interface ActionRun {
  code: number | null;
  /** The signal that ended the child, if one did. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  /** GITHUB_OUTPUT as written (for checks that nothing secret reached it). */
  outputText: string;
  summary: string;
  commands: WorkflowCommand[];
  /** The JSON report the `report` output points at (read before the runner's temp dir goes). */
  report: any;
  /** `::error` / `::warning` / `::notice` commands only. */
  annotations(kind: 'error' | 'warning' | 'notice'): WorkflowCommand[];
}

export interface RunOptions {
  workspace: string;
  /** Inputs by their action.yml names (`max-cost`); the rest get their action.yml defaults. */
  inputs?: Record<string, string>;
  /** Fill the inputs not given with action.yml's defaults, as the runner does. Default true. */
  defaults?: boolean;
  eventName?: string;
  /** The event payload, written to a file for GITHUB_EVENT_PATH. */
  payload: unknown;
  /** GITHUB_API_URL. Default https://api.github.com. */
  apiUrl?: string;
  repository?: string;
  now?: string;
  env?: Record<string, string>;
  /** The child is killed and the run rejected after this long. Default 60 s. */
  timeoutMs?: number;
  /** Called on every chunk of stdout with all of it so far; `kill` signals the child (a cancelled workflow). */
  onOutput?: (stdout: string, kill: (signal: NodeJS.Signals) => void) => void;
  /**
   * Where the runner's files go (event, GITHUB_OUTPUT, summary, RUNNER_TEMP). Given: they stay
   * there for the test to read (the JSON report) until it removes the folder. Default: a temp
   * folder removed after the run.
   */
  tempRoot?: string;
}

/** action.yml's inputs with the defaults the runner would fill in (`${{ github.token }}` → a fake token). */
export function actionDefaults(token = 'ghs_e2eFakeToken0123456789'): Record<string, string> {
  const meta = parseYaml(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: unknown }> };
  const out: Record<string, string> = {};
  for (const [name, spec] of Object.entries(meta.inputs)) {
    const d = spec.default === undefined ? '' : String(spec.default);
    out[name] = d.replace(/\$\{\{\s*github\.token\s*\}\}/g, token);
  }
  return out;
}

/** The runner's name for an input variable: spaces → `_`, upper case, dashes kept. */
export function inputVar(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** Parse GITHUB_OUTPUT: `name<<delim\nvalue\ndelim\n` blocks (and legacy `name=value` lines). */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc as unknown as [string, string, string];
      const value: string[] = [];
      i++;
      while (i < lines.length && lines[i] !== delim) value.push(lines[i++]!);
      if (i >= lines.length) throw new Error(`GITHUB_OUTPUT: no closing delimiter for ${name}`);
      out[name] = value.join('\n');
    } else {
      const eq = line.indexOf('=');
      if (eq < 0) throw new Error(`GITHUB_OUTPUT: cannot parse line ${JSON.stringify(line)}`);
      out[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return out;
}

const unescapeProp = (s: string) => s.replace(/%2C/g, ',').replace(/%3A/g, ':').replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%');
const unescapeData = (s: string) => s.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%');

/** Workflow commands in a step's stdout: `::name key=v,key=v::message`. */
export function parseCommands(stdout: string): WorkflowCommand[] {
  const cmds: WorkflowCommand[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) continue;
    const props: Record<string, string> = {};
    for (const kv of (m[2] ?? '').split(',').filter(Boolean)) {
      const eq = kv.indexOf('=');
      props[kv.slice(0, eq)] = unescapeProp(kv.slice(eq + 1));
    }
    cmds.push({ command: m[1]!, props, message: unescapeData(m[3]!) });
  }
  return cmds;
}

export async function runAction(o: RunOptions): Promise<ActionRun> {
  const dir = mkdtempSync(join(o.tempRoot ?? tmpdir(), 'finetune-ci-runner-'));
  try {
    const eventPath = join(dir, 'event.json');
    const outputPath = join(dir, 'github_output');
    const summaryPath = join(dir, 'step_summary.md');
    const runnerTemp = join(dir, 'runner_temp');
    writeFileSync(eventPath, JSON.stringify(o.payload, null, 2));
    writeFileSync(outputPath, '');
    writeFileSync(summaryPath, '');
    mkdirSync(runnerTemp);

    const env: Record<string, string> = {};
    // A clean environment like a runner's: no INPUT_* or GITHUB_* leaking from the test process.
    for (const k of ['PATH', 'HOME', 'LANG', 'TZ', 'SYSTEMROOT']) if (process.env[k] !== undefined) env[k] = process.env[k]!;
    const inputs = { ...(o.defaults === false ? {} : actionDefaults()), ...(o.inputs ?? {}) };
    for (const [name, value] of Object.entries(inputs)) env[inputVar(name)] = value;
    const repository = o.repository ?? 'acme/datasets';
    Object.assign(env, {
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: o.eventName ?? 'pull_request',
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_OUTPUT: outputPath,
      GITHUB_STEP_SUMMARY: summaryPath,
      GITHUB_API_URL: o.apiUrl ?? 'https://api.github.com',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: repository,
      GITHUB_WORKSPACE: o.workspace,
      GITHUB_ACTION: '__self',
      GITHUB_RUN_ID: '1234567890',
      RUNNER_TEMP: runnerTemp,
      RUNNER_OS: 'Linux',
      FINETUNE_CI_NOW: o.now ?? '2026-11-25',
      // No test reaches the real Hugging Face site (GitHub's runners have the network): open
      // models' tokenizers come from a fake hub or stay approximate.
      HF_ENDPOINT: process.env.HF_ENDPOINT ?? 'http://127.0.0.1:9',
      ...(o.env ?? {}),
    });
    const pr = (o.payload as { pull_request?: { number?: number } }).pull_request;
    if (pr?.number) env.GITHUB_REF = `refs/pull/${pr.number}/merge`;

    const child = spawn(process.execPath, [BUNDLE], { cwd: o.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      o.onOutput?.(stdout, (s) => child.kill(s));
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, o.timeoutMs ?? 60_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((res, rej) => {
      child.once('error', rej);
      child.once('close', (c, s) => res([c, s]));
    }).finally(() => clearTimeout(timer));
    if (timedOut) throw new Error(`node ${BUNDLE} did not finish in ${o.timeoutMs ?? 60_000} ms:\n${stdout.slice(-4000)}\n${stderr.slice(-2000)}`);

    const commands = parseCommands(stdout);
    const outputText = readFileSync(outputPath, 'utf8');
    const outputs = parseOutputFile(outputText);
    let report: unknown = null;
    if (outputs.report) {
      try {
        report = JSON.parse(readFileSync(outputs.report, 'utf8'));
      } catch {
        report = null;
      }
    }
    return {
      code,
      signal,
      stdout,
      stderr,
      outputs,
      outputText,
      report,
      summary: readFileSync(summaryPath, 'utf8'),
      commands,
      annotations: (kind) => commands.filter((c) => c.command === kind),
    };
  } finally {
    if (!o.tempRoot) rmSync(dir, { recursive: true, force: true });
  }
}

export interface PayloadOptions {
  number: number;
  baseSha: string;
  headSha: string;
  /** `owner/name` of the head repository (a fork when it differs from `acme/datasets`). */
  headRepoFullName?: string;
  headRef?: string;
  changedFiles?: number;
  action?: string;
}

/**
 * A pull_request payload as the runner writes it, from the recorded fixture with this PR's
 * number and the temp repository's real base and head shas (and a fork's head repository).
 */
export function pullRequestPayload(o: PayloadOptions): any {
  const fixture = JSON.parse(readFileSync(join(ROOT, '__tests__/fixtures/events/pull_request.synchronize.json'), 'utf8'));
  const p = structuredClone(fixture);
  p.action = o.action ?? 'synchronize';
  p.number = o.number;
  p.after = o.headSha;
  const pr = p.pull_request;
  const oldNumber = pr.number;
  pr.number = o.number;
  pr.base.sha = o.baseSha;
  pr.head.sha = o.headSha;
  if (o.headRef) pr.head.ref = o.headRef;
  if (o.changedFiles !== undefined) pr.changed_files = o.changedFiles;
  for (const k of ['url', 'html_url', 'diff_url', 'patch_url', 'issue_url', 'commits_url', 'review_comments_url', 'comments_url']) {
    if (typeof pr[k] === 'string') pr[k] = pr[k].replace(`/${oldNumber}`, `/${o.number}`);
  }
  if (o.headRepoFullName && o.headRepoFullName !== pr.base.repo.full_name) {
    const [owner, name] = o.headRepoFullName.split('/');
    const fork = structuredClone(pr.base.repo);
    fork.id += 1;
    fork.name = name;
    fork.full_name = o.headRepoFullName;
    fork.fork = true;
    fork.owner = { ...fork.owner, login: owner, id: 100001, type: 'User' };
    fork.html_url = `https://github.com/${o.headRepoFullName}`;
    pr.head.repo = fork;
    pr.head.label = `${owner}:${pr.head.ref}`;
    pr.head.user = fork.owner;
    pr.author_association = 'CONTRIBUTOR';
  }
  return p;
}
