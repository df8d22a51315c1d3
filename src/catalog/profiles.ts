/**
 * Validation profiles: what a provider accepts in a training file. Data with source and date;
 * the user may override `minExamples` (config) and the rules read only from here.
 */
import type { DataFormat } from '../types.js';

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
    formats: ['chat', 'dpo', 'completion'],
    minExamples: 1,
    maxImagesPerExample: 10,
    maxImageBytes: 10 * MB,
    maxFileBytes: 512 * MB,
    maxLineBytes: 150 * MB,
    source: 'Together AI fine-tuning docs and OpenAPI spec 2026-04-28',
    asOf: '2026-11-25',
  },
};
