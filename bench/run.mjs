/**
 * `npm run bench`: what a check costs, every figure from child processes of this one on the same
 * generated corpus, in the same run (the machine is shared: compare ratios, not seconds).
 *
 * - CLI: `finetune-ci check --no-cache` (one full check) against the naive baseline
 *   (bench/naive.mjs: the cookbook loop with js-tiktoken), `--jobs 0` (no worker threads), and
 *   the CLI with its cache cold and warm.
 * - The pull-request check, run as the runner runs it (`node dist/index.js`, a pull_request
 *   event, a real git repository holding the dataset at base and head, no GitHub API): a
 *   one-line edit with a cold cache, another one-line push with the cache the first run left
 *   (warm), and a re-run of that push (datasets unchanged). The cache lives in a directory kept
 *   between runs (FINETUNE_CI_CACHE_DIR, as on a self-hosted runner; on GitHub's runners the
 *   Actions cache restores the same directory).
 * - `--big`: peak RSS of the CLI and of the Action's cold one-line PR on a 1 GB file.
 *
 * Env: BENCH_MB (default 100), BENCH_BIG_MB (default 1024, with --big), BENCH_JOBS (worker
 * threads; default the CLI's own default). Generated files stay in bench/.corpus (gitignored).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { writeCorpus } from './corpus.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const dir = join(here, '.corpus');
mkdirSync(dir, { recursive: true });
const MB = Number(process.env.BENCH_MB ?? 100);
const BIG = process.argv.includes('--big') ? Number(process.env.BENCH_BIG_MB ?? 1024) : 0;
const MODEL = 'gpt-4o-mini-2024-07-18'; // o200k_base
const cli = join(root, 'dist', 'cli', 'index.js');
const action = join(root, 'dist', 'index.js');
if (!existsSync(cli) || !existsSync(action)) throw new Error('dist/ is missing: run npm run build first');
const jobs = process.env.BENCH_JOBS ? ['--jobs', process.env.BENCH_JOBS] : [];

async function corpus(mb) {
  const path = join(dir, `chat-${mb}mb-seed42.jsonl`);
  if (!existsSync(path)) {
    process.stderr.write(`generating ${path}…\n`);
    // Under another name until complete: an interrupted run must not leave a short corpus.
    await writeCorpus(`${path}.tmp`, mb, 42);
    renameSync(`${path}.tmp`, path);
  }
  return path;
}

/**
 * Run a node script as a child of this process, timed from here (process start included, as a
 * user waits for it). Peak RSS is the child's own getrusage maxRSS (worker threads included):
 * the CLI and bench/rss.mjs report it on stderr under FINETUNE_CI_BENCH, the baseline in its
 * JSON line.
 */
function run(args, env = {}, cwd = root) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, maxBuffer: 1 << 30, encoding: 'utf8', env: { ...process.env, FINETUNE_CI_BENCH: '1', ...env } });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr}\n${r.stdout.slice(-4000)}`);
  const own = /finetune-ci-bench (\{.*\})/.exec(r.stderr);
  let rss = own ? JSON.parse(own[1]).maxRssBytes : NaN;
  if (!own) {
    try {
      rss = JSON.parse(r.stdout.trim().split('\n').pop()).maxRssBytes;
    } catch {
      // No RSS line from the child: report NaN.
    }
  }
  return { seconds: +seconds.toFixed(2), rssMb: Math.round(rss / 1048576), stdout: r.stdout, stderr: r.stderr };
}

const git = (cwd, ...args) =>
  execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env: { ...process.env, GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@example.com', GIT_CONFIG_NOSYSTEM: '1' },
  }).trim();

/** Copy a JSONL file with one line's assistant answer edited. */
async function editLine(from, to, lineNo, tag) {
  const out = createWriteStream(to);
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(from), crlfDelay: Infinity })) {
    n++;
    let text = line;
    if (n === lineNo) {
      const ex = JSON.parse(line);
      const last = ex.messages.findLast((m) => m.role === 'assistant' && typeof m.content === 'string');
      last.content += ` (edited: ${tag})`;
      text = JSON.stringify(ex);
    }
    if (!out.write(text + '\n')) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((res, rej) => out.end((e) => (e ? rej(e) : res())));
}

/** A repository with the dataset at base (main) and two one-line pushes on a PR branch. */
async function prRepo(file, mb) {
  const repo = join(dir, `pr-${mb}mb`);
  const marker = join(repo, '.bench-shas.json');
  if (existsSync(marker)) return JSON.parse(readFileSync(marker, 'utf8'));
  rmSync(repo, { recursive: true, force: true });
  mkdirSync(join(repo, 'data'), { recursive: true });
  process.stderr.write(`creating ${repo}…\n`);
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'config', 'commit.gpgsign', 'false');
  const target = join(repo, 'data', 'train.jsonl');
  writeFileSync(target, readFileSync(file));
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'base');
  const base = git(repo, 'rev-parse', 'HEAD');
  git(repo, 'checkout', '-q', '-b', 'pr');
  const lines = Number(execFileSync('wc', ['-l', target], { encoding: 'utf8' }).trim().split(' ')[0]);
  const shas = [];
  for (const [k, at] of [
    [1, Math.floor(lines / 3)],
    [2, Math.floor((2 * lines) / 3)],
  ]) {
    await editLine(target, `${target}.tmp`, at, `push ${k}`);
    execFileSync('mv', [`${target}.tmp`, target]);
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', `edit line ${at}`);
    shas.push(git(repo, 'rev-parse', 'HEAD'));
  }
  const info = { repo, base, head1: shas[0], head2: shas[1], lines };
  writeFileSync(marker, JSON.stringify(info));
  writeFileSync(join(repo, '.git', 'info', 'exclude'), '.bench-shas.json\n');
  return info;
}

const defaults = Object.fromEntries(Object.entries(parseYaml(readFileSync(join(root, 'action.yml'), 'utf8')).inputs).map(([k, v]) => [k, v.default === undefined ? '' : String(v.default)]));

/** The Action's PR check as the runner runs it, at `head` against `base`, with `cacheDir` kept between runs. */
function prCheck(pr, head, cacheDir) {
  git(pr.repo, 'checkout', '-q', '--detach', head);
  const runner = mkdtempSync(join(dir, 'runner-'));
  try {
    const fixture = JSON.parse(readFileSync(join(root, '__tests__/fixtures/events/pull_request.synchronize.json'), 'utf8'));
    fixture.after = head;
    fixture.pull_request.base.sha = pr.base;
    fixture.pull_request.head.sha = head;
    fixture.pull_request.changed_files = 1;
    writeFileSync(join(runner, 'event.json'), JSON.stringify(fixture));
    writeFileSync(join(runner, 'out'), '');
    writeFileSync(join(runner, 'summary.md'), '');
    mkdirSync(join(runner, 'temp'));
    const inputs = { ...defaults, model: MODEL, 'github-token': '', comment: 'false' };
    const env = {
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: join(runner, 'event.json'),
      GITHUB_OUTPUT: join(runner, 'out'),
      GITHUB_STEP_SUMMARY: join(runner, 'summary.md'),
      GITHUB_WORKSPACE: pr.repo,
      GITHUB_REPOSITORY: 'acme/datasets',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: 'http://127.0.0.1:9',
      RUNNER_TEMP: join(runner, 'temp'),
      FINETUNE_CI_CACHE_DIR: cacheDir,
    };
    for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
    const r = run([join(here, 'rss.mjs'), action], env, pr.repo);
    const out = readFileSync(join(runner, 'out'), 'utf8');
    const output = (name) => new RegExp(`^${name}<<(.+)\\n([^]*?)\\n\\1$`, 'm').exec(out)?.[2];
    const cache = /finetune-ci cache \([^)]*\): (.*)/.exec(r.stdout)?.[1];
    return { seconds: r.seconds, peakRssMb: r.rssMb, examples: Number(output('examples')), trainedTokens: Number(output('trained-tokens')), costDelta: output('cost-delta'), cache };
  } finally {
    rmSync(runner, { recursive: true, force: true });
  }
}

const small = await corpus(MB);
const bytes = statSync(small).size;
const cacheHome = mkdtempSync(join(dir, 'xdg-'));
const cliArgs = (file) => [cli, 'check', file, '--model', MODEL, '--format', 'json', ...jobs];

const oneCheck = run([...cliArgs(small), '--no-cache']);
const report = JSON.parse(oneCheck.stdout);
const naive = run([join(here, 'naive.mjs'), small, 'o200k_base']);
const naiveOut = JSON.parse(naive.stdout);
const noWorkers = run([cli, 'check', small, '--model', MODEL, '--format', 'json', '--no-cache', '--jobs', '0']);
const cliCold = run(cliArgs(small), { XDG_CACHE_HOME: cacheHome });
const cliWarm = run(cliArgs(small), { XDG_CACHE_HOME: cacheHome });
const same = (r) => JSON.stringify(JSON.parse(r.stdout).files) === JSON.stringify(report.files);

const pr = await prRepo(small, MB);
const prCache = mkdtempSync(join(dir, 'action-cache-'));
const prCold = prCheck(pr, pr.head1, prCache);
const prWarm = prCheck(pr, pr.head2, prCache);
const prRerun = prCheck(pr, pr.head2, prCache);
const mbs = (s) => +(bytes / 1048576 / s).toFixed(2);

let big = null;
if (BIG) {
  const bigFile = await corpus(BIG);
  const bigCli = run([...cliArgs(bigFile), '--no-cache']);
  const bigPr = await prRepo(bigFile, BIG);
  const bigCache = mkdtempSync(join(dir, 'action-cache-'));
  const bigPrCold = prCheck(bigPr, bigPr.head1, bigCache);
  const bigPrRerun = prCheck(bigPr, bigPr.head1, bigCache);
  rmSync(bigCache, { recursive: true, force: true });
  big = {
    megabytes: +(statSync(bigFile).size / 1048576).toFixed(1),
    cli: { seconds: bigCli.seconds, peakRssMb: bigCli.rssMb },
    actionOneLinePrCold: { seconds: bigPrCold.seconds, peakRssMb: bigPrCold.peakRssMb },
    actionRerun: { seconds: bigPrRerun.seconds, peakRssMb: bigPrRerun.peakRssMb },
  };
}
rmSync(cacheHome, { recursive: true, force: true });
rmSync(prCache, { recursive: true, force: true });

const result = {
  machine: { cpus: availableParallelism(), model: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version },
  corpus: { file: small, megabytes: +(bytes / 1048576).toFixed(1), examples: report.totals.examples },
  cli: {
    noCache: { seconds: oneCheck.seconds, mbPerSecond: mbs(oneCheck.seconds), peakRssMb: oneCheck.rssMb, tokens: report.files[0].tokens.total },
    noCacheNoWorkers: { seconds: noWorkers.seconds, mbPerSecond: mbs(noWorkers.seconds), peakRssMb: noWorkers.rssMb },
    coldCache: { seconds: cliCold.seconds, peakRssMb: cliCold.rssMb, sameReport: same(cliCold) },
    warmCache: { seconds: cliWarm.seconds, peakRssMb: cliWarm.rssMb, sameReport: same(cliWarm) },
  },
  naive: { seconds: naive.seconds, mbPerSecond: mbs(naive.seconds), peakRssMb: naive.rssMb, tokens: naiveOut.tokens },
  action: { oneLinePrColdCache: prCold, oneLinePrWarmCache: prWarm, rerunUnchanged: prRerun },
  ratios: {
    naiveOverCli: +(naive.seconds / oneCheck.seconds).toFixed(2),
    workersSpeedup: +(noWorkers.seconds / oneCheck.seconds).toFixed(2),
    prColdOverOneCheck: +(prCold.seconds / oneCheck.seconds).toFixed(2),
  },
  big,
  targets: {
    naiveOverCli: '≥ 8×',
    prColdOverOneCheck: '≤ 1.2×',
    oneLinePrWarmCache: '≤ 2 s',
    rerunUnchanged: '≤ 1 s',
    peakRssMb: '< 300 MB on 1 GB (CLI and Action; --big)',
  },
};
console.log(JSON.stringify(result, null, 2));
console.log(
  `\nCLI check (no cache): ${result.cli.noCache.mbPerSecond} MB/s; naive js-tiktoken loop: ${result.naive.mbPerSecond} MB/s; ratio ${result.ratios.naiveOverCli}× (target ≥ 8×)\n` +
    `one-line PR, cold cache: ${prCold.seconds} s = ${result.ratios.prColdOverOneCheck}× one CLI check (target ≤ 1.2×)\n` +
    `one-line PR, warm cache: ${prWarm.seconds} s (target ≤ 2 s); re-run, datasets unchanged: ${prRerun.seconds} s (target ≤ 1 s)\n` +
    (big ? `peak RSS on ${big.megabytes} MB: CLI ${big.cli.peakRssMb} MB, Action ${big.actionOneLinePrCold.peakRssMb} MB (target < 300 MB)\n` : 'peak RSS at 1 GB: run with --big\n'),
);
