import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unsafePatternReason } from '../../../src/transform/rules/regex-guard.js';

test('ordinary feed patterns pass', () => {
  for (const p of ['^\\d+\\s*ml$', '\\b(?:XL|XXL)\\b', '[A-Z]{2,3}-\\d+', '(\\d+)x(\\d+)', '(?<size>\\d+) cm', 'a(?=b)', '(?:ab)+', '[(+*]+', '\\(new\\)', '(a?)', 'colou?r']) {
    assert.equal(unsafePatternReason(p), undefined, p);
  }
});

test('nested quantifiers, quantified alternations, back-references and long patterns are refused', () => {
  for (const p of ['(a+)+', '(a*)*b', '((ab)+c)+', '(a|b)*', '(?:x|y){2,}', '(a+){2,5}', '(\\w+\\s?)*', '(.)\\1', '(?<n>a)\\k<n>', '.*.*.*.*', 'a'.repeat(201)]) {
    assert.notEqual(unsafePatternReason(p), undefined, p);
  }
});

test('character classes and escapes are not mistaken for groups', () => {
  assert.equal(unsafePatternReason('[(]a+[)]+'), undefined);
  assert.equal(unsafePatternReason('\\(a+\\)+'), undefined);
});
