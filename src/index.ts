/**
 * The Action's entry (action.yml runs the bundle of this file): a worker thread serves dataset
 * analysis, the main thread runs the action (./main.ts).
 */
import { tuneHeap } from './dataset/memory.js';
import { isAnalysisWorker, serveAnalysis } from './dataset/workers.js';
import { run } from './main.js';

tuneHeap();
if (isAnalysisWorker()) serveAnalysis();
else void run({ workerUrl: new URL(import.meta.url) });
