import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuplicateIdChecker, isHttpUrl, isIsoDate, parseFeedPrice } from '../../../src/transform/index.js';
import { toInteger, toMinorUnits } from '../../../src/transform/validate/index.js';

test('http(s) URLs only, absolute, with a host and no whitespace', () => {
  for (const ok of ['https://shop.example/p/1?a=1&b=2', 'http://shop.example', 'HTTPS://Shop.Example/x', 'https://u:p@h.example:8080/x#f']) {
    assert.equal(isHttpUrl(ok), true, ok);
  }
  for (const bad of ['', 'shop.example/p', '/p/1', 'ftp://h/x', 'https://', 'https:///x', 'https://h/a b', 'javascript:alert(1)', 'https://h/x\n']) {
    assert.equal(isHttpUrl(bad), false, bad);
  }
});

test('dates are real calendar dates', () => {
  for (const ok of ['2027-05-01', '2024-02-29', '2000-02-29']) assert.equal(isIsoDate(ok), true, ok);
  for (const bad of ['2027-5-1', '2027-02-29', '1900-02-29', '2027-13-01', '2027-04-31', '2027-05-01T00:00', '']) assert.equal(isIsoDate(bad), false, bad);
});

test('integers from numbers and text', () => {
  assert.equal(toInteger(7), 7);
  assert.equal(toInteger(' 14 '), 14);
  assert.equal(toInteger('7.5'), undefined);
  assert.equal(toInteger(7.5), undefined);
  assert.equal(toInteger('x'), undefined);
});

test('item prices: minor units pass through; attribute text is parsed in the item currency', () => {
  assert.deepEqual(toMinorUnits(1999, 'EUR'), { ok: true, minor: 1999 });
  assert.deepEqual(toMinorUnits('12,50', 'EUR'), { ok: true, minor: 1250 });
  assert.deepEqual(toMinorUnits('12.50 USD', 'EUR'), { ok: false, reason: 'invalid_currency' });
  assert.deepEqual(toMinorUnits('abc', 'EUR'), { ok: false, reason: 'invalid_price' });
  assert.deepEqual(toMinorUnits(0.5, 'EUR'), { ok: false, reason: 'invalid_price' });
});

test('feed prices are read strictly: "15.00 EUR" or "15.00"', () => {
  assert.deepEqual(parseFeedPrice('15.00 EUR', 'amount-currency'), { minor: 1500, currency: 'EUR' });
  assert.deepEqual(parseFeedPrice('1500 JPY', 'amount-currency'), { minor: 1500, currency: 'JPY' });
  assert.deepEqual(parseFeedPrice('15.5', 'amount', 'EUR'), { minor: 1550, currency: 'EUR' });
  assert.deepEqual(parseFeedPrice('1.250', 'amount'), { minor: 1250, currency: 'KWD' });
  assert.equal(parseFeedPrice('1.250', 'amount', 'EUR'), undefined);
  for (const bad of ['15,00 EUR', '15.00', 'EUR 15.00', '15.00 eur', '1,500.00 EUR', '15.001 EUR', '15.5 JPY']) {
    assert.equal(parseFeedPrice(bad, 'amount-currency'), undefined, bad);
  }
  assert.equal(parseFeedPrice('15.00 EUR', 'amount'), undefined);
});

test('duplicate ids are reported from the second occurrence on', () => {
  const ids = new DuplicateIdChecker();
  assert.equal(ids.isDuplicate('a'), false);
  assert.equal(ids.isDuplicate('b'), false);
  assert.equal(ids.isDuplicate('a'), true);
  assert.equal(ids.isDuplicate('a'), true);
  assert.equal(ids.size, 2);
  assert.equal(ids.duplicates, 2);
});
