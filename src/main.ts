/**
 * The Action's entry: read the inputs, pick the journey from the event, run it. The only module
 * that reads action inputs; everything else gets typed settings and an ActionIO.
 */
import * as core from '@actions/core';
import { availableParallelism } from 'node:os';
import { ConfigError, configReader, parseSettings, type Mode, type Settings } from './config.js';
import { isAnalysisWorker, serveAnalysis } from './dataset/workers.js';
import { tuneHeap } from './dataset/memory.js';
import { createClient, readEventContext, type EventContext } from './github/index.js';
import { runCheck } from './journeys/check.js';
import type { ActionIO, AnnotationProps } from './journeys/io.js';
import { logText, plain, visible } from './report/text.js';

/**
 * The output boundary: every message leaves through here. Hidden characters (controls, bidi)
 * show as U+FFFD everywhere; a log line can never be a workflow command (`logText`); command
 * data and properties are escaped by @actions/core (`%`, CR, LF, and `:`/`,` in properties).
 * Call sites still pass data through `plain` so that it stays on its own line.
 */
export function coreIO(): ActionIO {
  const props = (p?: AnnotationProps) => (p ? { ...p, title: p.title === undefined ? undefined : logText(plain(p.title, 200)) } : undefined);
  const info = (m: string) => core.info(logText(m));
  return {
    info,
    // Inside a `::warning::` line a `##[` is inert today; defused anyway, like every line.
    warning: (m, p) => core.warning(logText(m), props(p)),
    error: (m, p) => core.error(logText(m), props(p)),
    notice: (m, p) => core.notice(logText(m), props(p)),
    group: (name, fn) => core.group(logText(plain(name, 300)), fn),
    setOutput: (n, v) => core.setOutput(n, String(v)),
    appendSummary: async (md) => {
      if (!process.env.GITHUB_STEP_SUMMARY) {
        info(md);
        return;
      }
      try {
        await core.summary.addRaw(visible(md), true).write();
      } catch (e) {
        core.warning(logText(`Could not write the job summary (${(e as Error).message}); the report follows in the log.`));
        info(md);
      }
    },
    setSecret: (s) => core.setSecret(s),
    setFailed: (m) => core.setFailed(logText(m)),
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
  const io = coreIO();
  const get = (name: string) => core.getInput(name);
  // Mask every credential before anything can print it.
  for (const name of ['openai-api-key', 'azure-api-key', 'together-api-key', 'github-token']) {
    const v = get(name).trim();
    if (v) core.setSecret(v);
  }
  // The config file is the repository's: read it from the workspace, whatever the cwd is.
  const workspaceRoot = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const settings = await parseSettings(get, configReader(workspaceRoot));
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
  const workers = { threads: Math.max(1, Math.min(3, availableParallelism() - 1)), url: new URL(import.meta.url), share: true };
  io.info(`finetune-ci: mode ${mode}${settings.mode === 'auto' ? ` (auto, from ${event?.eventName ?? 'no event'})` : ''}`);
  if (mode === 'check') {
    await runCheck(settings, { io, github, event, workspace, workers, settingsAt: (text) => parseSettings(get, async () => text) });
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
    const io = coreIO();
    if (e instanceof ConfigError) {
      // Annotate each located problem on its line of the config file, then fail.
      for (const p of e.problems) io.error(p.message, { title: 'finetune-ci: config', file: p.file, startLine: p.line ?? undefined });
      io.setFailed(`finetune-ci: ${e.message}`);
    }
    else io.setFailed(`finetune-ci failed unexpectedly: ${(e as Error).stack ?? String(e)}`);
  });
}
