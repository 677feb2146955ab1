import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { currencyExponent, formatAmount, formatPrice, parsePrice } from '../../src/money.js';

test('merchant price spellings parse to minor units', () => {
  const cases: [string, string | undefined, number, string | undefined][] = [
    ['19.99', 'EUR', 1999, 'EUR'],
    ['19,99 €', undefined, 1999, 'EUR'],
    ['1 299,00', 'EUR', 129900, 'EUR'],
    ['1.299,00 EUR', undefined, 129900, 'EUR'],
    ['15.00 USD', 'EUR', 1500, 'USD'],
    ['EUR 15', undefined, 1500, 'EUR'],
    ['52', 'USD', 5200, 'USD'],
    ['1.299.000', 'EUR', 129900000, 'EUR'],
    ['0.005', 'EUR', 1, 'EUR'],
    ['1500', 'JPY', 1500, 'JPY'],
  ];
  for (const [text, dflt, minor, currency] of cases) {
    assert.deepEqual(parsePrice(text, dflt), { minor, currency }, text);
  }
});

test('non-prices are undefined', () => {
  for (const t of ['', 'abc', '12a', '--1', '1,2,3x']) assert.equal(parsePrice(t, 'EUR'), undefined, t);
});

test('format then parse is the identity on minor units', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 1e12 }), fc.constantFrom('EUR', 'JPY', 'KWD', 'USD'), (minor, cur) => {
      const back = parsePrice(formatPrice(minor, cur), undefined);
      assert.deepEqual(back, { minor, currency: cur });
    }),
  );
});

test('prices format like a digit-string reading of the minor units, over the whole safe range', () => {
  // Reference: BigInt digits, the decimal point `exp` digits from the right, zero-padded.
  const reference = (minor: number, currency: string): string => {
    const exp = currencyExponent(currency);
    const digits = (minor < 0 ? -BigInt(minor) : BigInt(minor)).toString().padStart(exp + 1, '0');
    const amount = exp === 0 ? digits : `${digits.slice(0, digits.length - exp)}.${digits.slice(digits.length - exp)}`;
    return `${minor < 0 ? '-' : ''}${amount} ${currency}`;
  };
  fc.assert(
    fc.property(
      fc.oneof(fc.integer({ min: -100_000, max: 100_000 }), fc.maxSafeInteger(), fc.constantFrom(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 0, 9, 10, 99, 100, 101, 2 ** 47 * 100 - 1)),
      fc.constantFrom('EUR', 'USD', 'JPY', 'KWD', 'GBP'),
      (minor, cur) => {
        const want = reference(minor, cur);
        assert.equal(formatPrice(minor, cur), want);
        assert.equal(formatAmount(minor, cur), want.slice(0, want.lastIndexOf(' ')));
      },
    ),
    { numRuns: 5000 },
  );
});

test('the "169.95 EUR" fast path agrees with the general parser', () => {
  // A leading space sends the same text down the general path (which trims): both must agree.
  fc.assert(
    fc.property(
      fc.bigInt({ min: 0n, max: 999_999_999_999_999n }),
      fc.constantFrom('', '.5', ',5', '.05', ',99', '.9'),
      fc.constantFrom('EUR', 'USD', 'JPY', 'KWD', 'GBP'),
      fc.constantFrom('EUR', undefined),
      (units, frac, code, dflt) => {
        const text = `${units}${frac} ${code}`;
        assert.deepEqual(parsePrice(text, dflt), parsePrice(` ${text}`, dflt), text);
      },
    ),
  );
});
