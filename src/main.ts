/**
 * The Action's logic: read the inputs, pick the journey from the event, run it. The only module
 * that reads action inputs; everything else gets typed settings and an ActionIO.
 *
 * Importing this module starts nothing: ./index.ts (the bundle's entry) calls `run()`, and so
 * does GitHub's local debugger (`npx @github/local-action run . src/main.ts .env`).
 */
import * as core from '@actions/core';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { coreIO } from './action-io.js';
import { ConfigError, parseSettings, readOptional } from './config.js';
import { defaultWorkerThreads } from './dataset/workers.js';
import { createClient, readEventContext, type EventContext } from './github/index.js';
import { restoreTokenizerCache } from './github/tokenizer-cache.js';
import { loadJourney, runCheck } from './journeys/index.js';
import { runInJourneyThread, shouldMoveToThread } from './journeys/thread.js';
import { withActionCache } from './cache/actions.js';
import { engineId } from './cache/fingerprint.js';
import { resolveMode } from './mode.js';
import { secretInputs } from './providers/registry.js';
import { addSecrets, redact } from './redact.js';

export type { JourneyRunner } from './journeys/io.js';

export interface RunOptions {
  /**
   * The module analysis workers start: it must dispatch to `serveAnalysis()` when it is a worker
   * (./index.ts does). Default: ./index.ts (or .js) beside this module, which in the bundle is
   * the bundle itself.
   */
  workerUrl?: URL;
}

/** The entry next to this module: `index` for `main` (source); the bundle keeps its own URL. */
function defaultWorkerUrl(): URL {
  return new URL(import.meta.url.replace(/\/main\.(ts|js)$/, '/index.$1'));
}

/** Run the action; never throws (a failure is reported with `core.setFailed`). */
export async function run(opts: RunOptions = {}): Promise<void> {
  // The journey runs in its own thread, under the CLI's memory discipline (journeys/thread.ts).
  // Only a check: signals (the train journey's cancel-on-abort) reach the main thread alone.
  const entry = opts.workerUrl ?? defaultWorkerUrl();
  const mode = core.getInput('mode').trim() || 'auto';
  const event = process.env.GITHUB_EVENT_NAME;
  const checking = mode === 'check' || (mode === 'auto' && (event === 'pull_request' || event === 'pull_request_target'));
  if (checking && entry.pathname.endsWith('.js') && shouldMoveToThread()) {
    process.exitCode = await runInJourneyThread(entry);
    return;
  }
  try {
    await runAction(opts.workerUrl ?? defaultWorkerUrl());
  } catch (e) {
    if (e instanceof ConfigError) {
      // Annotate each located problem on its line of the config file, then fail.
      for (const p of e.problems) core.error(redact(p.message), { title: 'finetune-ci: config', file: p.file, startLine: p.line ?? undefined });
      core.setFailed(redact(`finetune-ci: ${e.message}`));
    } else core.setFailed(redact(`finetune-ci failed unexpectedly: ${(e as Error).stack ?? String(e)}`));
  }
}

async function runAction(workerUrl: URL): Promise<void> {
  const io = coreIO();
  const get = (name: string) => core.getInput(name);
  // Mask every credential before anything can print it.
  for (const name of [...secretInputs(), 'github-token', 'hf-token']) {
    const v = get(name).trim();
    if (v) core.setSecret(v);
    // And for everything the runner does not mask: the summary, outputs, comments, reports.
    addSecrets([v]);
  }
  // Gated open models' tokenizers (src/tokenizers/hub.ts) read the token where huggingface_hub does.
  const hfToken = get('hf-token').trim();
  if (hfToken) process.env.HF_TOKEN = hfToken;
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
  const workers = { threads: defaultWorkerThreads(), url: workerUrl, share: true };
  io.info(`finetune-ci: mode ${mode}${settings.mode === 'auto' ? ` (auto, from ${event?.eventName ?? 'no event'})` : ''}`);
  // Open models' tokenizers from earlier runs (GitHub-hosted runners start empty).
  const tokenizers = await restoreTokenizerCache(settings.targets, io);
  try {
    if (mode === 'check') {
      const cacheOpts = {
        enabled: get('cache').trim().toLowerCase() !== 'false',
        dir: join(process.env.RUNNER_TEMP ?? tmpdir(), 'finetune-ci-cache'),
        engine: engineId(workerUrl),
        persistentDir: process.env.FINETUNE_CI_CACHE_DIR && isAbsolute(process.env.FINETUNE_CI_CACHE_DIR) ? process.env.FINETUNE_CI_CACHE_DIR : undefined,
        info: io.info,
        warning: (m: string) => io.warning(m),
      };
      await withActionCache(cacheOpts, (cache) => runCheck(settings, { io, github, event, workspace, workers, cache, settingsAt: (text) => parseSettings(get, async () => text) }));
      return;
    }
    const runner = await loadJourney(mode);
    await runner(settings, { io, event, workspace });
  } finally {
    await tokenizers.save();
  }
}
