/**
 * Turns the parsed YAML/JSON of a channel file into a validated `ChannelDefinition`, once, so that
 * the compiler and the hot path never re-check. Every problem is FEEDMILL_CHANNEL_INVALID with the
 * file and the path of the offending key (`fields[3].maxLength`); a misspelled key names the right one.
 */
import { closest } from '../../config.js';
import { CSV_DELIMITERS, isXmlName, type CsvQuoting } from '../../emit/index.js';
import { FeedmillError } from '../../errors.js';
import { isValidName } from '../../names.js';
import type { PriceStyle } from '../validate/index.js';
import { sourceNames, templatePlaceholders, isKnownSource } from './source.js';
import {
  CHANNEL_FORMATS,
  FIELD_KINDS,
  type ChannelDefinition,
  type ChannelLimits,
  type CsvLayout,
  type FieldDefinition,
  type ListOptions,
  type XmlLayout,
} from './definition.js';

type Raw = Record<string, unknown>;

const CHANNEL_KEYS = ['name', 'title', 'spec', 'description', 'format', 'fileName', 'xml', 'csv', 'fields', 'limits'];
const XML_KEYS = ['namespaces', 'header', 'item', 'footer', 'indent'];
const CSV_KEYS = ['delimiter', 'quoting'];
const LIMIT_KEYS = ['maxItems', 'maxBytes', 'onOverLimit'];
const FIELD_KEYS = [
  'name', 'source', 'template', 'default', 'kind', 'required', 'recommended', 'maxLength', 'onTooLong', 'onInvalid',
  'values', 'style', 'allowZero', 'below', 'min', 'max', 'list', 'attributes', 'write',
];
const LIST_KEYS = ['split', 'join', 'max'];
/** Placeholders a header or footer may use. */
export const CONTEXT_PLACEHOLDERS = ['catalog', 'generatedAt', 'title', 'link', 'namespaces'];
const FILE_NAME = /^[a-z0-9][a-z0-9._-]*\.(xml|csv|tsv|txt)$/;

class Checker {
  readonly file: string;
  constructor(file: string) {
    this.file = file;
  }

  fail(path: string, message: string, extra: Record<string, unknown> = {}): never {
    throw new FeedmillError('FEEDMILL_CHANNEL_INVALID', `${this.file}: ${path}: ${message}`, { file: this.file, path, ...extra });
  }

  object(value: unknown, path: string, keys: readonly string[]): Raw {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) this.fail(path, 'must be a mapping (key: value)');
    for (const key of Object.keys(value)) {
      if (!keys.includes(key)) {
        const suggestion = closest(key, keys);
        this.fail(`${path}.${key}`, `unknown key ${key}; did you mean ${suggestion}?`, { key, suggestion });
      }
    }
    return value as Raw;
  }

  string(raw: Raw, key: string, path: string, required: true): string;
  string(raw: Raw, key: string, path: string, required?: false): string | undefined;
  string(raw: Raw, key: string, path: string, required = false): string | undefined {
    const v = raw[key];
    if (v === undefined || v === null) {
      if (required) this.fail(`${path}.${key}`, 'is required');
      return undefined;
    }
    // YAML reads `default: 0` or `values: {1: x}` as numbers; channel values are text.
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (typeof v !== 'string') this.fail(`${path}.${key}`, 'must be text');
    if (required && v === '') this.fail(`${path}.${key}`, 'must not be empty');
    return v;
  }

  oneOf<T extends string>(raw: Raw, key: string, path: string, allowed: readonly T[], dflt: T): T {
    const v = this.string(raw, key, path) ?? dflt;
    if (!(allowed as readonly string[]).includes(v)) {
      this.fail(`${path}.${key}`, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`, { allowed, suggestion: closest(v, allowed) });
    }
    return v as T;
  }

  bool(raw: Raw, key: string, path: string, dflt: boolean): boolean {
    const v = raw[key];
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'boolean') this.fail(`${path}.${key}`, 'must be true or false');
    return v;
  }

  int(raw: Raw, key: string, path: string, min: number): number | undefined {
    const v = raw[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) this.fail(`${path}.${key}`, `must be a whole number >= ${min}`);
    return v;
  }

  stringMap(value: unknown, path: string): Record<string, string> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) this.fail(path, 'must be a mapping');
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(value)) {
      if (typeof v !== 'string' && typeof v !== 'number') this.fail(`${path}.${k}`, 'must be text');
      out[k] = String(v);
    }
    return out;
  }
}

export function parseChannelDefinition(data: unknown, file: string, expectedName?: string): ChannelDefinition {
  const c = new Checker(file);
  const raw = c.object(data, '$', CHANNEL_KEYS);
  const name = c.string(raw, 'name', '$', true);
  if (!isValidName(name)) c.fail('$.name', `${JSON.stringify(name)} is not a valid channel name (lower-case letters, digits, - _ .)`);
  if (expectedName !== undefined && name !== expectedName) {
    c.fail('$.name', `the name ${name} does not match the file name ${expectedName}`, { name, expected: expectedName });
  }
  const format = c.oneOf(raw, 'format', '$', CHANNEL_FORMATS, 'xml');
  const fileName = c.string(raw, 'fileName', '$', true);
  if (!FILE_NAME.test(fileName)) c.fail('$.fileName', 'must be a plain lower-case file name ending in .xml, .csv, .tsv or .txt');
  const spec = c.string(raw, 'spec', '$', true);
  if (!/^https?:\/\/\S+$/.test(spec)) c.fail('$.spec', 'must be the URL of the official specification');

  let xml: XmlLayout | undefined;
  let csv: CsvLayout | undefined;
  if (format === 'xml') {
    if (raw.csv !== undefined) c.fail('$.csv', 'only csv and tsv channels have a csv section');
    xml = parseXmlLayout(c, raw.xml);
  } else {
    if (raw.xml !== undefined) c.fail('$.xml', 'only xml channels have an xml section');
    csv = parseCsvLayout(c, raw.csv ?? {}, format);
  }

  if (!Array.isArray(raw.fields) || raw.fields.length === 0) c.fail('$.fields', 'must be a non-empty list of fields');
  const fields = (raw.fields as unknown[]).map((f, i) => parseField(c, f, `$.fields[${i}]`, format, xml));
  const names = new Set<string>();
  fields.forEach((f, i) => {
    if (f.write && names.has(f.name)) c.fail(`$.fields[${i}].name`, `${f.name} is written twice`);
    names.add(f.name);
  });
  fields.forEach((f, i) => {
    if (f.below === undefined) return;
    const target = fields.find((g) => g.name === f.below);
    if (target === undefined || target.kind !== 'price') c.fail(`$.fields[${i}].below`, `${f.below} is not a price field of this channel`);
  });

  const limits = parseLimits(c, raw.limits ?? {});
  return Object.freeze({
    name,
    title: c.string(raw, 'title', '$', true),
    spec,
    description: c.string(raw, 'description', '$'),
    format,
    fileName,
    xml,
    csv,
    fields: Object.freeze(fields),
    limits,
    file,
  });
}

function parseXmlLayout(c: Checker, value: unknown): XmlLayout {
  if (value === undefined) c.fail('$.xml', 'xml channels need an xml section (header, item, footer)');
  const raw = c.object(value, '$.xml', XML_KEYS);
  const namespaces = raw.namespaces === undefined ? {} : c.stringMap(raw.namespaces, '$.xml.namespaces');
  for (const [prefix, uri] of Object.entries(namespaces)) {
    if (!isXmlName(prefix) || prefix.includes(':') || prefix.toLowerCase().startsWith('xml')) c.fail(`$.xml.namespaces.${prefix}`, 'is not a valid prefix');
    if (uri === '') c.fail(`$.xml.namespaces.${prefix}`, 'needs a namespace URI');
  }
  const header = c.string(raw, 'header', '$.xml', true);
  const footer = c.string(raw, 'footer', '$.xml', true);
  for (const [key, text] of [['header', header], ['footer', footer]] as const) {
    for (const p of templatePlaceholders(text)) {
      if (!CONTEXT_PLACEHOLDERS.includes(p)) c.fail(`$.xml.${key}`, `unknown placeholder {${p}}; use ${CONTEXT_PLACEHOLDERS.map((x) => `{${x}}`).join(', ')}`);
    }
  }
  const item = c.string(raw, 'item', '$.xml', true);
  if (!isXmlName(item)) c.fail('$.xml.item', `${item} is not an XML element name`);
  const indent = c.string(raw, 'indent', '$.xml') ?? '';
  if (!/^ *$/.test(indent)) c.fail('$.xml.indent', 'must be spaces only');
  return Object.freeze({ namespaces: Object.freeze(namespaces), header, item, footer, indent });
}

function parseCsvLayout(c: Checker, value: unknown, format: 'csv' | 'tsv'): CsvLayout {
  const raw = c.object(value, '$.csv', CSV_KEYS);
  const delimiter = c.string(raw, 'delimiter', '$.csv') ?? (format === 'tsv' ? '\t' : ',');
  if (!CSV_DELIMITERS.includes(delimiter)) c.fail('$.csv.delimiter', 'must be one of , ; | or a tab');
  if (format === 'tsv' && delimiter !== '\t') c.fail('$.csv.delimiter', 'a tsv channel is tab-delimited');
  if (format === 'csv' && delimiter === '\t') c.fail('$.csv.delimiter', 'use format: tsv for tab-delimited files');
  const quoting = c.oneOf<CsvQuoting>(raw, 'quoting', '$.csv', ['rfc4180', 'none'], format === 'tsv' ? 'none' : 'rfc4180');
  if (quoting === 'none' && delimiter !== '\t') c.fail('$.csv.quoting', 'only tab-delimited files can go without quoting');
  return Object.freeze({ delimiter, quoting });
}

function parseLimits(c: Checker, value: unknown): ChannelLimits {
  const raw = c.object(value, '$.limits', LIMIT_KEYS);
  return Object.freeze({
    maxItems: c.int(raw, 'maxItems', '$.limits', 1),
    maxBytes: c.int(raw, 'maxBytes', '$.limits', 1),
    onOverLimit: c.oneOf(raw, 'onOverLimit', '$.limits', ['refuse', 'split'], 'refuse'),
  });
}

function parseField(c: Checker, value: unknown, path: string, format: 'xml' | 'csv' | 'tsv', xml: XmlLayout | undefined): FieldDefinition {
  const raw = c.object(value, path, FIELD_KEYS);
  const name = c.string(raw, 'name', path, true);
  if (format === 'xml') {
    if (!isXmlName(name)) c.fail(`${path}.name`, `${name} is not an XML element name`);
    const prefix = name.includes(':') ? name.slice(0, name.indexOf(':')) : undefined;
    if (prefix !== undefined && xml?.namespaces[prefix] === undefined) c.fail(`${path}.name`, `the prefix ${prefix} is not declared in xml.namespaces`);
  } else if (/[\r\n]/.test(name)) {
    c.fail(`${path}.name`, 'a column name cannot hold a line break');
  }
  const source = parseSource(c, raw.source, `${path}.source`);
  const template = c.string(raw, 'template', path);
  if ((source === undefined) === (template === undefined)) c.fail(path, 'needs exactly one of source and template', { field: name });
  if (template !== undefined) {
    const placeholders = templatePlaceholders(template);
    if (placeholders.length === 0) c.fail(`${path}.template`, 'has no {placeholder}; use default: for a constant');
    for (const p of placeholders) if (!isKnownSource(p)) c.fail(`${path}.template`, `unknown placeholder {${p}}`, { suggestion: closest(p, sourceNames()) });
  }
  const kind = c.oneOf(raw, 'kind', path, FIELD_KINDS, 'text');
  const required = c.bool(raw, 'required', path, false);
  const onInvalid = c.oneOf(raw, 'onInvalid', path, ['exclude', 'omit'], required ? 'exclude' : 'omit');
  if (required && onInvalid === 'omit') c.fail(`${path}.onInvalid`, 'a required field cannot be omitted');
  const field: FieldDefinition = {
    name,
    source,
    template,
    default: c.string(raw, 'default', path),
    kind,
    required,
    recommended: c.bool(raw, 'recommended', path, false),
    maxLength: c.int(raw, 'maxLength', path, 1),
    onTooLong: c.oneOf(raw, 'onTooLong', path, ['truncate', 'reject'], 'reject'),
    onInvalid,
    values: raw.values === undefined ? undefined : c.stringMap(raw.values, `${path}.values`),
    style: raw.style === undefined ? undefined : c.oneOf<PriceStyle>(raw, 'style', path, ['amount-currency', 'amount'], 'amount-currency'),
    allowZero: raw.allowZero === undefined ? undefined : c.bool(raw, 'allowZero', path, false),
    below: c.string(raw, 'below', path),
    min: c.int(raw, 'min', path, Number.MIN_SAFE_INTEGER),
    max: c.int(raw, 'max', path, Number.MIN_SAFE_INTEGER),
    list: raw.list === undefined ? undefined : parseList(c, raw.list, `${path}.list`),
    attributes: raw.attributes === undefined ? undefined : c.stringMap(raw.attributes, `${path}.attributes`),
    write: c.bool(raw, 'write', path, true),
  };
  checkKindOptions(c, field, path, format);
  return Object.freeze(field);
}

function parseSource(c: Checker, value: unknown, path: string): readonly string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = Array.isArray(value) ? (value as unknown[]) : [value];
  if (list.length === 0) c.fail(path, 'must name at least one source');
  return Object.freeze(
    list.map((s, i) => {
      if (typeof s !== 'string' || !isKnownSource(s)) {
        const text = String(s);
        c.fail(Array.isArray(value) ? `${path}[${i}]` : path, `unknown source ${text}; use an item field (${sourceNames().join(', ')}) or attrs.<key>`, {
          suggestion: closest(text, sourceNames()),
        });
      }
      return s;
    }),
  );
}

function parseList(c: Checker, value: unknown, path: string): ListOptions {
  const raw = c.object(value, path, LIST_KEYS);
  const split = c.string(raw, 'split', path) ?? '\n';
  const join = c.string(raw, 'join', path) ?? ',';
  if (split === '' || join === '') c.fail(path, 'split and join must not be empty');
  const max = c.int(raw, 'max', path, 1);
  if (max === undefined) c.fail(`${path}.max`, 'is required');
  return Object.freeze({ split, join, max });
}

/** Options that only make sense for some kinds are refused elsewhere, so that a typo cannot hide. */
function checkKindOptions(c: Checker, f: FieldDefinition, path: string, format: 'xml' | 'csv' | 'tsv'): void {
  const only = (key: keyof FieldDefinition, kinds: readonly string[]) => {
    if (f[key] !== undefined && !kinds.includes(f.kind)) c.fail(`${path}.${key}`, `only applies to kind ${kinds.join(' or ')}`);
  };
  only('values', ['enum']);
  only('style', ['price']);
  only('allowZero', ['price']);
  only('below', ['price']);
  only('min', ['integer']);
  only('max', ['integer']);
  only('maxLength', ['text', 'html-free', 'url']);
  if (f.kind === 'enum') {
    if (f.values === undefined || Object.keys(f.values).length === 0) c.fail(`${path}.values`, 'an enum field needs its values mapping');
    const keys = Object.keys(f.values).map((k) => k.trim().toLowerCase());
    if (new Set(keys).size !== keys.length) c.fail(`${path}.values`, 'two keys differ only by case or spaces');
  }
  if (f.min !== undefined && f.max !== undefined && f.min > f.max) c.fail(`${path}.min`, 'is above max');
  // Its XML value is sub-elements written by the field itself: no attributes beside them.
  if (f.kind === 'shipping' && f.attributes !== undefined) c.fail(`${path}.attributes`, 'a shipping field has sub-elements, not attributes');
  if (f.attributes !== undefined) {
    if (format !== 'xml') c.fail(`${path}.attributes`, 'only xml channels have element attributes');
    for (const [attr, template] of Object.entries(f.attributes)) {
      if (!isXmlName(attr)) c.fail(`${path}.attributes.${attr}`, 'is not an XML attribute name');
      for (const p of templatePlaceholders(template)) if (!isKnownSource(p)) c.fail(`${path}.attributes.${attr}`, `unknown placeholder {${p}}`);
    }
  }
  if (f.list !== undefined && !['text', 'html-free', 'url', 'gtin', 'shipping'].includes(f.kind)) c.fail(`${path}.list`, 'lists hold text, URLs, GTINs or shipping entries');
}
