/** The ActionIO of a real workflow run: @actions/core's logging, annotations, outputs, summary. */
import * as core from '@actions/core';
import type { ActionIO } from './journeys/io.js';
import { redactingIO } from './redact.js';

/** Every sink redacts our credentials first (see ../redact.ts). */
export function coreIO(): ActionIO {
  return redactingIO({
    info: (m) => core.info(m),
    warning: (m, p) => core.warning(m, p),
    error: (m, p) => core.error(m, p),
    notice: (m, p) => core.notice(m, p),
    group: (name, fn) => core.group(name, fn),
    setOutput: (n, v) => core.setOutput(n, String(v)),
    appendSummary: async (md) => {
      if (!process.env.GITHUB_STEP_SUMMARY) {
        core.info(md);
        return;
      }
      try {
        await core.summary.addRaw(md, true).write();
      } catch (e) {
        core.warning(`Could not write the job summary (${(e as Error).message}); the report follows in the log.`);
        core.info(md);
      }
    },
    setSecret: (s) => core.setSecret(s),
    setFailed: (m) => core.setFailed(m),
  });
}
