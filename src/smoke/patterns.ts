/**
 * Patterns from a smoke suite (`regex` checks, `pattern` and `patternProperties` in JSON
 * Schemas) run against the model's answer: they run on RE2 (`re2js`, pure JavaScript), whose
 * time is linear in the answer whatever the pattern, so `^(a+)+$` cannot hang a run. The suite
 * writes JavaScript syntax; the spellings RE2 writes differently (`\uXXXX`) are translated, and
 * what RE2 cannot run (backreferences, lookarounds) is refused with a reason and a rewrite.
 */
import { RE2JS } from 're2js';

/** A compiled pattern: linear-time search, whatever the pattern and the text. */
export interface Pattern {
  /** The pattern as written in the suite. */
  source: string;
  test(text: string): boolean;
  /** The first match: where it starts and how long it is (UTF-16 units, like String#slice). */
  find(text: string): { index: number; length: number } | null;
}

export type CompiledRegex =
  | { ok: true; re: Pattern }
  | {
      ok: false;
      error: string;
      /** Set when the pattern is valid JavaScript that RE2 cannot run: how to rewrite it. */
      unsupported?: string;
    };

/** JavaScript escapes RE2 spells differently: `\uXXXX` and `\u{X…}` are `\x{…}` there. */
function toRe2Syntax(pattern: string): string {
  return pattern.replace(/\\(\\|u\{([0-9A-Fa-f]{1,6})\}|u([0-9A-Fa-f]{4}))/g, (m, _all: string, braced?: string, four?: string) =>
    braced !== undefined || four !== undefined ? `\\x{${braced ?? four}}` : m,
  );
}

/** What in `pattern` needs backtracking, and how to do without it; null if nothing known. */
function unsupportedFeature(pattern: string): { what: string; rewrite: string } | null {
  // Only constructs outside a character class and not escaped count; a rough scan is enough
  // to name the problem (RE2 itself decides what is refused).
  const bare = pattern.replace(/\\[^1-9k]/g, '__').replace(/\[(?:\\.|[^\]\\])*\]/g, '__');
  if (/\(\?<[=!]/.test(bare)) {
    return {
      what: `a lookbehind "${/\(\?<[=!]/.exec(bare)![0]}"`,
      rewrite: 'match the preceding text as part of the pattern, or check it with a second regex / not-regex check',
    };
  }
  if (/\(\?[=!]/.test(bare)) {
    return {
      what: `a lookahead "${/\(\?[=!]/.exec(bare)![0]}"`,
      rewrite: 'split it into several checks on the same answer: "(?=.*x)(?=.*y)" is two regex checks "x" and "y"; "^(?!.*sorry)" is a not-regex check "sorry"',
    };
  }
  const back = /\\([1-9]\d*|k<[^>]*>)/.exec(bare);
  if (back) {
    return {
      what: `a backreference "\\${back[1]}"`,
      rewrite: 'write out the text it should repeat, or list the alternatives ("(a|b)\\1" is "aa|bb")',
    };
  }
  return null;
}

const regexCache = new Map<string, CompiledRegex>();

/**
 * Compile a pattern as the suite writes it (JavaScript syntax, no flags; `(?i)` for case-
 * insensitive) for RE2, which matches in time linear in the text. Never throws: a pattern
 * that does not compile, or needs backtracking RE2 does not do, comes back as `error`.
 */
export function compileRegex(pattern: string): CompiledRegex {
  const hit = regexCache.get(pattern);
  if (hit) return hit;
  let out: CompiledRegex;
  try {
    const re = RE2JS.compile(toRe2Syntax(pattern));
    out = {
      ok: true,
      re: {
        source: pattern,
        test: (text) => re.test(text),
        find: (text) => {
          const m = re.matcher(text);
          return m.find() ? { index: m.start(), length: m.end() - m.start() } : null;
        },
      },
    };
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).replace(/^error parsing regexp: /, '');
    // The suite writes JavaScript syntax: a pattern that is not valid there gets its message.
    let jsError: string | null = null;
    try {
      new RegExp(pattern);
    } catch (e) {
      jsError = e instanceof Error ? e.message : String(e);
    }
    const jsValid = jsError === null;
    const feature = jsValid ? unsupportedFeature(pattern) : null;
    out = feature
      ? {
          ok: false,
          error: `it uses ${feature.what}, which needs backtracking: patterns run on RE2 (linear time, so no answer can stall the run), which has no backreferences or lookarounds`,
          unsupported: feature.rewrite,
        }
      : jsValid
        ? { ok: false, error: `RE2 cannot run it: ${reason}`, unsupported: 'rewrite it in RE2 syntax (https://github.com/google/re2/wiki/Syntax): most JavaScript patterns are the same' }
        : { ok: false, error: jsError ?? reason };
  }
  if (regexCache.size > 1000) regexCache.clear();
  regexCache.set(pattern, out);
  return out;
}

/** ajv's `code.regExp`: schema patterns on RE2. A pattern RE2 cannot run fails the compile. */
export function re2Engine(): { (pattern: string, flags: string): { test: (s: string) => boolean }; code: string } {
  const engine = (pattern: string) => {
    const c = compileRegex(pattern);
    if (!c.ok) throw new Error(`pattern ${JSON.stringify(pattern)}: ${c.error}${c.unsupported ? `; ${c.unsupported}` : ''}`);
    // ajv keys compiled patterns by toString(): it must differ between patterns.
    return { test: (s: string) => c.re.test(s), toString: () => `/${pattern}/` };
  };
  return Object.assign(engine, { code: 'finetune-ci/re2js' });
}

const DATA_KEYWORDS = new Set(['const', 'enum', 'default', 'examples']);

/** Every `pattern` and `patternProperties` key in a schema, with its path and compiled form. */
export function schemaPatterns(schema: unknown): { pattern: string; path: (string | number)[]; compiled: CompiledRegex }[] {
  const out: { pattern: string; path: (string | number)[]; compiled: CompiledRegex }[] = [];
  const stack: { node: unknown; path: (string | number)[] }[] = [{ node: schema, path: [] }];
  const seen = new Set<object>();
  while (stack.length) {
    const { node, path } = stack.pop()!;
    if (node === null || typeof node !== 'object' || seen.has(node) || path.length > 1000) continue;
    seen.add(node);
    if (Array.isArray(node)) {
      node.forEach((v, i) => stack.push({ node: v, path: [...path, i] }));
      continue;
    }
    for (const [k, v] of Object.entries(node)) {
      if (DATA_KEYWORDS.has(k)) continue; // values, not schemas
      if (k === 'pattern' && typeof v === 'string') out.push({ pattern: v, path: [...path, k], compiled: compileRegex(v) });
      if (k === 'patternProperties' && v && typeof v === 'object' && !Array.isArray(v)) {
        for (const key of Object.keys(v)) out.push({ pattern: key, path: [...path, k, key], compiled: compileRegex(key) });
      }
      stack.push({ node: v, path: [...path, k] });
    }
  }
  return out.reverse();
}
