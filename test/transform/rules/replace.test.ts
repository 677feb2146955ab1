import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from './helpers.js';

test('literal find replaces every occurrence, $ in the replacement is literal', () => {
  assert.equal(run('- replace: {field: title, find: "Tshirt", with: "T-shirt"}', { title: 'Tshirt / Tshirt' })?.title, 'T-shirt / T-shirt');
  assert.equal(run('- replace: {field: title, find: "USD", with: "$1"}', { title: '5 USD' })?.title, '5 $1');
  assert.equal(run('- replace: {field: title, find: "a.b", with: "x"}', { title: 'a.b axb' })?.title, 'x axb');
});

test('literal find with ignoreCase', () => {
  assert.equal(run('- replace: {field: title, find: "xxl", with: "2XL", ignoreCase: true}', { title: 'Tee XXL xxl' })?.title, 'Tee 2XL 2XL');
});

test('pattern replaces with groups', () => {
  assert.equal(run('- replace: {field: title, pattern: "(\\\\d+)\\\\s*ml", with: "$1 ml"}', { title: '250ml and 33  ml' })?.title, '250 ml and 33 ml');
  assert.equal(run('- replace: {field: title, pattern: "\\\\s*\\\\(new\\\\)", with: "", ignoreCase: true}', { title: 'Tee (NEW)' })?.title, 'Tee');
});

test('several fields and attributes; an emptied field becomes null', () => {
  const item = run('- replace: {fields: [title, attrs.note], find: "!", with: ""}', { title: '!!!', attrs: { note: 'hi!' } });
  assert.equal(item?.title, null);
  assert.equal(item?.attrs.note, 'hi');
});

test('the same compiled pattern works on item after item', () => {
  const yaml = '- replace: {field: title, pattern: "a", with: "b"}';
  for (let i = 0; i < 3; i++) assert.equal(run(yaml, { title: 'aaa' })?.title, 'bbb');
});
