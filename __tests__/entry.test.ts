/**
 * The layout GitHub's template and local debugger expect: src/main.ts exports `run()` and starts
 * nothing on import (`npx @github/local-action run . src/main.ts .env` imports it, then calls
 * `run`); src/index.ts is the bundle's entry. `resolveMode` picks the journey from the event.
 */
import { describe, expect, jest, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EventContext } from '../src/github/index.js';
import { resolveMode } from '../src/mode.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function event(eventName: string, isDefaultBranch = false): EventContext {
  return {
    eventName,
    owner: 'acme',
    repo: 'datasets',
    ref: null,
    sha: null,
    headSha: null,
    baseSha: null,
    defaultBranch: 'main',
    pullRequest: null,
    isDefaultBranch,
    serverUrl: 'https://github.com',
    apiUrl: 'https://api.github.com',
    workspace: null,
    payload: {},
  } as EventContext;
}

describe('src/main.ts', () => {
  test('importing it starts nothing (no log line, no failure) and exposes run()', async () => {
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const exitCode = process.exitCode;
    try {
      const main = await import('../src/main.js');
      // Give anything a module might have started on import a chance to print.
      await new Promise((r) => setImmediate(r));
      expect(typeof main.run).toBe('function');
      expect(write).not.toHaveBeenCalled();
      expect(process.exitCode).toBe(exitCode);
    } finally {
      write.mockRestore();
    }
  });

  test('the action bundle is built from src/index.ts, which calls run()', () => {
    const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['build:action']).toMatch(/^ncc build src\/index\.ts /);
    const index = readFileSync(`${root}/src/index.ts`, 'utf8');
    expect(index).toMatch(/import \{ run \} from '\.\/main\.js'/);
    expect(index).toMatch(/\brun\(/);
  });
});

describe('the entry stays an entry', () => {
  test('no journey imports src/main.ts or src/index.ts', () => {
    const dir = `${root}/src/journeys`;
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const depth = f.split('/').length; // journeys/x.ts → '../', journeys/train/x.ts → '../../'
      const up = '../'.repeat(depth);
      const text = readFileSync(`${dir}/${f}`, 'utf8');
      expect({ f, main: text.includes(`'${up}main.js'`), index: text.includes(`'${up}index.js'`) }).toEqual({ f, main: false, index: false });
    }
  });
});

describe('resolveMode', () => {
  test('an explicit mode is kept, whatever the event', () => {
    expect(resolveMode('train', event('pull_request'))).toEqual({ mode: 'train', resumeOnly: false });
    expect(resolveMode('smoke', null)).toEqual({ mode: 'smoke', resumeOnly: false });
    expect(resolveMode('check', event('push', true))).toEqual({ mode: 'check', resumeOnly: false });
  });

  test('auto: pull requests and other branches check, the default branch trains, a schedule only resumes', () => {
    expect(resolveMode('auto', null)).toEqual({ mode: 'check', resumeOnly: false });
    expect(resolveMode('auto', event('pull_request'))).toEqual({ mode: 'check', resumeOnly: false });
    expect(resolveMode('auto', event('pull_request_target'))).toEqual({ mode: 'check', resumeOnly: false });
    expect(resolveMode('auto', event('push', false))).toEqual({ mode: 'check', resumeOnly: false });
    expect(resolveMode('auto', event('push', true))).toEqual({ mode: 'train', resumeOnly: false });
    expect(resolveMode('auto', event('workflow_dispatch'))).toEqual({ mode: 'train', resumeOnly: false });
    expect(resolveMode('auto', event('schedule'))).toEqual({ mode: 'train', resumeOnly: true });
    expect(resolveMode('auto', event('issue_comment'))).toEqual({ mode: 'check', resumeOnly: false });
  });
});
