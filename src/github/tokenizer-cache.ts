/**
 * Open models' tokenizers across workflow runs: GitHub-hosted runners start empty, so the
 * tokenizer folders the targets need are restored from the Actions cache before the journey
 * (keyed by pin and revision: a revision never changes) and saved after it when this run had
 * to download them. The cache is a convenience: any failure is a log line, never a failed run.
 */
import * as cache from '@actions/cache';
import { existsSync } from 'node:fs';
import { TOKENIZER_PINS, resolveModel, type ModelProfile, type TokenizerPin } from '../catalog/index.js';
import { defaultCacheDir, pinDir } from '../tokenizers/hub.js';

export interface TokenizerCacheIO {
  info(message: string): void;
}

export function tokenizerCacheKey(pin: TokenizerPin): string {
  return `finetune-ci-tokenizer-${pin.id}-${pin.revision}`;
}

/** The pinned tokenizers the targets' models count with (each once). */
export function pinsFor(targets: readonly { model: string; provider: string }[]): TokenizerPin[] {
  const pins = new Map<string, TokenizerPin>();
  for (const t of targets) {
    let id: string | undefined;
    try {
      id = resolveModel(t.model, {}, t.provider as ModelProfile['provider']).tokenizer;
    } catch {
      continue;
    }
    const pin = id ? TOKENIZER_PINS[id] : undefined;
    if (pin) pins.set(pin.id, pin);
  }
  return [...pins.values()];
}

/** Restore what the Actions cache has; returns a `save` to call when the journey is done. */
export async function restoreTokenizerCache(targets: readonly { model: string; provider: string }[], io: TokenizerCacheIO, cacheDir = defaultCacheDir()): Promise<{ save(): Promise<void> }> {
  const pins = pinsFor(targets);
  if (pins.length === 0 || !cache.isFeatureAvailable()) return { save: async () => {} };
  const restored = new Set<string>();
  for (const pin of pins) {
    try {
      const hit = await cache.restoreCache([pinDir(cacheDir, pin)], tokenizerCacheKey(pin));
      if (hit) restored.add(pin.id);
    } catch (e) {
      io.info(`Tokenizer cache for ${pin.repo} not restored (${(e as Error).message}); it will be downloaded.`);
    }
  }
  return {
    async save() {
      for (const pin of pins) {
        const dir = pinDir(cacheDir, pin);
        if (restored.has(pin.id) || !existsSync(dir)) continue;
        try {
          await cache.saveCache([dir], tokenizerCacheKey(pin));
        } catch (e) {
          io.info(`Tokenizer cache for ${pin.repo} not saved (${(e as Error).message}).`);
        }
      }
    },
  };
}
