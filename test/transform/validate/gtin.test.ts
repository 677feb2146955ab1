import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkGtin, gs1CheckDigit, isValidGtin } from '../../../src/transform/index.js';
import { compileOutputCheck } from '../../../src/transform/channels/output-check.js';
import type { FieldDefinition } from '../../../src/transform/channels/definition.js';

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

test('leading zeros a spreadsheet dropped are restored; a GTIN in scientific notation says so', () => {
  assert.deepEqual(checkGtin('36000291452'), { ok: true, gtin: '036000291452' }, 'a UPC-A read as a number');
  assert.deepEqual(checkGtin('614141000036'), { ok: true, gtin: '614141000036' });
  assert.deepEqual(checkGtin('36000291453'), { ok: false, reason: 'invalid_gtin_check_digit' }, 'the check still proves it');
  assert.deepEqual(checkGtin('123456'), { ok: false, reason: 'invalid_gtin_length' }, 'too short to be a GTIN that lost zeros');
  for (const excel of ['4.00638E+12', '4,00638E+12', '4.00638e12']) {
    assert.deepEqual(checkGtin(excel), { ok: false, reason: 'gtin_scientific_notation' }, excel);
  }
  fc.assert(
    fc.property(fc.constantFrom(7, 11), fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 6, maxLength: 10 }), (n, digits) => {
      const payload = `0${digits.padStart(n - 1, '1').slice(0, n - 1)}`;
      const gtin = payload + String(gs1CheckDigit(payload));
      const stripped = gtin.replace(/^0+/, '');
      fc.pre(stripped.length >= 7);
      const r = checkGtin(stripped);
      // The same GTIN: equal once padded to 14 digits, as GS1 compares them.
      assert.ok(r.ok && r.gtin.padStart(14, '0') === gtin.padStart(14, '0'), `${stripped} → ${JSON.stringify(r)}`);
    }),
  );
});

test('feedmill validate: a GTIN missing its leading zeros in a feed is a length problem, not a character one', () => {
  const check = compileOutputCheck({ name: 'g:gtin', source: 'gtin', kind: 'gtin' } as unknown as FieldDefinition, []);
  const none = new Map<string, string[]>();
  assert.equal(check('036000291452', none), null);
  assert.equal(check('36000291452', none), 'invalid_gtin_length');
  assert.equal(check('0360-0029-1452', none), 'invalid_gtin_characters');
  assert.equal(check('4.00638E+12', none), 'gtin_scientific_notation');
});
