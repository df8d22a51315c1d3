/**
 * Resolve a model id to its profile: dated snapshots, aliases, `ft:` fine-tunes (by their base),
 * Azure `<base>.ft-<hex>` ids, user overrides on top, and models the catalog does not know when
 * the user describes them.
 */
import type { Method } from '../types.js';
import { ALIASES, CATALOG, ENCODINGS, MODELS, type Encoding, type ModelProfile } from './models.js';
import { alternativesTo, PROVIDERS } from '../providers/registry.js';
import { replacementHint } from './replacements.js';
import { PLATFORM_EVENTS, SHUTDOWN_WARNING_DAYS, daysBetween, type PlatformEvent } from './platform.js';

export * from './models.js';
export * from './platform.js';
export * from './profiles.js';
export * from './overheads.js';
export * from './vertex.js';
export * from './replacements.js';
export * from './tokenizers.js';

/** What a user may set on top of (or instead of) the catalog. */
export interface ModelOverrides {
  encoding?: Encoding;
  trainingContext?: number;
  pricePerMillion?: number;
  shutdownDate?: string;
}

export class CatalogError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'CatalogError';
  }
}

/** The base model of an id: `ft:gpt-4.1-mini-2025-04-14:org:suffix:id` → `gpt-4.1-mini-2025-04-14`. */
export function baseModelId(id: string): string {
  let base = id.trim();
  if (base.startsWith('ft:')) base = base.slice(3).split(':')[0] ?? base;
  const azure = /^(.+)\.ft-[0-9a-f]{8,}$/i.exec(base);
  if (azure?.[1]) base = azure[1];
  // Own keys only: a model named `constructor` or `__proto__` is no alias of anything.
  return Object.hasOwn(ALIASES, base) ? ALIASES[base]! : base;
}

/**
 * The catalog row for an id. With a provider, only that provider's rows count (Azure's
 * gpt-4.1-mini is not OpenAI's); without one, the first row with the id (OpenAI's first).
 * Together ids are matched without regard to case (`qwen/qwen3-8b` is `Qwen/Qwen3-8B`).
 */
export function findModel(id: string, provider?: ModelProfile['provider']): ModelProfile | undefined {
  const base = baseModelId(id);
  const rows = provider ? CATALOG.filter((m) => m.provider === provider) : MODELS;
  return rows.find((m) => m.id === base) ?? rows.find((m) => m.provider !== 'openai' && m.id.toLowerCase() === base.toLowerCase());
}

/** Guess an encoding for a model we do not know: newer OpenAI families use o200k_base. */
function guessEncoding(base: string): Encoding | undefined {
  if (/^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o\d)/.test(base)) return 'o200k_base';
  if (/^(gpt-3\.5|gpt-4|davinci-002|babbage-002)/.test(base)) return 'cl100k_base';
  return undefined;
}

/**
 * `provider` picks that provider's catalog row, and is what an unknown model is assumed to run
 * on (default openai, as before). Open-weight models on Together or Azure that the catalog does
 * not know get approximate counts.
 */
export function resolveModel(id: string, overrides: ModelOverrides = {}, provider?: ModelProfile['provider']): ModelProfile {
  if (overrides.encoding && !ENCODINGS.includes(overrides.encoding)) {
    throw new CatalogError(`unknown encoding "${overrides.encoding}"`, `use one of: ${ENCODINGS.join(', ')}`);
  }
  const known = findModel(id, provider);
  const base = baseModelId(id);
  // Where models bring their own tokenizer (Together, Vertex), an OpenAI-looking name does not make its count exact.
  const guessed = provider && PROVIDERS[provider].capabilities.ownTokenizers ? undefined : guessEncoding(base);
  const profile: ModelProfile = known
    ? { ...known, methods: [...known.methods], unconfirmed: [...known.unconfirmed] }
    : {
        id: base,
        provider: provider ?? 'openai',
        encoding: overrides.encoding ?? guessed ?? 'o200k_base',
        approximateTokens: !overrides.encoding && !guessed,
        trainingContext: null,
        trainingPricePerMillion: null,
        inferencePricePerMillion: null,
        methods: [...PROVIDERS[provider ?? 'openai'].capabilities.unknownModelMethods],
        shutdownDate: null,
        unconfirmed: ['encoding', 'trainingContext', 'trainingPricePerMillion', 'methods'],
        source: 'not in the catalog: figures given by the user',
        asOf: 'n/a',
      };
  const setByUser: string[] = [];
  if (overrides.encoding !== undefined) {
    profile.encoding = overrides.encoding;
    delete profile.tokenizer; // the user chose the encoding to count with
    profile.approximateTokens = false;
    setByUser.push('encoding');
  }
  if (overrides.trainingContext !== undefined) {
    profile.trainingContext = overrides.trainingContext;
    delete profile.contextByMethod;
    setByUser.push('trainingContext');
  }
  if (overrides.pricePerMillion !== undefined) {
    profile.trainingPricePerMillion = overrides.pricePerMillion;
    delete profile.methodPrices;
    setByUser.push('trainingPricePerMillion');
  }
  if (overrides.shutdownDate !== undefined) {
    profile.shutdownDate = overrides.shutdownDate;
    setByUser.push('shutdownDate');
  }
  if (setByUser.length) {
    profile.unconfirmed = profile.unconfirmed.filter((f) => !setByUser.includes(f));
    profile.source = known ? `${profile.source}; set by the user: ${setByUser.join(', ')}` : profile.source;
  }
  return profile;
}

/**
 * The profile for one method: where the catalog prices or limits methods apart (Together's SFT
 * and DPO), that method's LoRA price and sequence limit become the profile's figures.
 */
export function forMethod(profile: ModelProfile, method: Method): ModelProfile {
  const m = method === 'dpo' ? 'dpo' : 'supervised';
  const price = profile.methodPrices?.[m].lora;
  const context = profile.contextByMethod?.[m];
  if (price === undefined && context === undefined) return profile;
  return {
    ...profile,
    trainingPricePerMillion: price !== undefined ? price : profile.trainingPricePerMillion,
    trainingContext: context ?? profile.trainingContext,
  };
}

export interface Notice {
  severity: 'error' | 'warning' | 'info';
  code: string;
  message: string;
  hint: string;
}

/** Shutdown and platform notices for a model on a given day. */
export function modelNotices(profile: ModelProfile, on: string, requestedId = profile.id): Notice[] {
  const notices: Notice[] = [];
  if (profile.shutdownDate) {
    const days = daysBetween(on, profile.shutdownDate);
    if (days <= 0) {
      // The merge could not train: an error in the check, not a surprise on merge.
      notices.push({
        severity: 'error',
        code: 'model-shut-down',
        message: `${requestedId} was shut down on ${profile.shutdownDate}: it can no longer be fine-tuned, and its fine-tunes no longer answer`,
        hint: replacementHint(profile.id)
          ? `move to a model that replaces it: ${replacementHint(profile.id)} (the same chat data; see the README)`
          : 'choose a model that is still offered (see the catalog in the README), or another provider',
      });
    } else if (days <= SHUTDOWN_WARNING_DAYS) {
      notices.push({
        severity: 'warning',
        code: 'model-shutdown-soon',
        message: `${requestedId} shuts down on ${profile.shutdownDate} (in ${days} day${days === 1 ? '' : 's'}); fine-tunes built on it stop working then too`,
        hint: replacementHint(profile.id) ? `plan a move before that date, e.g. ${replacementHint(profile.id)}` : 'plan a move to another model or provider before that date',
      });
    }
  }
  for (const e of platformNotices(profile.provider, on)) notices.push(e);
  return notices;
}

function elsewhere(provider: PlatformEvent['provider']): string {
  const names = alternativesTo(provider);
  return `provider: ${names.slice(0, -1).join(', ')}${names.length > 1 ? ' or ' : ''}${names[names.length - 1] ?? ''}`;
}

/**
 * Platform-wide events for a provider: upcoming ones within the warning window, and the latest
 * one already in force (it still explains why a job creation may be refused).
 */
export function platformNotices(provider: PlatformEvent['provider'], on: string): Notice[] {
  const events = PLATFORM_EVENTS.filter((e) => e.provider === provider).map((e) => ({ e, days: daysBetween(on, e.date) }));
  const source = (e: PlatformEvent) => (e.confirmed ? '' : ' (reported by secondary sources)');
  const notices: Notice[] = events
    .filter(({ days }) => days > 0 && days <= SHUTDOWN_WARNING_DAYS)
    .map(({ e, days }) => ({
      severity: 'warning' as const,
      code: 'provider-closing',
      message: `from ${e.date} (in ${days} day${days === 1 ? '' : 's'}) ${e.what}${source(e)}`,
      hint: `start needed fine-tunes before then, or move to another provider (${elsewhere(provider)})`,
    }));
  const past = events.filter(({ days }) => days <= 0).sort((a, b) => b.days - a.days)[0];
  if (past) {
    // Closed for everyone: no job can be created, so the check fails; closed for some: a warning.
    notices.push({
      severity: past.e.everyone ? 'error' : 'warning',
      code: 'provider-closed',
      message: `since ${past.e.date} ${past.e.what}${source(past.e)}`,
      hint: `if job creation is refused, this is why: move to another provider (${elsewhere(provider)})`,
    });
  }
  return notices;
}
