/**
 * The one place that listens for the runner's cancellation signals. GitHub sends SIGINT, then
 * SIGTERM, when a workflow is cancelled; a journey handles either the same way.
 *
 * The Action runs its journey in a worker thread (../journeys/thread.ts), and Node delivers
 * signals to the main thread only: there the main thread relays each one as a message, and a
 * journey thread's subscribers get it as if it came from `process`. A relayed signal that no
 * journey handles ends the thread with the shell's status for it (130, 143), as the signal would.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

export type CancelSignal = 'SIGINT' | 'SIGTERM';

/** Where signals come from: `process`, or a fake in tests. */
export interface SignalSource {
  on(signal: CancelSignal, fn: (sig: NodeJS.Signals) => void): void;
  off(signal: CancelSignal, fn: (sig: NodeJS.Signals) => void): void;
}

/** The message a main thread sends its journey thread for a signal it received. */
export const SIGNAL_MESSAGE = 'finetuneCiSignal';
/** workerData flag of a journey thread (set by runInJourneyThread). */
export const JOURNEY_THREAD_FLAG = 'finetuneCiJourney';

const EXIT_STATUS: Record<CancelSignal, number> = { SIGINT: 130, SIGTERM: 143 };

export function isJourneyThread(): boolean {
  return !isMainThread && Boolean((workerData as Record<string, unknown> | null)?.[JOURNEY_THREAD_FLAG]);
}

/** Signals relayed by the main thread, for a journey thread. */
class RelayedSignals implements SignalSource {
  private readonly subs: Record<CancelSignal, Set<(sig: NodeJS.Signals) => void>> = { SIGINT: new Set(), SIGTERM: new Set() };

  constructor(port: NonNullable<typeof parentPort>) {
    port.on('message', (m: unknown) => {
      const sig = (m as Record<string, unknown> | null)?.[SIGNAL_MESSAGE];
      if (sig !== 'SIGINT' && sig !== 'SIGTERM') return;
      const subs = [...this.subs[sig]];
      if (!subs.length) process.exit(EXIT_STATUS[sig]);
      for (const fn of subs) fn(sig);
    });
    // Listening must not keep a finished journey alive.
    port.unref();
  }

  on(signal: CancelSignal, fn: (sig: NodeJS.Signals) => void): void {
    this.subs[signal].add(fn);
  }

  off(signal: CancelSignal, fn: (sig: NodeJS.Signals) => void): void {
    this.subs[signal].delete(fn);
  }
}

let relayed: RelayedSignals | null = null;

/** `process` on the main thread; the relayed signals in a journey thread. */
export function processSignals(): SignalSource {
  if (!isJourneyThread() || !parentPort) return process;
  relayed ??= new RelayedSignals(parentPort);
  return relayed;
}

/** Call `fn` on SIGINT and SIGTERM until the returned function is called. */
export function onCancelSignal(fn: (sig: NodeJS.Signals) => void, signals: SignalSource = processSignals()): () => void {
  signals.on('SIGINT', fn);
  signals.on('SIGTERM', fn);
  return () => {
    signals.off('SIGINT', fn);
    signals.off('SIGTERM', fn);
  };
}

/**
 * On the main thread, while a journey thread runs: pass SIGINT and SIGTERM on to it (the main
 * thread itself keeps running until the thread has finished). Returns the function that stops.
 */
export function relaySignalsTo(worker: { postMessage(m: unknown): void }): () => void {
  const relay = (sig: NodeJS.Signals) => worker.postMessage({ [SIGNAL_MESSAGE]: sig });
  process.on('SIGINT', relay);
  process.on('SIGTERM', relay);
  return () => {
    process.off('SIGINT', relay);
    process.off('SIGTERM', relay);
  };
}
