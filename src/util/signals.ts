/**
 * The one place that listens for the runner's cancellation signals. GitHub sends SIGINT, then
 * SIGTERM, when a workflow is cancelled; a journey handles either the same way.
 */

export type CancelSignal = 'SIGINT' | 'SIGTERM';

/** Where signals come from: `process`, or a fake in tests. */
export interface SignalSource {
  on(signal: CancelSignal, fn: (sig: NodeJS.Signals) => void): void;
  off(signal: CancelSignal, fn: (sig: NodeJS.Signals) => void): void;
}

/** Call `fn` on SIGINT and SIGTERM until the returned function is called. */
export function onCancelSignal(fn: (sig: NodeJS.Signals) => void, signals: SignalSource = process): () => void {
  signals.on('SIGINT', fn);
  signals.on('SIGTERM', fn);
  return () => {
    signals.off('SIGINT', fn);
    signals.off('SIGTERM', fn);
  };
}
