import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EventContextError, parseEventContext, readEventContext } from '../../src/github/context.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/events/${name}`, import.meta.url));
const RUNNER_ENV = {
  GITHUB_REPOSITORY: 'acme/datasets',
  GITHUB_REF: 'refs/pull/42/merge',
  GITHUB_SHA: '5d41402abc4b2a76b9719d911017c592ae1c2b3f',
  GITHUB_API_URL: 'https://api.github.com',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_WORKSPACE: '/home/runner/work/datasets/datasets',
};

describe('readEventContext', () => {
  test('pull_request from a branch of the same repository', () => {
    const ctx = readEventContext({ ...RUNNER_ENV, GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: fixture('pull_request.synchronize.json') });
    expect(ctx).toMatchObject({
      eventName: 'pull_request',
      owner: 'acme',
      repo: 'datasets',
      ref: 'refs/pull/42/merge',
      sha: '5d41402abc4b2a76b9719d911017c592ae1c2b3f',
      headSha: '9a8b7c6d5e4f3210fedcba9876543210abcdef12',
      baseSha: 'f1c2d3e4a5b6978812345678901234567890abcd',
      defaultBranch: 'main',
      isDefaultBranch: false,
      workspace: '/home/runner/work/datasets/datasets',
      apiUrl: 'https://api.github.com',
    });
    expect(ctx.pullRequest).toEqual({
      number: 42,
      baseSha: 'f1c2d3e4a5b6978812345678901234567890abcd',
      headSha: '9a8b7c6d5e4f3210fedcba9876543210abcdef12',
      baseRef: 'main',
      headRef: 'more-support-chats',
      headRepoFullName: 'acme/datasets',
      isFork: false,
      draft: false,
      changedFiles: 3,
      htmlUrl: 'https://github.com/acme/datasets/pull/42',
    });
  });

  test('pull_request from a fork', () => {
    const ctx = readEventContext({ ...RUNNER_ENV, GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: fixture('pull_request.opened.fork.json') });
    expect(ctx.pullRequest).toMatchObject({ number: 43, headRepoFullName: 'contributor/datasets', isFork: true });
  });

  test('a deleted fork (head.repo null) counts as a fork', () => {
    const payload = JSON.parse(readFileSync(fixture('pull_request.opened.fork.json'), 'utf8'));
    payload.pull_request.head.repo = null;
    const ctx = parseEventContext('pull_request_target', payload, RUNNER_ENV);
    expect(ctx.pullRequest).toMatchObject({ headRepoFullName: null, isFork: true });
  });

  test('push to the default branch', () => {
    const ctx = readEventContext({
      ...RUNNER_ENV,
      GITHUB_REF: 'refs/heads/main',
      GITHUB_SHA: '9a8b7c6d5e4f3210fedcba9876543210abcdef12',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_EVENT_PATH: fixture('push.main.json'),
    });
    expect(ctx).toMatchObject({
      eventName: 'push',
      pullRequest: null,
      headSha: '9a8b7c6d5e4f3210fedcba9876543210abcdef12',
      baseSha: 'f1c2d3e4a5b6978812345678901234567890abcd',
      defaultBranch: 'main',
      isDefaultBranch: true,
    });
  });

  test('push creating a branch has no base; repository from the payload without GITHUB_REPOSITORY', () => {
    const payload = JSON.parse(readFileSync(fixture('push.main.json'), 'utf8'));
    payload.before = '0000000000000000000000000000000000000000';
    payload.ref = 'refs/heads/topic';
    const ctx = parseEventContext('push', payload, {});
    expect(ctx).toMatchObject({ owner: 'acme', repo: 'datasets', baseSha: null, ref: 'refs/heads/topic', isDefaultBranch: false });
  });

  test('errors name what is missing', () => {
    expect(() => readEventContext({})).toThrow(/GITHUB_EVENT_NAME/);
    expect(() => parseEventContext('push', {}, {})).toThrow(EventContextError);
    expect(() => parseEventContext('pull_request', { pull_request: { number: 1 } }, RUNNER_ENV)).toThrow(/base\.sha/);
    expect(() => readEventContext({ ...RUNNER_ENV, GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: '/x' }, () => '{not json')).toThrow(/not valid JSON/);
  });
});
