/**
 * What a release promises, kept consistent: the README's `uses:` lines name this repository at
 * the major tag the release workflow moves, the CHANGELOG has a section for package.json's
 * version, and action.yml carries its Marketplace branding.
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (p: string) => readFileSync(join(root, p), 'utf8');
const pkg = JSON.parse(read('package.json')) as { version: string; repository: { url: string } };
const repo = /github\.com\/([^/]+\/[^/.]+)(?:\.git)?$/.exec(pkg.repository.url)![1]!;
const major = `v${pkg.version.split('.')[0]}`;

describe('release', () => {
  test("the README's uses: lines name this repository at its major tag", () => {
    const uses = [...read('README.md').matchAll(/uses: ([\w.-]+\/[\w.-]+)@(\S+)/g)].filter((m) => !/^(actions|google-github-actions)\//.test(m[1]!)); // third-party steps in the examples
    expect(uses.length).toBeGreaterThan(0);
    for (const m of uses) expect(`${m[1]}@${m[2]}`).toBe(`${repo}@${major}`);
  });

  test('the release workflow tags vX.Y.Z and moves the major tag', () => {
    const wf = read('.github/workflows/release.yml');
    expect(wf).toMatch(/git tag -a "v\$VERSION"/);
    expect(wf).toMatch(/git tag -fa "\$MAJOR"/);
    expect(wf).toMatch(/git push --force origin "\$MAJOR"/);
  });

  test("CHANGELOG.md has a section for package.json's version", () => {
    expect(read('CHANGELOG.md')).toMatch(new RegExp(`^## \\[${pkg.version.replace(/\./g, '\\.')}\\]`, 'm'));
  });

  test('action.yml has Marketplace branding', () => {
    const action = parseYaml(read('action.yml')) as { branding?: { icon?: string; color?: string } };
    expect(action.branding?.icon).toBeTruthy();
    expect(action.branding?.color).toBeTruthy();
  });
});
