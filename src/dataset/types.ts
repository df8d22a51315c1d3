/**
 * The data every part of finetune-ci passes around about a dataset: diagnostics, formats,
 * methods and the per-file report. Pure types, no behaviour.
 */

export type Severity = 'error' | 'warning' | 'info';

/**
 * One problem found in a dataset. `code` is stable kebab-case (tests and users key on it),
 * `message` is for people, `hint` says how to fix it. `file` is the dataset path as given;
 * `line` is 1-based (null for whole-file problems such as too few examples); `path` is where
 * inside the line's JSON the problem sits (e.g. `messages[2].content`), "" for the whole line.
 */
export interface Diagnostic {
  code: string;
  severity: Severity;
  file: string;
  line: number | null;
  path: string;
  message: string;
  hint: string;
}

export { METHODS, type DataFormat, type Method } from '../types.js';

/** Five-number-and-then-some summary of a distribution. */
export interface Distribution {
  min: number;
  max: number;
  mean: number;
  median: number;
  p10: number;
  p90: number;
}
