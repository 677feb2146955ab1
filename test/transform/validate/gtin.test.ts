import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkGtin, gs1CheckDigit, isValidGtin } from '../../../src/transform/index.js';

test('real GTINs of every length pass', () => {
  for (const g of ['96385074', '036000291452', '4006381333931', '10614141000415', '5901234123457']) {
    assert.deepEqual(checkGtin(g), { ok: true, gtin: g }, g);
  }
});

test('spaces and hyphens between digit groups are removed', () => {
  assert.deepEqual(checkGtin('400 6381 33393-1'), { ok: true, gtin: '4006381333931' });
});

test('each problem has its own reason', () => {
  assert.deepEqual(checkGtin('4006381333932'), { ok: false, reason: 'invalid_gtin_check_digit' });
  assert.deepEqual(checkGtin('400638133393'), { ok: false, reason: 'invalid_gtin_check_digit' });
  assert.deepEqual(checkGtin('12345'), { ok: false, reason: 'invalid_gtin_length' });
  assert.deepEqual(checkGtin('0000000000000'), { ok: false, reason: 'invalid_gtin_length' });
  assert.deepEqual(checkGtin('40063813339X1'), { ok: false, reason: 'invalid_gtin_characters' });
  assert.deepEqual(checkGtin(''), { ok: false, reason: 'invalid_gtin_characters' });
});

test('appending the computed check digit always gives a valid GTIN; changing one digit never does', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(7, 11, 12, 13).chain((n) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n })),
      fc.nat(),
      fc.integer({ min: 1, max: 9 }),
      (payload, pos, delta) => {
        fc.pre(!/^0+$/.test(payload));
        const gtin = payload + String(gs1CheckDigit(payload));
        assert.equal(isValidGtin(gtin), true);
        const i = pos % gtin.length;
        const changed = gtin.slice(0, i) + String((Number(gtin[i]) + delta) % 10) + gtin.slice(i + 1);
        // mod 10 with weights 1 and 3 detects every single-digit error
        assert.equal(isValidGtin(changed), false);
      },
    ),
  );
});
