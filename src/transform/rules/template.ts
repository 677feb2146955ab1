/**
 * Templates such as `{brand} {title}` or `{attrs.material}`: literal text with field
 * placeholders; `{{` and `}}` write literal braces. Parsed at validation, compiled into a list of
 * getters joined per item. A missing value renders as "" and the result is trimmed, so an empty
 * `{brand}` does not leave a leading space.
 */
import type { Item } from '../item.js';
import { fail, field, string, type Ctx } from './check.js';
import { resolveField, textGetter, type FieldRef, type TextGetter } from './fields.js';

type Part = { text: string } | { field: string };

/** Splits a template; returns an error text instead of parts when it is malformed. */
function split(template: string): Part[] | string {
  const parts: Part[] = [];
  let text = '';
  let i = 0;
  while (i < template.length) {
    const c = template[i];
    if ((c === '{' || c === '}') && template[i + 1] === c) {
      text += c;
      i += 2;
    } else if (c === '{') {
      const end = template.indexOf('}', i + 1);
      if (end < 0) return `a closing } for the placeholder opened at character ${i + 1}`;
      if (text !== '') parts.push({ text });
      text = '';
      parts.push({ field: template.slice(i + 1, end).trim() });
      i = end + 1;
    } else if (c === '}') {
      return `}} for a literal brace (lone } at character ${i + 1})`;
    } else {
      text += c;
      i += 1;
    }
  }
  if (text !== '') parts.push({ text });
  return parts;
}

/** Validates a template: syntax and every placeholder's field name. */
export function checkTemplate(ctx: Ctx, v: unknown): string | undefined {
  const template = string(ctx, v, { max: 10_000 });
  if (template === undefined) return undefined;
  const parts = split(template);
  if (typeof parts === 'string') return fail(ctx, parts, template);
  let ok = true;
  let out = '';
  for (const p of parts) {
    if ('text' in p) {
      out += p.text.replaceAll('{', '{{').replaceAll('}', '}}');
      continue;
    }
    const ref = field(ctx, p.field);
    if (ref === undefined) ok = false;
    else out += `{${ref.name}}`;
  }
  // The canonical spelling uses canonical field names, so equal templates hash equal.
  return ok ? out : undefined;
}

export function hasPlaceholders(template: string): boolean {
  const parts = split(template);
  return typeof parts !== 'string' && parts.some((p) => 'field' in p);
}

/** Compiles a validated template into a renderer. */
export function compileTemplate(template: string): (item: Item) => string {
  const parts = split(template) as Part[];
  const pieces: (string | TextGetter)[] = parts.map((p) => ('text' in p ? p.text : textGetter(resolveField(p.field) as FieldRef)));
  if (pieces.length === 1 && typeof pieces[0] === 'string') {
    const constant = pieces[0].trim();
    return () => constant;
  }
  return (item) => {
    let out = '';
    for (const p of pieces) out += typeof p === 'string' ? p : p(item);
    return out.trim();
  };
}
