/**
 * Field parsers shared by the profiles: text, prices, URLs, numbers, dates, enums.
 *
 * A `FieldReader` is reused across records (reset per record) and remembers the first problem, so a
 * mapper reads every field without branching and then either rejects once with that problem or
 * stores the record. Nothing here throws on bad data: bad data is a reject, not an exception.
 */
import type { Availability, Condition, RejectCode } from '../model.js';
import { CURRENCY_PATTERN, parsePrice } from '../money.js';

export interface FieldProblem {
  code: RejectCode;
  field: string;
  message: string;
}

const URL_PATTERN = /^https?:\/\/[^\s/?#]+[^\s]*$/i;
const INT_PATTERN = /^[+-]?\d+(?:\.0*)?$/;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const REPLACEMENT_CHAR = '\uFFFD';
const SCIENTIFIC_NUMBER = /^[0-9]+(?:[.,][0-9]+)?[eE]\+[0-9]+$/;

const AVAILABILITY: Record<string, Availability> = {
  'in stock': 'in_stock', in_stock: 'in_stock', instock: 'in_stock', available: 'in_stock', yes: 'in_stock',
  '1': 'in_stock', true: 'in_stock', 'en stock': 'in_stock', disponible: 'in_stock', 'auf lager': 'in_stock',
  'https://schema.org/instock': 'in_stock', 'http://schema.org/instock': 'in_stock',
  'out of stock': 'out_of_stock', out_of_stock: 'out_of_stock', outofstock: 'out_of_stock', 'sold out': 'out_of_stock',
  soldout: 'out_of_stock', unavailable: 'out_of_stock', no: 'out_of_stock', '0': 'out_of_stock', false: 'out_of_stock',
  'épuisé': 'out_of_stock', 'rupture de stock': 'out_of_stock', 'nicht verfügbar': 'out_of_stock',
  discontinued: 'out_of_stock',
  'https://schema.org/outofstock': 'out_of_stock', 'http://schema.org/outofstock': 'out_of_stock',
  preorder: 'preorder', 'pre-order': 'preorder', 'pre order': 'preorder', 'précommande': 'preorder',
  'https://schema.org/preorder': 'preorder',
  backorder: 'backorder', 'back order': 'backorder', 'available for order': 'backorder', 'on order': 'backorder',
  'https://schema.org/backorder': 'backorder',
};

const CONDITION: Record<string, Condition> = {
  new: 'new', neuf: 'new', nouveau: 'new', neu: 'new', 'https://schema.org/newcondition': 'new',
  used: 'used', occasion: 'used', 'd\'occasion': 'used', gebraucht: 'used', 'https://schema.org/usedcondition': 'used',
  refurbished: 'refurbished', 'reconditionné': 'refurbished', reconditionne: 'refurbished',
  'https://schema.org/refurbishedcondition': 'refurbished',
};

export function normalizeAvailability(text: string): Availability | undefined {
  return AVAILABILITY[text.trim().toLowerCase()];
}

export function normalizeCondition(text: string): Condition | undefined {
  return CONDITION[text.trim().toLowerCase()];
}

export class FieldReader {
  problem: FieldProblem | undefined;

  reset(): void {
    this.problem = undefined;
  }

  #fail(code: RejectCode, field: string, message: string): undefined {
    this.problem ??= { code, field, message };
    return undefined;
  }

  /** Trimmed text, or undefined when empty. Text holding U+FFFD is a problem: bytes were lost upstream. */
  text(field: string, value: string | undefined): string | undefined {
    if (value === undefined) return undefined;
    const t = value.trim();
    if (t === '') return undefined;
    if (t.includes(REPLACEMENT_CHAR)) {
      return this.#fail('RECORD_ENCODING', field, `${field} holds U+FFFD replacement characters: the text was damaged before it reached us; re-export the catalog in UTF-8`);
    }
    return t;
  }

  /** A required text field. */
  required(field: string, value: string | undefined, code: RejectCode = 'RECORD_MISSING_ID'): string | undefined {
    const t = this.text(field, value);
    if (t === undefined && this.problem === undefined) return this.#fail(code, field, `${field} is empty; every record needs one`);
    return t;
  }

  /**
   * A required offer id. Numeric ids (EANs used as SKUs) that went through a spreadsheet come back
   * as `4.00638E+12`: every such row would collide with others as a duplicate, so it is refused
   * with what happened instead. The test costs one `indexOf` on ordinary ids.
   */
  id(field: string, value: string | undefined): string | undefined {
    const t = this.required(field, value);
    if (t !== undefined && t.length <= 24 && (t.indexOf('E+') > 0 || t.indexOf('e+') > 0) && SCIENTIFIC_NUMBER.test(t)) {
      return this.#fail(
        'RECORD_BAD_ID',
        field,
        `${field} ${JSON.stringify(t)} is a number a spreadsheet wrote in scientific notation: its digits are lost; format the ${field} column as text and export again`,
      );
    }
    return t;
  }

  /** Price in minor units; `currency` receives the currency found in the text or the fallback. */
  price(field: string, value: string | undefined, fallbackCurrency: string | undefined, required: boolean): { minor: number; currency: string } | undefined {
    const t = value?.trim();
    if (t === undefined || t === '') {
      return required ? this.#fail('RECORD_MISSING_PRICE', field, `${field} is empty; every offer needs a price`) : undefined;
    }
    const parsed = parsePrice(t, fallbackCurrency);
    if (parsed === undefined || parsed.minor < 0) {
      return this.#fail('RECORD_BAD_PRICE', field, `${field} ${JSON.stringify(t.slice(0, 40))} is not a price; write it like 19.99 or 19,99 EUR`);
    }
    if (parsed.currency === undefined) {
      return this.#fail('RECORD_BAD_PRICE', field, `${field} ${JSON.stringify(t.slice(0, 40))} has no currency and none was configured; add a currency column or --currency`);
    }
    if (!CURRENCY_PATTERN.test(parsed.currency)) {
      return this.#fail('RECORD_BAD_CURRENCY', field, `currency ${JSON.stringify(parsed.currency)} is not an ISO 4217 code such as EUR`);
    }
    return { minor: parsed.minor, currency: parsed.currency };
  }

  currency(field: string, value: string | undefined): string | undefined {
    const t = value?.trim().toUpperCase();
    if (t === undefined || t === '') return undefined;
    if (!CURRENCY_PATTERN.test(t)) return this.#fail('RECORD_BAD_CURRENCY', field, `${field} ${JSON.stringify(t.slice(0, 20))} is not an ISO 4217 code such as EUR`);
    return t;
  }

  /**
   * An absolute http(s) URL, or undefined when empty. Spaces inside it (an image file named
   * `photo 1.jpg`, common in shop exports) are percent-encoded as browsers do, rather than losing the
   * offer; other white space (tab, newline) means the cell is not one URL.
   */
  url(field: string, value: string | undefined): string | undefined {
    const t = value?.trim();
    if (t === undefined || t === '') return undefined;
    const u = t.includes(' ') ? t.replaceAll(' ', '%20') : t;
    if (!URL_PATTERN.test(u)) {
      return this.#fail('RECORD_BAD_URL', field, `${field} ${JSON.stringify(t.slice(0, 80))} is not an absolute http(s) URL`);
    }
    return u;
  }

  /** Several URLs separated by commas, pipes, or white space; bad ones are a problem. */
  urls(field: string, value: string | undefined): string[] | undefined {
    const t = value?.trim();
    if (t === undefined || t === '') return undefined;
    const out: string[] = [];
    for (const part of t.split(/[\s,|]+/)) {
      if (part === '') continue;
      const u = this.url(field, part);
      if (u === undefined) return undefined;
      out.push(u);
    }
    return out.length > 0 ? out : undefined;
  }

  /** A whole number ("12", "12.000" as Magento writes quantities). */
  int(field: string, value: string | undefined, min = Number.MIN_SAFE_INTEGER): number | undefined {
    const t = value?.trim();
    if (t === undefined || t === '') return undefined;
    if (!INT_PATTERN.test(t)) return this.#fail('RECORD_BAD_NUMBER', field, `${field} ${JSON.stringify(t.slice(0, 20))} is not a whole number`);
    const n = Number.parseInt(t, 10);
    if (!Number.isSafeInteger(n) || n < min) return this.#fail('RECORD_BAD_NUMBER', field, `${field} ${n} is out of range (at least ${min})`);
    return n;
  }

  /** A calendar date written YYYY-MM-DD (validated: no 2027-02-30). */
  date(field: string, value: string | undefined): string | undefined {
    const t = value?.trim();
    if (t === undefined || t === '') return undefined;
    const m = DATE_PATTERN.exec(t);
    if (m) {
      const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
      if (d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3])) return t;
    }
    return this.#fail('RECORD_BAD_DATE', field, `${field} ${JSON.stringify(t.slice(0, 20))} is not a date written YYYY-MM-DD`);
  }

  availability(field: string, value: string | undefined): Availability | undefined {
    const t = value?.trim();
    if (t === undefined || t === '') return undefined;
    const a = normalizeAvailability(t);
    if (a === undefined) {
      return this.#fail('RECORD_BAD_VALUE', field, `${field} ${JSON.stringify(t.slice(0, 30))} is not one of in stock, out of stock, preorder, backorder`);
    }
    return a;
  }

  condition(field: string, value: string | undefined): Condition | undefined {
    const t = value?.trim();
    if (t === undefined || t === '') return undefined;
    const c = normalizeCondition(t);
    if (c === undefined) return this.#fail('RECORD_BAD_VALUE', field, `${field} ${JSON.stringify(t.slice(0, 30))} is not one of new, used, refurbished`);
    return c;
  }
}

/** Normalises a header name for alias matching: lower case, no accents, spaces/dashes as underscore. */
export function headerKey(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/^g:/, '')
    .replace(/[\s\-.]+/g, '_')
    .replace(/[^a-z0-9_]/g, '');
}
