/**
 * Prism (proxy, --errors) in front of the fake Together server, loaded with Together's own
 * published spec (../shared/contracts/together-openapi.yaml, 2026-04-28) cut down to the routes
 * the adapter uses. Like `startOpenAIStack`, one stack per test file.
 *
 * Quirks of that spec, and what is done about each (TOGETHER_SPEC_PATCH):
 * - `FinetuneResponse.id` is declared `format: uuid`, but Together's job ids are `ft-<uuid>`
 *   (the spec's own examples say `ft-…`): the format is dropped, so that real-looking ids pass.
 * - `train_on_inputs` in `TrainingMethodSFT` says `oneOf [boolean, "auto"]` next to `type:
 *   boolean`, so only a boolean validates. Not patched: the adapter sends a boolean (false).
 * - `processing_status` / `validation_report` on files are newer than the spec; the file schema
 *   does not forbid extra properties, so Prism passes them through unchecked. Their meaning is
 *   tested through the adapter's behaviour against the fake.
 * - `total_price` is an integer: nanodollars (Together's SDK divides it by 1e9). Not patched.
 */
import { startFakeTogether, type FakeTogether, type FakeTogetherOptions } from './fake-together.js';
import { startPrism, type PrismHandle, type SpecPatch } from './prism.js';

/** Together's spec, by its path under shared/ (startPrism resolves it through ./shared-data.ts). */
export const TOGETHER_SPEC = 'contracts/together-openapi.yaml';

/** The Together routes the adapter uses (the spec's paths are relative to `/v1`). */
export const TOGETHER_PATHS: readonly string[] = [
  '/files',
  '/files/{id}',
  '/files/upload',
  '/fine-tunes',
  '/fine-tunes/estimate-price',
  '/fine-tunes/{id}',
  '/fine-tunes/{id}/events',
  '/fine-tunes/{id}/checkpoints',
  '/fine-tunes/{id}/cancel',
  '/models',
  '/endpoints',
  '/endpoints/{endpointId}',
  '/chat/completions',
];

export const TOGETHER_SPEC_PATCH: SpecPatch = {
  id: 'together-2026-04-28-v1',
  apply: (doc) => {
    const schemas = doc.components.schemas ?? {};
    const fr = schemas.FinetuneResponse as { properties?: { id?: Record<string, unknown> } } | undefined;
    if (fr?.properties?.id) delete fr.properties.id.format;
  },
};

export interface TogetherStack {
  fake: FakeTogether;
  prism: PrismHandle;
  /** Base URL for the adapter: through Prism. */
  url: string;
  /** Base URL of the fake itself (for what the spec cannot express). */
  directUrl: string;
  stop(): Promise<void>;
}

export async function startTogetherStack(options: FakeTogetherOptions = {}): Promise<TogetherStack> {
  const fake = await startFakeTogether(options);
  let prism: PrismHandle;
  try {
    prism = await startPrism({ upstream: fake.url, spec: TOGETHER_SPEC, paths: TOGETHER_PATHS, patch: TOGETHER_SPEC_PATCH });
  } catch (e) {
    await fake.close();
    throw e;
  }
  return {
    fake,
    prism,
    url: prism.url,
    directUrl: fake.url,
    stop: async () => {
      await prism.stop();
      await fake.close();
    },
  };
}
