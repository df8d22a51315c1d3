/**
 * The naive baseline: the OpenAI cookbook's data-prep loop translated to JavaScript — read line
 * by line, JSON.parse, js-tiktoken per message value. No validation at all.
 * Usage: node bench/naive.mjs <file.jsonl> [encoding]   (prints one JSON line)
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { getEncoding } from 'js-tiktoken';

const [path, encodingName = 'o200k_base'] = process.argv.slice(2);
const enc = getEncoding(encodingName);
const started = performance.now();
let examples = 0;
let tokens = 0;
const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
for await (const line of rl) {
  if (!line.trim()) continue;
  const ex = JSON.parse(line);
  let n = 0;
  for (const message of ex.messages ?? []) {
    n += 3;
    for (const [key, value] of Object.entries(message)) {
      if (typeof value === 'string') n += enc.encode(value, [], []).length;
      if (key === 'name') n += 1;
    }
  }
  n += 3;
  tokens += n;
  examples++;
}
const seconds = (performance.now() - started) / 1000;
process.stdout.write(JSON.stringify({ examples, tokens, seconds, maxRssBytes: process.resourceUsage().maxRSS * 1024 }) + '\n');
