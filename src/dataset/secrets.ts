/**
 * Well-known credential patterns. A model must never be trained on a secret, and a report
 * must never repeat one: matches are shown masked.
 */

export interface SecretPattern {
  name: string;
  regex: RegExp;
}

export const SECRET_PATTERNS: readonly SecretPattern[] = [
  { name: 'Anthropic API key', regex: /sk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{20,}/ },
  { name: 'OpenAI API key', regex: /sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}|sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}|sk-[A-Za-z0-9]{48}/ },
  { name: 'GitHub token', regex: /gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,}/ },
  { name: 'AWS access key id', regex: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/ },
  { name: 'private key', regex: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/ },
  { name: 'Slack token', regex: /xox[abposr]-[A-Za-z0-9-]{10,}/ },
  { name: 'Google API key', regex: /AIza[0-9A-Za-z_-]{35}/ },
  { name: 'Stripe secret key', regex: /(?:sk|rk)_live_[0-9A-Za-z]{20,}/ },
  { name: 'Hugging Face token', regex: /hf_[A-Za-z]{34,}/ },
];

/** One regex for the fast path: most lines have no secret, so test once, then find which. */
const ANY = new RegExp(SECRET_PATTERNS.map((p) => `(?:${p.regex.source})`).join('|'));

/** Show enough to find it, never enough to use it: `sk-p…[51 chars]`. */
export function mask(secret: string): string {
  const visible = secret.startsWith('-----') ? secret.slice(0, 16) : secret.slice(0, 4);
  return `${visible}…[${secret.length} chars]`;
}

export interface SecretMatch {
  name: string;
  masked: string;
  /** The raw match, for locating it in the parsed example; never print it. */
  raw: string;
}

export function findSecrets(text: string): SecretMatch[] {
  if (!ANY.test(text)) return [];
  const found: SecretMatch[] = [];
  for (const p of SECRET_PATTERNS) {
    const g = new RegExp(p.regex.source, 'g');
    for (const m of text.matchAll(g)) {
      if (found.some((f) => f.raw.includes(m[0]) || m[0].includes(f.raw))) continue;
      found.push({ name: p.name, masked: mask(m[0]), raw: m[0] });
    }
  }
  return found;
}
