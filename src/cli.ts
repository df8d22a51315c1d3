#!/usr/bin/env node
/**
 * The command line: `finetune-ci check <file>...`. The same engine as the Action, with a
 * terminal report. Works on Node 20 and later with no install: nothing on this path needs more.
 */
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ENCODINGS, PROFILES, today, type Encoding } from './catalog/index.js';
import { PROVIDER_NAMES, PROVIDERS, type ProviderName } from './providers/registry.js';
import { checkTarget, type TargetReport } from './dataset/target.js';
import { METHODS, type Method } from './dataset/types.js';
import { WORKER_YOUNG_GENERATION_MB, defaultWorkerThreads, isAnalysisWorker, serveAnalysis } from './dataset/workers.js';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { renderMarkdown, renderText, toJson } from './report/check.js';
import { tuneHeap } from './dataset/memory.js';
import { engineId } from './cache/fingerprint.js';
import { CacheStore, userCacheDir } from './cache/store.js';
import { confine } from './paths.js';
import { defuseCommands, logText, plain, safeJson } from './report/text.js';

const VERSION = '1.0.0';

const USAGE = () => `Usage: finetune-ci check <file>... [options]
       finetune-ci convert <file> --to vertex [-o <out.jsonl>]   (OpenAI chat JSONL → Vertex AI Gemini tuning JSONL; stdout by default)

Checks JSONL fine-tuning datasets, counts billed tokens and estimates the training cost.

Options:
  --model <id>           base or fine-tuned model (default: the provider's, e.g. ${PROVIDERS.openai.defaultModel})
  --method <m>           supervised | dpo | reinforcement (default: follow the data)
  --validation <file>    validation file (checked too, and against the training files)
  --epochs auto|<n>      epochs for the estimate (default auto)
  --price <usd>          training price per 1M tokens (overrides the catalog)
  --encoding <name>      o200k_base | cl100k_base (overrides the catalog)
  --context <tokens>     training context in tokens (overrides the catalog)
  --provider <name>      validation profile: ${PROVIDER_NAMES.join(' | ')} (default openai)
  --min-examples <n>     minimum examples per training file (overrides the profile)
  --format <f>           text | json | markdown (default text)
  --max-problems <n>     problems printed per file in text output (default 20)
  --jobs <n>             worker threads for files over 8 MB, beside the command's own (default: idle cores − 1,
                         at most 3: none on a busy or single-core machine; 0 = none)
  --no-cache             analyse every line again: do not read or write the results cache
                         ($XDG_CACHE_HOME/finetune-ci, else ~/.cache/finetune-ci)
  -h, --help             this help
  --version              the version

Exit status: 0 no errors, 1 errors found (or over budget), 2 usage problem, 3 an unexpected failure (a bug: please report it).
`;

class UsageError extends Error {}

/** Whether stdout/stderr are terminals (a worker's own streams are pipes to the main thread). */
let terminal = { stdoutTTY: false, stderrTTY: false };

function int(name: string, v: string | undefined, min = 0): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be a whole number ≥ ${min}, got "${plain(v, 60)}"`);
  return n;
}

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a number ≥ 0, got "${plain(v, 60)}"`);
  return n;
}

/** `finetune-ci convert <file> --to vertex [-o out.jsonl]`: OpenAI chat JSONL in the provider's own form. */
async function convert(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { to: { type: 'string' }, output: { type: 'string', short: 'o' } } });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values: v, positionals: files } = parsed;
  if (v.to !== 'vertex') throw new UsageError(v.to ? `--to must be vertex, got "${v.to}"` : 'missing --to: finetune-ci convert <file> --to vertex');
  if (files.length !== 1) throw new UsageError('give one file: finetune-ci convert <file> --to vertex [-o out.jsonl]');
  const file = files[0]!;
  try {
    if (!(await stat(file)).isFile()) throw new UsageError(`${file} is not a file`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read ${file}: no such file`);
  }
  const { convertFile, convertStream, formatProblem } = await import('./providers/vertex/convert-file.js');
  const summary = v.output ? await convertFile(file, v.output) : await convertStream(file, process.stdout);
  for (const p of summary.problems) process.stderr.write(`${formatProblem(p)}\n`);
  if (summary.problems.length) {
    process.stderr.write(`finetune-ci: ${summary.problems.length} example(s) cannot be converted${v.output ? `; ${v.output} was not written` : ''}\n`);
    return 1;
  }
  if (v.output) process.stderr.write(`${file}: ${summary.examples} example(s) → ${v.output} (${summary.alreadyVertex} already in Vertex form)\n`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'convert') return convert(argv.slice(1));
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        model: { type: 'string' },
        method: { type: 'string' },
        validation: { type: 'string' },
        epochs: { type: 'string', default: 'auto' },
        price: { type: 'string' },
        encoding: { type: 'string' },
        context: { type: 'string' },
        provider: { type: 'string', default: 'openai' },
        'min-examples': { type: 'string' },
        format: { type: 'string', default: 'text' },
        'max-problems': { type: 'string', default: '20' },
        jobs: { type: 'string' },
        'no-cache': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values: v, positionals } = parsed;
  if (v.help) {
    process.stdout.write(USAGE());
    return 0;
  }
  if (v.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const [command, ...files] = positionals;
  if (command !== 'check') {
    throw new UsageError(command ? `unknown command "${plain(command, 60)}"; the commands are check and convert` : 'missing command: finetune-ci check <file>...');
  }
  if (files.length === 0) throw new UsageError('no files given: finetune-ci check <file>...');
  for (const f of [...files, ...(v.validation ? [v.validation] : [])]) {
    // A path given here is the user's choice, even outside this directory; a path inside it that
    // is (or passes through) a symbolic link leading outside it, or into .git, is not: it may
    // have come with the repository being checked (`finetune-ci check data/*.jsonl` in CI).
    const c = await confine(process.cwd(), f, { allowOutside: true });
    if (c.ok) continue;
    const name = plain(f, 300);
    if (c.problem === 'missing') throw new UsageError(`cannot read ${name}: no such file`);
    if (c.problem === 'not-file' && !c.reason.includes('link')) {
      throw new UsageError(`${name} is not a file: give the JSONL dataset's path (e.g. ${name.replace(/\/+$/, '')}/train.jsonl)`);
    }
    throw new UsageError(
      `${name} ${c.reason.replace('the workspace', 'the current directory')}; finetune-ci reads only regular files, and follows no link out of the current directory (give the file's own path)`,
    );
  }
  if (v.method !== undefined && v.method !== 'auto' && !METHODS.includes(v.method as Method)) {
    throw new UsageError(`--method must be one of ${METHODS.join(', ')} (or auto), got "${plain(v.method, 60)}"`);
  }
  if (v.encoding !== undefined && !ENCODINGS.includes(v.encoding as Encoding)) {
    throw new UsageError(`--encoding must be one of ${ENCODINGS.join(', ')}, got "${plain(v.encoding, 60)}"`);
  }
  if (!Object.hasOwn(PROFILES, v.provider!)) throw new UsageError(`--provider must be one of ${Object.keys(PROFILES).join(', ')}, got "${plain(v.provider!, 60)}"`);
  if (!['text', 'json', 'markdown'].includes(v.format!)) throw new UsageError(`--format must be text, json or markdown, got "${plain(v.format!, 60)}"`);
  const epochs = v.epochs === 'auto' ? 'auto' : int('epochs', v.epochs, 1)!;
  const maxProblems = int('max-problems', v['max-problems'])!;
  const jobs = int('jobs', v.jobs) ?? defaultWorkerThreads();
  const overrides = {
    encoding: v.encoding as Encoding | undefined,
    trainingContext: int('context', v.context, 1),
    pricePerMillion: num('price', v.price),
  };
  const method = v.method === undefined || v.method === 'auto' ? null : (v.method as Method);
  const day = today();

  const progress = terminal.stderrTTY && v.format === 'text';
  const started = Date.now();
  let lastShown = 0;
  const onProgress = (file: string, n: number, total: number) => {
    if (!progress) return;
    const now = Date.now();
    if (now - started < 1000 || now - lastShown < 200) return;
    lastShown = now;
    const mb = (x: number) => (x / 1048576).toFixed(1);
    process.stderr.write(`\r${plain(file, 100)}: ${mb(n)} / ${mb(total)} MB (${Math.round((100 * n) / Math.max(1, total))}%)   `);
  };

  // Results by content: an unchanged file is not read again past its hash, an unchanged line
  // is not analysed again. Problems with the cache only ever cost time.
  const cache = v['no-cache'] ? undefined : new CacheStore(userCacheDir(), engineId(new URL(import.meta.url)), (m) => process.stderr.write(`finetune-ci: ${m}\n`));
  const reports: TargetReport[] = [];
  for (const file of files) {
    reports.push(
      await checkTarget(
        {
          name: file,
          trainingFile: file,
          validationFile: v.validation,
          model: v.model ?? PROVIDERS[v.provider as ProviderName].defaultModel,
          method,
          epochs,
          overrides,
          provider: v.provider as ProviderName,
          minExamples: int('min-examples', v['min-examples']),
        },
        {
          today: day,
          workers: jobs > 0 ? { threads: jobs, url: new URL(import.meta.url), share: true } : undefined,
          onProgress,
          cache,
        },
      ),
    );
  }
  if (progress && Date.now() - started >= 1000) process.stderr.write('\r\u001b[2K');
  await cache?.flush();

  // Every write of data is safe to print where a CI runner reads workflow commands (text.ts).
  if (v.format === 'json') process.stdout.write(`${safeJson(toJson(reports))}\n`);
  else if (v.format === 'markdown') process.stdout.write(defuseCommands(renderMarkdown(reports)));
  else process.stdout.write(defuseCommands(renderText(reports, { color: terminal.stdoutTTY && !process.env.NO_COLOR, maxDiagnostics: maxProblems })));
  const failed = reports.some((r) => r.errors > 0 || r.overBudget);
  return failed ? 1 : 0;
}

/**
 * The command runs in a worker thread with a small young generation: on Node 24 a main thread
 * that streams hundreds of MB grows its young generation to ~100 MB of RSS, which a worker's
 * resource limits keep down (measured: see README, Benchmark). The main thread only relays the
 * exit status. FINETUNE_CI_IN_PROCESS=1 runs the command on the main thread instead.
 */
const APP = 'finetuneCiCommand';

interface Terminal {
  stdoutTTY: boolean;
  stderrTTY: boolean;
}

function runCommand(term: Terminal, post: (code: number) => void): void {
  // A closed pipe (`finetune-ci check … | head`) is not a failure of the check.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') post(process.exitCode === undefined ? 0 : Number(process.exitCode));
    else throw e;
  });
  terminal = term;
  main(process.argv.slice(2)).then(post, (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(logText(`finetune-ci: ${e.message} (see finetune-ci --help)\n`));
      post(2);
    } else {
      process.stderr.write(logText(`finetune-ci: unexpected failure: ${(e as Error).stack ?? String(e)}\n`));
      post(3);
    }
  });
}

tuneHeap();
if (isAnalysisWorker()) {
  serveAnalysis();
} else if (!isMainThread && (workerData as Record<string, unknown> | null)?.[APP]) {
  const term = (workerData as { term: Terminal }).term;
  runCommand(term, (code) => parentPort!.postMessage({ exitCode: code }));
} else {
  if (process.env.FINETUNE_CI_BENCH) {
    process.on('exit', () => {
      process.stderr.write(`finetune-ci-bench ${JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
    });
  }
  const term: Terminal = { stdoutTTY: !!process.stdout.isTTY, stderrTTY: !!process.stderr.isTTY };
  if (process.env.FINETUNE_CI_IN_PROCESS === '1') {
    runCommand(term, (code) => {
      process.exitCode = code;
    });
  } else {
    let exitCode: number | null = null;
    // The worker's output arrives on this thread's stdout: a closed pipe (`… | head`) ends the
    // command quietly with the check's own status.
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(exitCode ?? 0);
      else throw e;
    });
    const w = new Worker(new URL(import.meta.url), {
      argv: process.argv.slice(2),
      workerData: { [APP]: true, term },
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    w.on('message', (m: { exitCode?: number }) => {
      if (typeof m.exitCode === 'number') {
        exitCode = m.exitCode;
        // The worker ends on its own once its output has drained into ours; a stray handle
        // must not keep the command alive.
        setTimeout(() => void w.terminate(), 5000).unref();
      }
    });
    w.on('error', (e) => {
      process.stderr.write(logText(`finetune-ci: unexpected failure: ${e.stack ?? String(e)}\n`));
      exitCode = 3;
    });
    w.on('exit', () => {
      process.exitCode = exitCode ?? 3;
    });
  }
}
