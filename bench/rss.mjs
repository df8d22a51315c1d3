/**
 * Run an entry (the Action's bundle) in this process and report its peak RSS (getrusage maxRSS,
 * worker threads included) on stderr as the CLI does under FINETUNE_CI_BENCH.
 * Usage: node bench/rss.mjs dist/index.js
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

process.on('exit', () => {
  process.stderr.write(`finetune-ci-bench ${JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
});
await import(pathToFileURL(resolve(process.argv[2])).href);
