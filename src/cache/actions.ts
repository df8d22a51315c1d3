/**
 * The Action's cache across runs, through GitHub's cache service (`@actions/cache`, the only
 * module that imports it): restored before the check, saved after it under a key derived from
 * the content (so an unchanged cache is not saved again), found by prefix on the next run.
 * Without the service (a local run, a self-hosted runner without it) or on any failure, the
 * check runs with a cache of this run only: the cache never changes a result or fails a run.
 */
import { createHash } from 'node:crypto';
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { HEADER_BYTES } from './format.js';
import { CacheStore, type CacheStats } from './store.js';

export interface ActionCacheOptions {
  enabled: boolean;
  /** Where the cache files live during the run (under RUNNER_TEMP). */
  dir: string;
  engine: string;
  /** A directory kept between runs by the runner itself (FINETUNE_CI_CACHE_DIR): used instead of the service. */
  persistentDir?: string;
  info: (m: string) => void;
  warning: (m: string) => void;
}

/** Keys are `finetune-ci-results-v1-<engine>-<content>`; restore takes the newest of the engine's. */
export function keyPrefix(engine: string): string {
  return `finetune-ci-results-v1-${createHash('sha256').update(engine).digest('hex').slice(0, 12)}-`;
}

/** A digest of the cache directory's files: their names and their headers' checksums. */
export async function contentDigest(dir: string): Promise<string> {
  const h = createHash('sha256');
  let names: string[] = [];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.bin')).sort();
  } catch {
    // no directory: the empty digest
  }
  for (const name of names) {
    const fh = await open(join(dir, name), 'r');
    try {
      const head = Buffer.alloc(HEADER_BYTES);
      await fh.read(head, 0, HEADER_BYTES, 0);
      h.update(name).update(head);
    } finally {
      await fh.close();
    }
  }
  return h.digest('hex').slice(0, 32);
}

function describe(s: CacheStats): string {
  return (
    `file summaries reused ${s.summaryHits} of ${s.summaryHits + s.summaryMisses}; ` +
    `lines reused ${s.lineHits} of ${s.lineHits + s.lineMisses}` +
    (s.ignored.length ? `; ignored (${s.ignored.length}): ${s.ignored.slice(0, 3).join(', ')}` : '')
  );
}

export async function withActionCache<T>(o: ActionCacheOptions, run: (store: CacheStore) => Promise<T>): Promise<T> {
  if (!o.enabled) return run(new CacheStore(null, o.engine));
  if (o.persistentDir) {
    // A runner with a disk of its own (self-hosted; the benchmark): the directory is the cache.
    const store = new CacheStore(o.persistentDir, o.engine, o.warning);
    const result = await run(store);
    await store.flush();
    o.info(`finetune-ci cache (${o.persistentDir}): ${describe(await store.stats())}`);
    return result;
  }
  // Loaded only when the service is there: the library is large and most of it is its client.
  const service = process.env.ACTIONS_RUNTIME_TOKEN ? await import('@actions/cache') : null;
  const available = !!service?.isFeatureAvailable();
  const prefix = keyPrefix(o.engine);
  let restored: string | undefined;
  if (service && available) {
    try {
      restored = await service.restoreCache([o.dir], `${prefix}restore`, [prefix]);
      o.info(restored ? `finetune-ci cache: restored ${restored}` : 'finetune-ci cache: none saved yet for this version');
    } catch (e) {
      o.warning(`Could not restore the finetune-ci cache (${(e as Error).message}); checking without it.`);
    }
  } else {
    o.info('finetune-ci cache: the Actions cache service is not available; results are cached for this run only.');
  }
  const store = new CacheStore(available ? o.dir : null, o.engine, o.warning);
  const result = await run(store);
  await store.flush();
  o.info(`finetune-ci cache: ${describe(await store.stats())}`);
  if (service && available) {
    const key = prefix + (await contentDigest(o.dir));
    if (key === restored) {
      o.info('finetune-ci cache: unchanged, not saved again');
    } else {
      try {
        await service.saveCache([o.dir], key);
        o.info(`finetune-ci cache: saved ${key}`);
      } catch (e) {
        // A read-only token (fork pull requests), a key saved meanwhile by a parallel job: fine.
        o.info(`finetune-ci cache: not saved (${(e as Error).message})`);
      }
    }
  }
  return result;
}
