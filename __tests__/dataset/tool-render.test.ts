/**
 * Tool definitions as the model sees them (dataset/tool-render.ts): the rendering on varied
 * schemas, its count against js-tiktoken, and the one billed function-calling job we know
 * (the cookbook drone job: trained_tokens 145,983).
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { getEncoding } from 'js-tiktoken';
import type { Encoding } from '../../src/catalog/models.js';
import { OVERHEADS } from '../../src/catalog/overheads.js';
import type { ChatExample, FunctionDefinition } from '../../src/dataset/formats.js';
import { countToolDefinitions, renderFunctions } from '../../src/dataset/tool-render.js';
import { billedRules, countChat, counter } from '../../src/dataset/tokens.js';
import { sharedFile } from '../support/shared-data.js';

function oracle(enc: Encoding): (s: string) => number {
  const e = getEncoding(enc);
  return (s: string) => e.encode(s, [], []).length;
}

const WRAP = (body: string) => `namespace functions {\n\n${body}\n} // namespace functions`;

describe('the rendering', () => {
  test('no parameters, empty properties and no description: () => any', () => {
    expect(renderFunctions([{ name: 'ping' }, { name: 'home', parameters: { type: 'object', properties: {} } }])).toBe(WRAP('type ping = () => any;\n\ntype home = () => any;\n'));
  });

  test('descriptions (one comment line per line), required and optional (?)', () => {
    const f: FunctionDefinition = {
      name: 'get_weather',
      description: 'Get the weather.\nUse it for forecasts too.',
      parameters: {
        type: 'object',
        properties: {
          location: { type: 'string', description: 'City and state' },
          days: { type: 'integer' },
          metric: { type: 'boolean', description: 'Celsius?' },
        },
        required: ['location'],
      },
    };
    expect(renderFunctions([f])).toBe(
      WRAP('// Get the weather.\n// Use it for forecasts too.\ntype get_weather = (_: {\n' + '// City and state\nlocation: string,\ndays?: number,\n// Celsius?\nmetric?: boolean,\n}) => any;\n'),
    );
  });

  test('enums are unions of literals, strings quoted, numbers bare', () => {
    const f: FunctionDefinition = {
      name: 'set',
      parameters: {
        type: 'object',
        properties: { unit: { type: 'string', enum: ['c', 'f'] }, level: { type: 'integer', enum: [1, 2, 3] } },
        required: ['unit', 'level'],
      },
    };
    expect(renderFunctions([f])).toBe(WRAP('type set = (_: {\nunit: "c" | "f",\nlevel: 1 | 2 | 3,\n}) => any;\n'));
  });

  test('nested objects indent by 2 and leave out nested descriptions; arrays are T[]', () => {
    const f: FunctionDefinition = {
      name: 'order',
      parameters: {
        type: 'object',
        properties: {
          address: {
            type: 'object',
            description: 'Where to',
            properties: { street: { type: 'string', description: 'not rendered' }, zip: { type: 'string' } },
            required: ['street'],
          },
          items: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'] } },
          tags: { type: 'array', items: { type: 'string' } },
          anything: { type: 'array' },
        },
        required: ['address', 'items'],
      },
    };
    expect(renderFunctions([f])).toBe(
      WRAP('type order = (_: {\n// Where to\naddress: {\n  street: string,\n  zip?: string,\n},\n' + 'items: {\n  sku: string,\n}[],\ntags?: string[],\nanything?: any[],\n}) => any;\n'),
    );
  });

  test('type lists, anyOf, nullable, unknown types, defaults (harmony)', () => {
    const f: FunctionDefinition = {
      name: 'q',
      parameters: {
        type: 'object',
        properties: {
          a: { type: ['string', 'integer'] },
          b: { anyOf: [{ type: 'string' }, { type: 'null' }] },
          c: { type: 'string', nullable: true, default: 'x' },
          d: { type: 'string', enum: ['p', 'q'], default: 'p' },
          e: { type: 'number', default: 0.5 },
          f: { $ref: '#/defs/thing' },
        },
      },
    };
    expect(renderFunctions([f])).toBe(
      WRAP('type q = (_: {\na?: string | number,\nb?: string | null,\nc?: string | null, // default: "x"\n' + 'd?: "p" | "q", // default: p\ne?: number, // default: 0.5\nf?: any,\n}) => any;\n'),
    );
  });

  test('a pathologically deep schema renders without overflowing the stack', () => {
    let schema: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 5000; i++) schema = { type: 'object', properties: { x: schema }, required: ['x'] };
    const out = renderFunctions([{ name: 'deep', parameters: schema }]);
    expect(out).toContain('x: any,');
    expect(out.length).toBeLessThan(5000 * 40);
  });

  test.each(['cl100k_base', 'o200k_base'] as const)('counted with %s: tok(rendering) + the fixed overhead', (enc) => {
    const tok = oracle(enc);
    const defs: FunctionDefinition[] = [{ name: 'a', description: 'Does a', parameters: { type: 'object', properties: { x: { type: 'string' } } } }, { name: 'b' }];
    const rendered = WRAP('// Does a\ntype a = (_: {\nx?: string,\n}) => any;\n\ntype b = () => any;\n');
    expect(renderFunctions(defs)).toBe(rendered);
    expect(countToolDefinitions(defs, counter(enc))).toBe(tok(rendered) + OVERHEADS.toolsOverhead.value);
    expect(countToolDefinitions([], counter(enc))).toBe(0);
  });
});

describe('calibration: the cookbook drone job (103 examples × 3 epochs, gpt-3.5-turbo-0125)', () => {
  const BILLED_TRAINED_TOKENS = 145_983; // ftjob-84PQg97hoIAKf21IPnhiNlU1, Fine_tuning_for_function_calling.ipynb
  const EPOCHS = 3;

  test('our estimate is within 1 % of the billed trained_tokens', async () => {
    const path = await sharedFile('data/real/cookbook_drone_training.jsonl');
    const examples = readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as ChatExample);
    expect(examples).toHaveLength(103);
    const ours = examples.reduce((n, ex) => n + countChat(ex, counter('cl100k_base'), billedRules('cl100k_base')).tokens, 0) * EPOCHS;

    // The same figure recounted independently with js-tiktoken: messages by the billed rule,
    // definitions from their rendering.
    const tok = oracle('cl100k_base');
    let recount = 0;
    for (const ex of examples) {
      recount += 1 + tok(renderFunctions(ex.tools!.map((t) => t.function))) + OVERHEADS.toolsOverhead.value;
      for (const m of ex.messages) {
        recount += 3 + tok(m.role) + (typeof m.content === 'string' ? tok(m.content) : 0);
        if (m.role === 'assistant') for (const c of m.tool_calls ?? []) recount += tok(c.function.name) + tok(c.function.arguments);
      }
    }
    expect(ours).toBe(recount * EPOCHS);
    expect(Math.abs(ours - BILLED_TRAINED_TOKENS) / BILLED_TRAINED_TOKENS).toBeLessThanOrEqual(0.01);
  });
});
