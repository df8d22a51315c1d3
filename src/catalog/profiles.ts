/**
 * Validation profiles: what a provider accepts in a training file. Data with source and date;
 * the user may override `minExamples` (config) and the rules read only from here.
 */
import type { ProviderName } from '../providers/registry.js';
import type { DataFormat } from '../types.js';
import { VERTEX_LIMITS } from './vertex.js';

export interface ValidationProfile {
  name: ProviderName;
  formats: DataFormat[];
  minExamples: number;
  maxImagesPerExample: number;
  /** Largest image in bytes (base64 data URLs are measured decoded). */
  maxImageBytes: number;
  /** Largest file the simple upload accepts; larger files go through the Uploads API. */
  maxFileBytes: number;
  /** Largest line the reader accepts before it reports `line-too-long` and skips it. */
  maxLineBytes: number;
  /** Most examples a training file may hold; absent: no published limit. */
  maxExamples?: number;
  /** Most examples a validation file may hold; absent: no published limit. */
  maxValidationExamples?: number;
  /** Largest dataset file the provider accepts at all (an error above it); absent: see maxFileBytes. */
  maxTrainingFileBytes?: number;
  /** Files over this many bytes are refused (`file-too-large`); unset: no hard limit known. */
  maxDatasetBytes?: number;
  /** Over this, the provider's own SDK checker refuses the file (a warning: our upload skips it). */
  sdkCheckMaxBytes?: number;
  /**
   * The provider's own line rules, applied before ours: `together` follows Together's `check_file`
   * (src/dataset/together-rules.ts): its formats, roles, weights, images and extra keys.
   */
  providerRules?: 'together';
  source: string;
  asOf: string;
}

const MB = 1024 * 1024;

export const PROFILES: Readonly<Record<ValidationProfile['name'], ValidationProfile>> = {
  openai: {
    name: 'openai',
    formats: ['chat', 'dpo', 'completion', 'reinforcement'],
    minExamples: 10,
    maxImagesPerExample: 10,
    maxImageBytes: 10 * MB,
    maxFileBytes: 512 * MB,
    maxLineBytes: 150 * MB,
    source: 'OpenAI fine-tuning guide and API reference',
    asOf: '2026-11-25',
  },
  azure: {
    name: 'azure',
    formats: ['chat', 'dpo', 'completion'],
    minExamples: 10,
    maxImagesPerExample: 64,
    maxImageBytes: 10 * MB,
    maxFileBytes: 512 * MB,
    maxLineBytes: 150 * MB,
    source: 'Azure OpenAI fine-tuning docs',
    asOf: '2026-11-25',
  },
  together: {
    name: 'together',
    formats: ['chat', 'dpo', 'completion', 'text'],
    // together-python constants.py at eba5e5f (2025-12-23): MIN_SAMPLES, MAX_IMAGES_PER_EXAMPLE,
    // MAX_IMAGE_BYTES, MAX_FILE_SIZE_GB = 50.1 (GiB); docs.together.ai/docs/fine-tuning/data-preparation
    // (read 2026-12-02): "The file size limit for either format is 100 GB".
    minExamples: 1,
    maxImagesPerExample: 10,
    maxImageBytes: 10 * MB,
    maxFileBytes: 512 * MB,
    maxLineBytes: 150 * MB,
    maxDatasetBytes: 100 * 1000 ** 3,
    sdkCheckMaxBytes: Math.floor(50.1 * 1024 * MB),
    providerRules: 'together',
    source: 'Together AI fine-tuning docs (data preparation, function calling; read 2026-12-02), OpenAPI spec 2026-04-28, together-python check_file at eba5e5f',
    asOf: '2026-12-02',
  },
  vertex: {
    name: 'vertex',
    // OpenAI chat examples are converted on upload (src/providers/vertex/convert.ts).
    formats: ['chat'],
    // No minimum is published any more (the 2024 page said 16); Google advises starting at 100.
    minExamples: 1,
    // No per-example image count is published: the per-example token limit bounds it.
    maxImagesPerExample: 1_000,
    maxImageBytes: 20 * MB,
    maxFileBytes: VERTEX_LIMITS.maxFileBytes,
    maxTrainingFileBytes: VERTEX_LIMITS.maxFileBytes,
    maxLineBytes: 150 * MB,
    maxExamples: VERTEX_LIMITS.maxExamples,
    maxValidationExamples: VERTEX_LIMITS.maxValidationExamples,
    source: `Vertex AI supervised tuning limits (${VERTEX_LIMITS.source}); image size unconfirmed`,
    asOf: VERTEX_LIMITS.asOf,
  },
};
