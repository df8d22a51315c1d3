import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createClient } from '../../src/github/client.js';
import { FakeGitHub } from '../support/fake-github.js';

// Retry behaviour is about the client, not the contract: straight to the fake, no Prism.
let fake: FakeGitHub;
beforeAll(async () => {
  fake = await new FakeGitHub().start();
  fake.addPull({ number: 1 });
});
afterAll(async () => {
  await fake?.stop();
});
const repo = { owner: 'acme', repo: 'datasets' };

test('baseUrl comes from GITHUB_API_URL', async () => {
  const saved = process.env.GITHUB_API_URL;
  process.env.GITHUB_API_URL = `${fake.url}/`;
  try {
    const { data } = await createClient('t').rest.pulls.get({ ...repo, pull_number: 1 });
    expect(data.number).toBe(1);
    expect(fake.requests.at(-1)!.headers.authorization).toBe('token t');
  } finally {
    if (saved === undefined) delete process.env.GITHUB_API_URL;
    else process.env.GITHUB_API_URL = saved;
  }
});

test('GETs retry 5xx and dropped connections; onRetry is told', async () => {
  const retries: number[] = [];
  const octokit = createClient('t', { baseUrl: fake.url, retryBaseMs: 5, onRetry: (i) => retries.push(i.status ?? 0) });
  fake.fault('pulls.get', { status: 502, times: 1 });
  fake.fault('pulls.get', { drop: true, times: 1 });
  const { data } = await octokit.rest.pulls.get({ ...repo, pull_number: 1 });
  expect(data.number).toBe(1);
  expect(retries).toHaveLength(2);
  expect(retries[0]).toBe(502);
});

test('gives up after `retries` attempts', async () => {
  fake.fault('pulls.get', { status: 503, times: 3 });
  const octokit = createClient('t', { baseUrl: fake.url, retryBaseMs: 1, retries: 2 });
  await expect(octokit.rest.pulls.get({ ...repo, pull_number: 1 })).rejects.toMatchObject({ status: 503 });
  fake.clearFaults();
});

test('POST is not retried on 500 (it may have been applied), but is on 429 and secondary limits', async () => {
  const octokit = createClient('t', { baseUrl: fake.url, retryBaseMs: 1 });
  const creates = () => fake.calls('issues.createComment').length;

  let before = creates();
  fake.fault('issues.createComment', { status: 500, times: 1 });
  await expect(octokit.rest.issues.createComment({ ...repo, issue_number: 1, body: 'x' })).rejects.toMatchObject({ status: 500 });
  expect(creates() - before).toBe(1);

  before = creates();
  fake.fault('issues.createComment', { status: 429, headers: { 'retry-after': '0' }, times: 1 });
  fake.fault('issues.createComment', {
    status: 403,
    message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
    headers: { 'retry-after': '0' },
    times: 1,
  });
  const { status } = await octokit.rest.issues.createComment({ ...repo, issue_number: 1, body: 'y' });
  expect(status).toBe(201);
  expect(creates() - before).toBe(3);
});

test('a plain 403 is not retried', async () => {
  const octokit = createClient('t', { baseUrl: fake.url, retryBaseMs: 1 });
  const before = fake.calls('issues.createComment').length;
  fake.fault('issues.createComment', { status: 403, times: 1 });
  await expect(octokit.rest.issues.createComment({ ...repo, issue_number: 1, body: 'x' })).rejects.toMatchObject({ status: 403 });
  expect(fake.calls('issues.createComment').length - before).toBe(1);
});
