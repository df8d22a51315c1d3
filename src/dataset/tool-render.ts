/**
 * Tool (function) definitions as the model sees them: a TypeScript-like namespace, not the JSON
 * schema. OpenAI has never documented it for its API models; the rendering below follows the two
 * public sources that agree on its shape (URLs and dates in catalog/overheads.ts, `toolsRender`):
 *
 *   namespace functions {
 *
 *   // Function description
 *   type name = (_: {
 *   // Parameter description
 *   required_param: string,
 *   optional_param?: "a" | "b",
 *   nested?: {
 *     inner: number,
 *   },
 *   list?: string[],
 *   }) => any;
 *
 *   type no_params = () => any;
 *
 *   } // namespace functions
 *
 * - hmarr/openai-chat-tokens (src/functions.ts): reverse-engineered from API usage counts;
 *   enums as unions of literals, `?` for optional, `() => any` without properties, nested
 *   objects indented by 2 with their descriptions left out, arrays as `T[]`, anyOf as a union.
 * - openai/harmony (src/encoding.rs, `json_schema_to_typescript`), OpenAI's own renderer for
 *   its open-weight models: descriptions one `// ` line per line, `// default: …` after a
 *   property with a default, a type list as a union, `nullable` as `| null`, unknown as `any`.
 *
 * Billed tokens of the definitions are tok(rendering) + a fixed overhead calibrated on a
 * billed job (`toolsOverhead`, unconfirmed). Counting goes through the encoder passed in.
 */
import { OVERHEADS } from '../catalog/overheads.js';
import type { FunctionDefinition } from './formats.js';
import type { CountFn } from './tokens.js';

type Schema = Record<string, unknown>;

/** Deeper schemas render as `any`: the rendering stays linear and the stack bounded. */
const MAX_DEPTH = 32;

function isSchema(v: unknown): v is Schema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function commentLines(text: string, indent: string): string[] {
  return text.split('\n').map((line) => `${indent}// ${line}`);
}

function literal(v: unknown): string {
  return typeof v === 'string' ? `"${v}"` : (JSON.stringify(v) ?? 'null');
}

function defaultComment(p: Schema): string {
  if (!('default' in p)) return '';
  const d = p.default;
  if (typeof d === 'string') return Array.isArray(p.enum) ? ` // default: ${d}` : ` // default: "${d}"`;
  return ` // default: ${JSON.stringify(d) ?? 'null'}`;
}

function formatType(p: Schema, indent: number, depth: number): string {
  if (depth > MAX_DEPTH) return 'any';
  const union = Array.isArray(p.anyOf) ? p.anyOf : Array.isArray(p.oneOf) ? p.oneOf : null;
  let out: string;
  if (union) {
    out = union.map((v) => (isSchema(v) ? formatType(v, indent, depth + 1) : 'any')).join(' | ');
  } else if (Array.isArray(p.enum) && p.enum.length > 0) {
    out = p.enum.map(literal).join(' | ');
  } else if (Array.isArray(p.type)) {
    out = p.type.map((t) => (t === 'integer' ? 'number' : String(t))).join(' | ');
  } else {
    switch (p.type) {
      case 'string':
      case 'boolean':
      case 'null':
      case 'number':
        out = p.type;
        break;
      case 'integer':
        out = 'number';
        break;
      case 'object':
        out = ['{', formatProperties(p, indent + 2, depth + 1), '}'].join('\n');
        break;
      case 'array':
        out = isSchema(p.items) ? `${formatType(p.items, indent, depth + 1)}[]` : 'any[]';
        break;
      default:
        out = 'any';
    }
  }
  if (p.nullable === true && !out.includes('null')) out += ' | null';
  return out;
}

/** The properties of an object, one per line (without the braces around them). */
function formatProperties(obj: Schema, indent: number, depth: number): string {
  const props = isSchema(obj.properties) ? obj.properties : {};
  const required = new Set(Array.isArray(obj.required) ? obj.required.filter((r) => typeof r === 'string') : []);
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  for (const [name, raw] of Object.entries(props)) {
    const p = isSchema(raw) ? raw : {};
    // Descriptions of nested properties are not rendered (hmarr/openai-chat-tokens, from API counts).
    if (typeof p.description === 'string' && p.description !== '' && indent < 2) lines.push(...commentLines(p.description, pad));
    const mark = required.has(name) ? '' : '?';
    lines.push(`${pad}${name}${mark}: ${formatType(p, indent, depth)},${defaultComment(p)}`);
  }
  return lines.join('\n');
}

/** The namespace the model sees for these definitions ('' for none). */
export function renderFunctions(functions: readonly FunctionDefinition[]): string {
  if (functions.length === 0) return '';
  const lines = ['namespace functions {', ''];
  for (const f of functions) {
    if (f.description) lines.push(...commentLines(f.description, ''));
    const params = isSchema(f.parameters) ? f.parameters : {};
    const props = isSchema(params.properties) ? params.properties : {};
    if (Object.keys(props).length > 0) {
      lines.push(`type ${f.name} = (_: {`, formatProperties(params, 0, 1), '}) => any;');
    } else {
      lines.push(`type ${f.name} = () => any;`);
    }
    lines.push('');
  }
  lines.push('} // namespace functions');
  return lines.join('\n');
}

/** Billed tokens of an example's tool definitions: tok(rendering) + the fixed overhead. */
export function countToolDefinitions(functions: readonly FunctionDefinition[], tok: CountFn): number {
  if (functions.length === 0) return 0;
  return tok(renderFunctions(functions)) + OVERHEADS.toolsOverhead.value;
}
