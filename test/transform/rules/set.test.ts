import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rules, run, makeItem } from './helpers.js';

test('template builds a field from others, trimmed when a placeholder is empty', () => {
  assert.equal(run('- set: {field: title, template: "{brand} {title}"}', { brand: 'Acme', title: 'Hoodie' })?.title, 'Acme Hoodie');
  assert.equal(run('- set: {field: title, template: "{brand} {title}"}', { brand: null, title: 'Hoodie' })?.title, 'Hoodie');
  assert.equal(
    run('- set: {field: title, template: "{title} ({attrs.material}, {color})"}', { title: 'Tee', color: 'red', attrs: { material: 'cotton' } })?.title,
    'Tee (cotton, red)',
  );
});

test('money and whole-number fields render as text in templates', () => {
  const item = run('- set: {field: attrs.label, template: "{price} {currency} x{quantity}"}', { price: 1999, quantity: 3 });
  assert.equal(item?.attrs.label, '19.99 EUR x3');
  assert.equal(run('- set: {field: attrs.label, template: "{price}"}', { price: 1500, currency: 'JPY' })?.attrs.label, '1500');
});

test('{{ and }} write literal braces', () => {
  assert.equal(run('- set: {field: title, template: "{{x}} {title}"}', { title: 'T' })?.title, '{x} T');
});

test('snake_case and feed names are accepted for fields', () => {
  assert.equal(run('- set: {field: google_product_category, value: "212"}')?.googleCategory, '212');
  assert.equal(run('- set: {field: age_group, template: "{item_group_id}"}', { groupId: 'g1' })?.ageGroup, 'g1');
});

test('ifEmpty only fills empty fields', () => {
  const yaml = '- set: {field: brand, template: "{attrs.maker}", ifEmpty: true}';
  assert.equal(run(yaml, { brand: null, attrs: { maker: 'Acme' } })?.brand, 'Acme');
  assert.equal(run(yaml, { brand: ' ', attrs: { maker: 'Acme' } })?.brand, 'Acme');
  assert.equal(run(yaml, { brand: 'Zeta', attrs: { maker: 'Acme' } })?.brand, 'Zeta');
});

test('an empty result clears the field; attributes are removed', () => {
  assert.equal(run('- set: {field: description, value: ""}', { description: 'x' })?.description, null);
  const item = run('- set: {field: attrs.note, template: "{attrs.missing}"}', { attrs: { note: 'old' } });
  assert.equal(item !== null && 'note' in item.attrs, false);
});

test('money values are major units of the item currency; whole-number fields take whole numbers', () => {
  assert.equal(run('- set: {field: shipping_price, value: 4.99}')?.shippingPrice, 499);
  assert.equal(run('- set: {field: shippingPrice, value: "4.5"}', { currency: 'JPY' })?.shippingPrice, 5);
  assert.equal(run('- set: {field: salePrice, value: ""}', { salePrice: 999 })?.salePrice, null);
  assert.equal(run('- set: {field: quantity, value: 0}', { quantity: 7 })?.quantity, 0);
});

test('changed counts only items whose value moved', () => {
  const r = rules('- set: {field: brand, value: Acme}');
  r.apply(makeItem({ brand: 'Acme' }));
  r.apply(makeItem({ brand: 'Zeta' }));
  assert.deepEqual(
    r.counters().rules.map((c) => [c.applied, c.changed]),
    [[2, 1]],
  );
});

test('when restricts set to matching items', () => {
  const yaml = '- when: {field: category, contains: Sale}\n  set: {field: attrs.custom_label_0, value: sale}';
  assert.equal(run(yaml, { category: 'Sale > Tops' })?.attrs.custom_label_0, 'sale');
  assert.equal(run(yaml, { category: 'Tops' })?.attrs.custom_label_0, undefined);
});
