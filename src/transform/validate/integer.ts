/** Whole numbers from item fields (numbers) or attributes (text). */

const INTEGER = /^-?[0-9]+$/;

/** The value as a safe integer, or undefined when it is not one. */
export function toInteger(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  const s = value.trim();
  if (!INTEGER.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}
