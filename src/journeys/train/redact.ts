/** Secrets never leave the training journey: every line, output and summary is redacted. */
import type { ActionIO } from '../io.js';

/** Replace every secret in `text` with `***` (secrets shorter than 4 characters are ignored). */
export function redactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const list = secrets.filter((s): s is string => typeof s === 'string' && s.trim().length >= 4).map((s) => s.trim());
  if (!list.length) return (t) => t;
  return (text) => {
    let out = text;
    for (const s of list) out = out.split(s).join('***');
    return out;
  };
}

/** An ActionIO that never lets a secret through (logs, annotations, outputs, summary). */
export function redactingIO(io: ActionIO, redact: (t: string) => string): ActionIO {
  return {
    info: (m) => io.info(redact(m)),
    warning: (m, p) => io.warning(redact(m), p),
    error: (m, p) => io.error(redact(m), p),
    notice: (m, p) => io.notice(redact(m), p),
    group: (name, fn) => io.group(redact(name), fn),
    setOutput: (n, v) => io.setOutput(n, typeof v === 'string' ? redact(v) : v),
    appendSummary: (md) => io.appendSummary(redact(md)),
    setSecret: (s) => io.setSecret(s),
    setFailed: (m) => io.setFailed(redact(m)),
  };
}
