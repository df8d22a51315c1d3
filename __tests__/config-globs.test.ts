/**
 * Dataset globs run on RE2 (issue 14, the class of #8): a config's globs meet file names a pull
 * request chooses, and with a backtracking engine `*a*a*a*a*a*a*b` against a 50-character name
 * takes seconds (a 100-character one, hours). Nothing here measures time: a backtracking
 * engine would not finish these within the test timeout.
 */
import { describe, expect, it } from '@jest/globals';
import { globToRegExp, matchesAny } from '../src/config.js';

describe('globs match in linear time', () => {
  const hostile = ['*a*a*a*a*a*a*a*a*b', '**a**a**a**a**a**a**b', '{*a*a*a,*b*b*b}*a*a*a*c', '*a?*a?*a?*a?*a?*b'];

  it.each(hostile)('%s against long hostile names gives the right verdict', (glob) => {
    const name = 'a'.repeat(2_000);
    expect(globToRegExp(glob).test(name)).toBe(false);
    expect(globToRegExp(glob).test(`${'a/'.repeat(1_000)}x`)).toBe(false);
    expect(matchesAny(`${name}.jsonl`, [glob, '**/*.jsonl'])).toBe(true);
  });

  it('the ordinary globs still mean what they did', () => {
    expect(globToRegExp('*a*a*a*a*a*a*a*a*b').test('xaaaaaaaaxb')).toBe(true);
    expect(globToRegExp('**a**a**a**a**a**a**b').test('a/a/a/a/a/a/b')).toBe(true);
    expect(globToRegExp('data/{train,valid}.jsonl').test('data/valid.jsonl')).toBe(true);
    expect(globToRegExp('data/*.jsonl').test('data/sub/x.jsonl')).toBe(false);
    expect(globToRegExp('data/**/*.jsonl').test('data/sub/x.jsonl')).toBe(true);
    expect(globToRegExp('a+b(c).jsonl').test('a+b(c).jsonl')).toBe(true);
  });
});
