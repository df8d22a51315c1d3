/**
 * The Action's entry: read the inputs, pick the journey from the event, run it. The only module
 * that reads action inputs; everything else gets typed settings and an ActionIO.
 */
import * as core from '@actions/core';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { ConfigError, parseSettings, readOptional, type Mode, type Settings } from './config.js';
import { defaultWorkerThreads, isAnalysisWorker, serveAnalysis } from './dataset/workers.js';
import { tuneHeap } from './dataset/memory.js';
import { createClient, readEventContext, type EventContext } from './github/index.js';
import { runCheck } from './journeys/check.js';
import { runInJourneyThread, shouldMoveToThread } from './journeys/thread.js';
import { withActionCache } from './cache/actions.js';
import { engineId } from './cache/fingerprint.js';
import type { ActionIO } from './journeys/io.js';

export function coreIO(): ActionIO {
  return {
    info: (m) => core.info(m),
    warning: (m, p) => core.warning(m, p),
    error: (m, p) => core.error(m, p),
    notice: (m, p) => core.notice(m, p),
    group: (name, fn) => core.group(name, fn),
    setOutput: (n, v) => core.setOutput(n, String(v)),
    appendSummary: async (md) => {
      if (!process.env.GITHUB_STEP_SUMMARY) {
        core.info(md);
        return;
      }
      try {
        await core.summary.addRaw(md, true).write();
      } catch (e) {
        core.warning(`Could not write the job summary (${(e as Error).message}); the report follows in the log.`);
        core.info(md);
      }
    },
    setSecret: (s) => core.setSecret(s),
    setFailed: (m) => core.setFailed(m),
  };
}

/** `mode: auto`: pull requests and other branches are checked; the default branch trains. */
export function resolveMode(mode: Mode, ev: EventContext | null): { mode: Exclude<Mode, 'auto'>; resumeOnly: boolean } {
  if (mode !== 'auto') return { mode, resumeOnly: false };
  if (!ev) return { mode: 'check', resumeOnly: false };
  switch (ev.eventName) {
    case 'pull_request':
    case 'pull_request_target':
      return { mode: 'check', resumeOnly: false };
    case 'schedule':
      return { mode: 'train', resumeOnly: true };
    case 'workflow_dispatch':
      return { mode: 'train', resumeOnly: false };
    case 'push':
      return { mode: ev.isDefaultBranch ? 'train' : 'check', resumeOnly: false };
    default:
      return { mode: 'check', resumeOnly: false };
  }
}

export type JourneyRunner = (s: Settings, ctx: { io: ActionIO; event: EventContext | null; workspace: string }) => Promise<void>;

async function run(): Promise<void> {
  // The journey runs in its own thread, under the CLI's memory discipline (journeys/thread.ts).
  if (shouldMoveToThread()) {
    process.exitCode = await runInJourneyThread(new URL(import.meta.url));
    return;
  }
  const io = coreIO();
  const get = (name: string) => core.getInput(name);
  // Mask every credential before anything can print it.
  for (const name of ['openai-api-key', 'azure-api-key', 'together-api-key', 'github-token']) {
    const v = get(name).trim();
    if (v) core.setSecret(v);
  }
  // The config file is the repository's: read it from the workspace, whatever the cwd is.
  const workspaceRoot = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const settings = await parseSettings(get, (p) => readOptional(isAbsolute(p) ? p : join(workspaceRoot, p)));
  let event: EventContext | null = null;
  try {
    event = readEventContext();
  } catch (e) {
    io.info(`No workflow event to read (${(e as Error).message}); running as a plain check.`);
  }
  const { mode, resumeOnly } = resolveMode(settings.mode, event);
  settings.train.resumeOnly = resumeOnly;
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const github = settings.githubToken ? createClient(settings.githubToken, { baseUrl: event?.apiUrl }) : null;
  const workers = { threads: defaultWorkerThreads(), url: new URL(import.meta.url), share: true };
  io.info(`finetune-ci: mode ${mode}${settings.mode === 'auto' ? ` (auto, from ${event?.eventName ?? 'no event'})` : ''}`);
  if (mode === 'check') {
    const cacheOpts = {
      enabled: get('cache').trim().toLowerCase() !== 'false',
      dir: join(process.env.RUNNER_TEMP ?? tmpdir(), 'finetune-ci-cache'),
      engine: engineId(new URL(import.meta.url)),
      persistentDir: process.env.FINETUNE_CI_CACHE_DIR && isAbsolute(process.env.FINETUNE_CI_CACHE_DIR) ? process.env.FINETUNE_CI_CACHE_DIR : undefined,
      info: io.info,
      warning: (m: string) => io.warning(m),
    };
    await withActionCache(cacheOpts, (cache) =>
      runCheck(settings, { io, github, event, workspace, workers, cache, settingsAt: (text) => parseSettings(get, async () => text) }),
    );
    return;
  }
  const journeys: Record<'train' | 'smoke', () => Promise<JourneyRunner>> = {
    train: async () => (await import('./journeys/train.js')).runTrainJourney,
    smoke: async () => (await import('./journeys/smoke.js')).runSmokeJourney,
  };
  const runner = await journeys[mode]();
  await runner(settings, { io, event, workspace });
}

tuneHeap();
if (isAnalysisWorker()) {
  serveAnalysis();
} else {
  run().catch((e: unknown) => {
    if (e instanceof ConfigError) {
      // Annotate each located problem on its line of the config file, then fail.
      for (const p of e.problems) core.error(p.message, { title: 'finetune-ci: config', file: p.file, startLine: p.line ?? undefined });
      core.setFailed(`finetune-ci: ${e.message}`);
    }
    else core.setFailed(`finetune-ci failed unexpectedly: ${(e as Error).stack ?? String(e)}`);
  });
}
