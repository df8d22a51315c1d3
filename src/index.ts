/**
 * The Action's entry (action.yml runs the bundle of this file): a worker thread serves dataset
 * analysis, the main thread runs the action (./main.ts).
 */
import { tuneHeap } from './dataset/memory.js';
import { isAnalysisWorker, serveAnalysis } from './dataset/workers.js';
import { run } from './main.js';
import { processSignals } from './util/signals.js';

tuneHeap();
if (isAnalysisWorker()) serveAnalysis();
else {
  // In the journey thread: signals arrive relayed by the main thread from the start.
  processSignals();
  void run({ workerUrl: new URL(import.meta.url) });
}
