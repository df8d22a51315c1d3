/**
 * Validation profiles: what a provider accepts in a training file. Data with source and date;
 * the user may override `minExamples` (config) and the rules read only from here.
 */
import type { DataFormat } from '../dataset/types.js';

export interface ValidationProfile {
  name: 'openai' | 'azure' | 'together';
  formats: DataFormat[];
  minExamples: number;
  maxImagesPerExample: number;
  /** Largest image in bytes (base64 data URLs are measured decoded). */
  maxImageBytes: number;
  /** Largest file the simple upload accepts; larger files go through the Uploads API. */
  maxFileBytes: number;
  /** Largest line the reader accepts before it reports `line-too-long` and skips it. */
  maxLineBytes: number;
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
};
