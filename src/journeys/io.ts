/**
 * What a journey may do to the workflow run: log, annotate, set outputs, write the job summary,
 * fail. main.ts backs it with @actions/core; tests back it with a recorder.
 */
import type { Settings } from '../config.js';
import type { EventContext } from '../github/index.js';

export interface AnnotationProps {
  title?: string;
  file?: string;
  startLine?: number;
}

export interface ActionIO {
  info(message: string): void;
  warning(message: string, props?: AnnotationProps): void;
  error(message: string, props?: AnnotationProps): void;
  notice(message: string, props?: AnnotationProps): void;
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
  setOutput(name: string, value: string | number): void;
  appendSummary(markdown: string): Promise<void>;
  setSecret(secret: string): void;
  setFailed(message: string): void;
}

/** GitHub shows at most this many annotations of each kind per step. */
export const ANNOTATIONS_PER_KIND = 10;

/** GitHub's limit on one step's job summary. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024;

/** GitHub's limit on one comment body. */
export const COMMENT_LIMIT_CHARS = 65_536;

/** A journey as the entry runs it (`mode: train`, `mode: smoke`). */
export type JourneyRunner = (s: Settings, ctx: { io: ActionIO; event: EventContext | null; workspace: string }) => Promise<void>;
