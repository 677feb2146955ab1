/**
 * Exact decimal arithmetic for money rules. Amounts are integer minor units; rates, percents and
 * thresholds are decimals kept as text and turned into integer ratios once, at compile time. Every
 * product of a price and a ratio is computed exactly (Number while it stays a safe integer, BigInt
 * beyond) and rounded once, explicitly, half away from zero. No float ever carries a money value.
 */

/** value = units / 10^scale */
export interface Decimal {
  units: bigint;
  scale: number;
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?$/;
export const MAX_DECIMAL_SCALE = 12;
const MAX_DECIMAL_DIGITS = 24;

/**
 * Canonical text of a decimal written as a number or a string ("19.99", 19.99, "-7.5", ".5"), or
 * undefined when it is not a plain decimal. A number is read through its shortest round-trip
 * spelling, which is what the user typed: YAML's `19.99` is the double nearest 19.99, and
 * String(19.99) === "19.99". Exponent spellings are refused rather than guessed.
 */
export function decimalText(value: unknown): string | undefined {
  let s: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    s = String(value);
  } else if (typeof value === 'string') {
    s = value.trim();
  } else {
    return undefined;
  }
  const m = DECIMAL_TEXT.exec(s);
  if (!m) return undefined;
  const sign = m[1] === '-' ? '-' : '';
  const intDigits = (m[2] ?? '').replace(/^0+(?=\d)/, '');
  const fracDigits = (m[3] ?? '').replace(/0+$/, '');
  if (intDigits === '' && (m[3] ?? '') === '') return undefined;
  if (fracDigits.length > MAX_DECIMAL_SCALE || intDigits.length + fracDigits.length > MAX_DECIMAL_DIGITS) return undefined;
  const int = intDigits === '' ? '0' : intDigits;
  const body = fracDigits === '' ? int : `${int}.${fracDigits}`;
  return /^0(\.0*)?$/.test(body) ? '0' : sign + body;
}

/** Parses canonical (or any plain) decimal text; throws on text `decimalText` would refuse. */
export function parseDecimal(text: string): Decimal {
  const canonical = decimalText(text);
  if (canonical === undefined) throw new RangeError(`not a decimal: ${text}`);
  const negative = canonical.startsWith('-');
  const abs = negative ? canonical.slice(1) : canonical;
  const dot = abs.indexOf('.');
  const scale = dot < 0 ? 0 : abs.length - dot - 1;
  const units = BigInt(abs.replace('.', ''));
  return { units: negative ? -units : units, scale };
}

export const pow10 = (n: number): bigint => 10n ** BigInt(n);

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** A ratio num/den (den > 0) ready to multiply prices by, with Number copies for the fast path. */
export interface Ratio {
  num: bigint;
  den: bigint;
  numN: number;
  denN: number;
  /** Both fit in a safe integer, so the Number path may be tried. */
  fast: boolean;
}

export function ratio(num: bigint, den: bigint): Ratio {
  if (den <= 0n) throw new RangeError('ratio denominator must be positive');
  const g = gcd(num, den) || 1n;
  const n = num / g;
  const d = den / g;
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  const fast = n <= max && n >= -max && d <= max;
  return { num: n, den: d, numN: Number(n), denN: Number(d), fast };
}

const HALF_SAFE = 2 ** 52;

/**
 * round(value × r.num / r.den), half away from zero, exactly. Returns NaN when the result is not
 * a safe integer (a price beyond 9 × 10^15 minor units), which callers treat as "leave unchanged".
 */
export function mulRatio(value: number, r: Ratio): number {
  if (r.fast) {
    const p = value * r.numN;
    const a = Math.abs(p);
    if (a <= HALF_SAFE && r.denN <= HALF_SAFE) {
      const d = r.denN;
      // Float division of two safe integers may land on the next integer; the remainder fixes it.
      let q = Math.floor(a / d);
      let rem = a - q * d;
      if (rem < 0) {
        q -= 1;
        rem += d;
      } else if (rem >= d) {
        q += 1;
        rem -= d;
      }
      if (rem * 2 >= d) q += 1;
      return p < 0 ? -q : q;
    }
  }
  return mulRatioBig(BigInt(value), r.num, r.den);
}

function mulRatioBig(value: bigint, num: bigint, den: bigint): number {
  const p = value * num;
  const a = p < 0n ? -p : p;
  let q = a / den;
  if ((a % den) * 2n >= den) q += 1n;
  const out = p < 0n ? -q : q;
  return out <= BigInt(Number.MAX_SAFE_INTEGER) && out >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(out) : Number.NaN;
}

/** A decimal amount in minor units of a currency with `exponent` digits, rounded half away from zero. */
export function toMinorRounded(d: Decimal, exponent: number): number {
  if (exponent >= d.scale) return mulRatioBig(d.units, pow10(exponent - d.scale), 1n);
  return mulRatioBig(d.units, 1n, pow10(d.scale - exponent));
}

/** The decimal in minor units when it is a whole number of them, else undefined. */
export function toMinorExact(d: Decimal, exponent: number): number | undefined {
  if (exponent >= d.scale) return mulRatioBig(d.units, pow10(exponent - d.scale), 1n);
  const den = pow10(d.scale - exponent);
  return d.units % den === 0n ? Number(d.units / den) : undefined;
}

/** Integer floor division, exact for safe integers (see mulRatio). */
export function floorDiv(a: number, b: number): number {
  let q = Math.floor(a / b);
  const rem = a - q * b;
  if (rem < 0) q -= 1;
  else if (rem >= b) q += 1;
  return q;
}

/**
 * A threshold compared with integer minor units: floor(x) and whether x is whole. From these,
 * `minor > x` is `minor > floor`, `minor >= x` is `minor >= floor` only when x is whole, and so on,
 * all in integers.
 */
export interface MinorThreshold {
  floor: number;
  whole: boolean;
}

export function minorThreshold(d: Decimal, exponent: number): MinorThreshold {
  const num = d.units * (exponent >= d.scale ? pow10(exponent - d.scale) : 1n);
  const den = exponent >= d.scale ? 1n : pow10(d.scale - exponent);
  let q = num / den;
  const rem = num % den;
  if (rem < 0n) q -= 1n;
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  const clamped = q > max ? max : q < -max ? -max : q;
  return { floor: Number(clamped), whole: rem === 0n };
}
