import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { run, rules, makeItem } from './helpers.js';
import { setQueryParams } from '../../../src/transform/rules/url-params.js';

const UTM = '- utm: {source: google, medium: cpc, campaign: "{brand} {category}"}';

test('parameters are appended after the query and before the fragment, URL-encoded', () => {
  assert.equal(
    run(UTM, { link: 'https://shop.example/p/1?color=red#reviews', brand: 'Acme & Co', category: 'Men > Tops' })?.link,
    'https://shop.example/p/1?color=red&utm_source=google&utm_medium=cpc&utm_campaign=Acme%20%26%20Co%20Men%20%3E%20Tops#reviews',
  );
  assert.equal(run('- utm: {source: google}', { link: 'https://shop.example/' })?.link, 'https://shop.example/?utm_source=google');
});

test('replace overwrites in place and removes duplicates; append leaves existing values', () => {
  const link = 'https://s.example/p?utm_source=old&a=1&utm_source=dup#x';
  assert.equal(run('- utm: {source: google}', { link })?.link, 'https://s.example/p?utm_source=google&a=1#x');
  assert.equal(run('- utm: {source: google, medium: cpc, mode: append}', { link })?.link, 'https://s.example/p?utm_source=old&a=1&utm_source=dup&utm_medium=cpc#x');
});

test('empty values are not added; non-http links are left alone and counted as missed', () => {
  assert.equal(run('- utm: {source: google, campaign: "{brand}"}', { brand: null, link: 'https://s.example/' })?.link, 'https://s.example/?utm_source=google');
  const r = rules('- utm: {source: google}');
  const item = makeItem({ link: 'ftp://s.example/file' });
  r.apply(item);
  assert.equal(item.link, 'ftp://s.example/file');
  const none = makeItem({ link: null });
  r.apply(none);
  assert.equal(none.link, null);
  assert.equal(r.counters().rules[0]?.missed, 2);
});

test('extra params, other URL fields', () => {
  const item = run('- utm: {fields: [link, attrs.mobile_link], params: {ref: "feed-{id}"}}', {
    id: 'A 1',
    link: 'https://s.example/a',
    attrs: { mobile_link: 'https://m.s.example/a?x' },
  });
  assert.equal(item?.link, 'https://s.example/a?ref=feed-A%201');
  assert.equal(item?.attrs.mobile_link, 'https://m.s.example/a?x&ref=feed-A%201');
});

const queryKey = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/).filter((k) => !k.startsWith('utm_'));
const queryValue = fc.stringMatching(/^[A-Za-z0-9%._~-]{0,8}$/);
const urlArb = fc.record({
  host: fc.domain(),
  path: fc.array(fc.stringMatching(/^[A-Za-z0-9._~-]{1,8}$/), { maxLength: 3 }),
  query: fc.array(fc.tuple(queryKey, queryValue), { maxLength: 4 }),
  fragment: fc.option(fc.stringMatching(/^[A-Za-z0-9/?=&-]{0,10}$/), { nil: undefined }),
});
const paramValue = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });

function build(u: { host: string; path: string[]; query: [string, string][]; fragment: string | undefined }): string {
  const q = u.query.map(([k, v]) => `${k}=${v}`).join('&');
  return `https://${u.host}/${u.path.join('/')}${q === '' ? '' : `?${q}`}${u.fragment === undefined ? '' : `#${u.fragment}`}`;
}

test('property: existing query and fragment are preserved, values decode back, replace is idempotent', () => {
  fc.assert(
    fc.property(urlArb, paramValue, paramValue, fc.constantFrom('replace', 'append') as fc.Arbitrary<'replace' | 'append'>, (u, source, campaign, mode) => {
      const url = build(u);
      const params = [['utm_source', source], ['utm_campaign', campaign]] as const;
      const once = setQueryParams(url, params, mode);
      const twice = setQueryParams(once, params, mode);
      assert.equal(twice, once, 'idempotent');
      const hash = url.indexOf('#');
      if (hash >= 0) assert.ok(once.endsWith(url.slice(hash)), 'fragment kept last');
      const base = hash < 0 ? url : url.slice(0, hash);
      assert.ok(once.startsWith(base.endsWith('?') ? base.slice(0, -1) : base), 'merchant URL and its query kept as written');
      const parsed = new URL(once);
      assert.equal(parsed.searchParams.get('utm_source'), source);
      assert.equal(parsed.searchParams.get('utm_campaign'), campaign);
    }),
    { numRuns: 300 },
  );
});

test('property: replacing with another value and back equals replacing once', () => {
  fc.assert(
    fc.property(urlArb, paramValue, paramValue, (u, a, b) => {
      const url = build(u);
      const first = setQueryParams(url, [['utm_source', a]], 'replace');
      const round = setQueryParams(setQueryParams(first, [['utm_source', b]], 'replace'), [['utm_source', a]], 'replace');
      assert.equal(round, first);
    }),
    { numRuns: 200 },
  );
});

test('a lone surrogate in a value is encoded as U+FFFD instead of throwing', () => {
  assert.equal(setQueryParams('https://s.example/', [['utm_term', 'a\uD800b']], 'replace'), 'https://s.example/?utm_term=a%EF%BF%BDb');
});
