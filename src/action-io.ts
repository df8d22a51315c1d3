/**
 * The ActionIO of a real workflow run: @actions/core's logging, annotations, outputs, summary.
 *
 * The output boundary: every message leaves through here. Our credentials are masked first, on
 * the raw text (../redact.ts); hidden characters (controls, bidi) show as U+FFFD everywhere; a log
 * line can never be a workflow command (`logText`); command data and properties are escaped by
 * @actions/core (`%`, CR, LF, and `:`/`,` in properties). Call sites still pass data through
 * `plain` so that it stays on its own line.
 */
import * as core from '@actions/core';
import type { ActionIO, AnnotationProps } from './journeys/io.js';
import { redactingIO } from './redact.js';
import { logText, plain, visible } from './report/text.js';

export function coreIO(): ActionIO {
  const props = (p?: AnnotationProps) => (p ? { ...p, title: p.title === undefined ? undefined : logText(plain(p.title, 200)) } : undefined);
  const info = (m: string) => core.info(logText(m));
  return redactingIO({
    info,
    // Inside a `::warning::` line a `##[` is inert today; defused anyway, like every line.
    warning: (m, p) => core.warning(logText(m), props(p)),
    error: (m, p) => core.error(logText(m), props(p)),
    notice: (m, p) => core.notice(logText(m), props(p)),
    group: (name, fn) => core.group(logText(plain(name, 300)), fn),
    setOutput: (n, v) => core.setOutput(n, String(v)),
    appendSummary: async (md) => {
      if (!process.env.GITHUB_STEP_SUMMARY) {
        info(md);
        return;
      }
      try {
        await core.summary.addRaw(visible(md), true).write();
      } catch (e) {
        core.warning(logText(`Could not write the job summary (${(e as Error).message}); the report follows in the log.`));
        info(md);
      }
    },
    setSecret: (s) => core.setSecret(s),
    setFailed: (m) => core.setFailed(logText(m)),
  });
}
