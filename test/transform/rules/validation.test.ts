import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRuleSet, validateRuleSet, type Issue } from '../../../src/transform/rules/index.js';
import { FeedmillError, isFeedmillError } from '../../../src/errors.js';

/** The FEEDMILL_RULES_INVALID error of `yaml`; fails the test if it parses. */
function invalid(yaml: string): FeedmillError {
  try {
    parseRuleSet(yaml, { format: 'yaml', path: 'rules/acme.yaml' });
  } catch (err) {
    assert.ok(isFeedmillError(err, 'FEEDMILL_RULES_INVALID'), String(err));
    return err;
  }
  assert.fail('expected FEEDMILL_RULES_INVALID');
}

function pick(d: Readonly<Record<string, unknown>>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, d[k]]));
}

test('an unknown rule key names the rule and the closest valid key', () => {
  const err = invalid('all:\n  - name: cheap\n    drop: {field: price, lt: 1}\n    whne: {field: brand, empty: true}\n');
  assert.deepEqual(pick(err.details, ['source', 'section', 'index', 'rule', 'field', 'path', 'suggestion']), {
    source: 'rules/acme.yaml',
    section: 'all',
    index: 0,
    rule: 'cheap',
    field: 'whne',
    path: 'all[0].whne',
    suggestion: 'when',
  });
});

test('unknown keys inside a rule body and a condition suggest the closest key', () => {
  assert.equal(invalid('- price: {percnt: 10}').details.suggestion, 'percent');
  assert.equal(invalid('- drop: {field: price, gte: 1, ignorecase: true}').details.suggestion, 'ignoreCase');
  assert.equal(invalid('- utm: {sorce: google}').details.suggestion, 'source');
  assert.equal(invalid('chanels: {}').details.suggestion, 'channels');
  assert.equal(invalid('- dorp: {field: price, lt: 1}').details.suggestion, 'drop');
});

test('an unknown item field names the closest field', () => {
  const err = invalid('channels:\n  meta:\n    - keep: {field: prise, gt: 0}\n');
  assert.deepEqual(pick(err.details, ['section', 'index', 'field', 'path', 'got', 'suggestion']), {
    section: 'meta',
    index: 0,
    field: 'field',
    path: 'channels.meta[0].keep.field',
    got: 'prise',
    suggestion: 'price',
  });
});

test('every problem is listed, each with its rule index', () => {
  const err = invalid('- drop: {field: price, gte: abc}\n- set: {field: title}\n- clean: {field: title}\n- price: {round: {ending: 1, step: 1}}\n');
  const issues = err.details.issues as Issue[];
  assert.deepEqual(
    issues.map((i) => [i.index, i.path]),
    [
      [0, 'all[0].drop.gte'],
      [1, 'all[1].set.value'],
      [2, 'all[2].clean'],
      [3, 'all[3].price.round.ending'],
    ],
  );
});

test('wrong types and values say what is expected', () => {
  const cases: [string, string][] = [
    ['- keep: {field: price, gt: 1e-7}', 'all[0].keep.gt'],
    ['- keep: {field: price, gt: "12abc"}', 'all[0].keep.gt'],
    ['- keep: {field: title, empty: "yes"}', 'all[0].keep.empty'],
    ['- keep: {field: title, contains: x, all: []}', 'all[0].keep.field'],
    ['- keep: {field: title}', 'all[0].keep'],
    ['- set: {field: id, value: x}', 'all[0].set.field'],
    ['- set: {field: currency, value: USD}', 'all[0].set.field'],
    ['- set: {field: price, template: "{title}"}', 'all[0].set.template'],
    ['- set: {field: price, value: ""}', 'all[0].set.value'],
    ['- set: {field: availability, value: soon}', 'all[0].set.value'],
    ['- set: {field: title, template: "{brand"}', 'all[0].set.template'],
    ['- set: {field: title, template: "{bran}"}', 'all[0].set.template'],
    ['- clean: {field: price, trim: true}', 'all[0].clean.field'],
    ['- clean: {field: title, case: shouting}', 'all[0].clean.case'],
    ['- clean: {field: title, maxLength: 0}', 'all[0].clean.maxLength'],
    ['- replace: {field: title, find: a}', 'all[0].replace.with'],
    ['- replace: {field: title, find: a, pattern: b, with: c}', 'all[0].replace.find'],
    ['- replace: {field: title, pattern: "(", with: c}', 'all[0].replace.pattern'],
    ['- price: {percent: -100}', 'all[0].price.percent'],
    ['- price: {field: title, percent: 1}', 'all[0].price.field'],
    ['- price: {round: {ending: 0.99, mode: sideways}}', 'all[0].price.round.mode'],
    ['- convert: {to: usd, rates: {EUR: 1.1}}', 'all[0].convert.to'],
    ['- convert: {to: USD, rates: {EUR: 0}}', 'all[0].convert.rates.EUR'],
    ['- convert: {to: USD, rates: {euro: 1.1}}', 'all[0].convert.rates.euro'],
    ['- category: {}', 'all[0].category.table'],
    ['- category: {table: {A: ""}}', 'all[0].category.table.A'],
    ['- category: {table: {A: "1"}, default: "2", onMiss: drop}', 'all[0].category.onMiss'],
    ['- utm: {}', 'all[0].utm'],
    ['- utm: {params: {"a b": x}}', 'all[0].utm.params.a b'],
    ['- utm: {source: x, params: {utm_source: y}}', 'all[0].utm.params.utm_source'],
    ['- {keep: {field: price, gt: 0}, drop: {field: price, gt: 0}}', 'all[0].drop'],
    ['- {}', 'all[0]'],
    ['- just text', 'all[0]'],
    ['channels: {"Google Shopping": []}', 'channels.Google Shopping'],
    ['version: 2', 'version'],
    ['- {name: a, drop: {field: price, lt: 1}}\n- {name: a, drop: {field: price, lt: 2}}', 'all[1].name'],
  ];
  for (const [yaml, path] of cases) {
    const err = invalid(yaml);
    assert.equal(err.details.path, path, yaml);
    assert.equal(typeof err.details.expected, 'string', yaml);
  }
});

test('backtracking bombs are refused at validation', () => {
  for (const pattern of ['(a+)+$', '(a|aa)*b', '(\\\\w+\\\\s?)*$', '(.*a){12}', '\\\\1', '.*a.*b.*c.*d']) {
    const err = invalid(`- keep: {field: title, matches: "${pattern}"}`);
    assert.equal(err.details.path, 'all[0].keep.matches', pattern);
  }
  assert.equal(invalid(`- replace: {field: title, pattern: "${'a'.repeat(201)}", with: ""}`).details.field, 'pattern');
});

test('syntax errors give the line', () => {
  try {
    parseRuleSet('all:\n  - drop: {field: price\n  - x: [', { format: 'yaml' });
    assert.fail('expected an error');
  } catch (err) {
    assert.ok(isFeedmillError(err, 'FEEDMILL_RULES_INVALID'));
    assert.equal(err.details.format, 'yaml');
    assert.equal(typeof err.details.line, 'number');
  }
  try {
    parseRuleSet('{\n  "all": [,]\n}', { format: 'json' });
    assert.fail('expected an error');
  } catch (err) {
    assert.ok(isFeedmillError(err, 'FEEDMILL_RULES_INVALID'));
    assert.equal(err.details.line, 2);
  }
  assert.throws(() => parseRuleSet('a: 1\na: 2\n', { format: 'yaml' }), (e) => isFeedmillError(e, 'FEEDMILL_RULES_INVALID') && e.details.line === 2);
});

test('validation is idempotent: a canonical spec validates to itself', () => {
  const spec = parseRuleSet(
    `all:
  - {name: a, when: {field: sale_price, empty: false}, keep: {field: price, gte: 1, lte: "99.90"}}
  - set: {field: quantity, value: 3}
  - clean: {field: title, maxLength: 20, ellipsis: "…", case: title}
  - replace: {field: title, pattern: "x+", with: y, ignoreCase: true}
  - price: {percent: 7.50, add: "-1.0", round: whole}
  - convert: {to: USD, rates: {EUR: 1.10}}
  - category: {separator: "/", table: {"a/b": 5}, default: 1}
  - utm: {source: s, params: {x: "{id}"}}
`,
    { format: 'yaml' },
  );
  assert.deepEqual(validateRuleSet(JSON.parse(JSON.stringify(spec))), spec);
  assert.deepEqual(structuredClone(spec), spec);
});

test('empty files and a bare list', () => {
  assert.deepEqual(parseRuleSet('', { format: 'yaml' }), { version: 1, all: [], channels: {} });
  assert.deepEqual(parseRuleSet('# nothing yet\n', { format: 'yaml' }), { version: 1, all: [], channels: {} });
  assert.equal(parseRuleSet('[{"drop": {"field": "price", "lt": 1}}]', {}).all.length, 1);
});
