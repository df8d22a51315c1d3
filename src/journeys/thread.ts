/**
 * The Action runs its journey in a worker thread with a small young generation: the same memory
 * discipline as the CLI's command (src/cli.ts). On Node 24 a main thread that streams hundreds of
 * MB grows its young generation to ~100 MB of RSS; a worker's resource limits keep it down
 * (measured: README, Benchmark). The main thread only waits and relays the exit status.
 * FINETUNE_CI_IN_PROCESS=1 runs the journey on the main thread instead. Only the check moves:
 * signals reach the main thread alone, and the train journey handles SIGINT (cancel-on-abort).
 */
import { Worker, isMainThread } from 'node:worker_threads';
import { WORKER_YOUNG_GENERATION_MB } from '../dataset/workers.js';

const FLAG = 'finetuneCiJourney';

/** True on the main thread when the journey should move to its own thread. */
export function shouldMoveToThread(env: NodeJS.ProcessEnv = process.env): boolean {
  return isMainThread && env.FINETUNE_CI_IN_PROCESS !== '1';
}

/**
 * Run the entry point `url` again in a worker thread (which then runs the journey itself) and
 * resolve with its exit status; a crash of the thread is reported on stderr with status 1.
 */
export function runInJourneyThread(url: URL): Promise<number> {
  return new Promise((resolve) => {
    const w = new Worker(url, {
      workerData: { [FLAG]: true },
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    let failed = false;
    w.on('error', (e) => {
      failed = true;
      process.stderr.write(`finetune-ci failed unexpectedly: ${e.stack ?? String(e)}\n`);
    });
    w.on('exit', (code) => resolve(failed ? 1 : code));
  });
}
