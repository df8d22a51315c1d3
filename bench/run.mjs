/**
 * `npm run bench`: validate + count throughput of `finetune-ci check` against the naive
 * baseline (bench/naive.mjs: the cookbook loop with js-tiktoken), both run as child processes of
 * this one on the same generated corpus, plus our peak RSS on a 4× larger file.
 *
 * Env: BENCH_MB (default 100), BENCH_BIG_MB (default 400), BENCH_JOBS (worker threads; default
 * the CLI's own default), BENCH_KEEP=1 keeps the corpus in bench/.corpus.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCorpus } from './corpus.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const dir = join(here, '.corpus');
mkdirSync(dir, { recursive: true });
const MB = Number(process.env.BENCH_MB ?? 100);
const BIG = Number(process.env.BENCH_BIG_MB ?? 400);
const MODEL = 'gpt-4o-mini-2024-07-18'; // o200k_base
const cli = join(root, 'dist', 'cli', 'index.js');
if (!existsSync(cli)) throw new Error('dist/cli/index.js is missing: run npm run build first');

async function corpus(mb) {
  const path = join(dir, `chat-${mb}mb-seed42.jsonl`);
  if (!existsSync(path)) {
    process.stderr.write(`generating ${path}…\n`);
    await writeCorpus(path, mb, 42);
  }
  return path;
}

/**
 * Run a node script as a child of this process, timed from here (process start included, as a
 * user waits for it). Peak RSS is the child's own getrusage maxRSS (worker threads included):
 * the CLI reports it on stderr under FINETUNE_CI_BENCH, the baseline in its JSON line.
 */
function run(args) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, maxBuffer: 1 << 30, encoding: 'utf8', env: { ...process.env, FINETUNE_CI_BENCH: '1' } });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  const own = /finetune-ci-bench (\{.*\})/.exec(r.stderr);
  let rss = own ? JSON.parse(own[1]).maxRssBytes : NaN;
  if (!own) {
    try {
      rss = JSON.parse(r.stdout.trim().split('\n').pop()).maxRssBytes;
    } catch {
      // No RSS line from the child: report NaN.
    }
  }
  return { seconds, rssMb: rss / 1048576, stdout: r.stdout };
}

const small = await corpus(MB);
const bytes = statSync(small).size;
const jobs = process.env.BENCH_JOBS ? ['--jobs', process.env.BENCH_JOBS] : [];

const ours = run([cli, 'check', small, '--model', MODEL, '--format', 'json', ...jobs]);
const report = JSON.parse(ours.stdout);
const naive = run([join(here, 'naive.mjs'), small, 'o200k_base']);
const naiveOut = JSON.parse(naive.stdout);
const mbs = (s) => bytes / 1048576 / s;

const big = await corpus(BIG);
const bigRun = run([cli, 'check', big, '--model', MODEL, '--format', 'json', ...jobs]);

const result = {
  machine: { cpus: availableParallelism(), model: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version },
  corpus: { file: small, megabytes: +(bytes / 1048576).toFixed(1), examples: report.totals.examples },
  finetuneCi: { seconds: +ours.seconds.toFixed(2), mbPerSecond: +mbs(ours.seconds).toFixed(2), peakRssMb: +ours.rssMb.toFixed(0), tokens: report.files[0].tokens.total },
  naive: { seconds: +naive.seconds.toFixed(2), mbPerSecond: +mbs(naive.seconds).toFixed(2), peakRssMb: +naive.rssMb.toFixed(0), tokens: naiveOut.tokens },
  ratio: +(naive.seconds / ours.seconds).toFixed(2),
  big: { megabytes: +(statSync(big).size / 1048576).toFixed(1), seconds: +bigRun.seconds.toFixed(2), peakRssMb: +bigRun.rssMb.toFixed(0) },
  targets: { ratio: '≥ 5×', peakRssMb: '< 300 MB on the big file' },
};
console.log(JSON.stringify(result, null, 2));
console.log(
  `\nfinetune-ci check: ${result.finetuneCi.mbPerSecond} MB/s; naive js-tiktoken loop: ${result.naive.mbPerSecond} MB/s; ratio ${result.ratio}× (target ≥ 5×)\n` +
    `peak RSS on ${result.big.megabytes} MB: ${result.big.peakRssMb} MB (target < 300 MB)`,
);
