/**
 * `utm: {source, medium, campaign, term, content, id, params, fields, mode}` tags links with
 * campaign parameters. Values are templates (`campaign: "{brand}"`); a value that renders empty
 * is not added. Only absolute http(s) URLs are tagged; others count as missed and stay as they are.
 */
import { at, fail, fieldList, knownKeys, object, oneOf } from '../check.js';
import { resolveField, textGetter, textSetter, type FieldRef } from '../fields.js';
import type { Item } from '../../item.js';
import { checkTemplate, compileTemplate, hasPlaceholders } from '../template.js';
import type { UtmRule } from '../types.js';
import { encodeParam, setEncodedParams } from '../url-params.js';
import { CHANGED, MISSED, UNCHANGED, type RuleKindDef } from './kind.js';

type UtmBody = UtmRule['utm'];

const SHORT = { source: 'utm_source', medium: 'utm_medium', campaign: 'utm_campaign', term: 'utm_term', content: 'utm_content', id: 'utm_id' } as const;
const PARAM_NAME = /^[A-Za-z0-9_.~-]{1,64}$/;
const HTTP_URL = /^https?:\/\/[^\s/?#]/i;

export const utmKind: RuleKindDef<UtmBody> = {
  validate(ctx, raw) {
    const obj = object(ctx, raw);
    if (obj === undefined) return undefined;
    knownKeys(ctx, obj, [...Object.keys(SHORT), 'params', 'fields', 'field', 'mode']);
    const fields = fieldList(ctx, obj, { writable: true, types: ['text'] }, ['link']);
    const mode = oneOf(at(ctx, 'mode'), obj.mode, ['replace', 'append'] as const, 'replace');
    const params: Record<string, string> = {};
    let ok = fields !== undefined && mode !== undefined;
    for (const [key, name] of Object.entries(SHORT)) {
      if (obj[key] === undefined) continue;
      const t = checkTemplate(at(ctx, key), obj[key]);
      if (t === undefined) ok = false;
      else params[name] = t;
    }
    if (obj.params !== undefined) {
      const pctx = at(ctx, 'params');
      const extra = object(pctx, obj.params, 'an object of parameter name → value template');
      if (extra === undefined) return undefined;
      for (const [name, value] of Object.entries(extra)) {
        const c = at(pctx, name);
        if (!PARAM_NAME.test(name)) {
          fail(c, 'a parameter name of letters, digits, _ . ~ -', name);
          ok = false;
        } else if (params[name] !== undefined) {
          const short = Object.entries(SHORT).find(([, n]) => n === name)?.[0];
          fail(c, `${name} once (it is also given as ${short ?? name})`, name);
          ok = false;
        } else {
          const t = checkTemplate(c, value);
          if (t === undefined) ok = false;
          else params[name] = t;
        }
      }
    }
    if (Object.keys(params).length === 0) return fail(ctx, `at least one of ${Object.keys(SHORT).join(', ')} or params`);
    return ok ? { fields: fields as string[], params, mode: mode as UtmBody['mode'] } : undefined;
  },

  compile(body) {
    // Constant values are encoded once here; only templates with placeholders render per item.
    const params = Object.entries(body.params).map(([name, t]) => {
      const render = compileTemplate(t);
      const prefix = `${encodeParam(name)}=`;
      if (hasPlaceholders(t)) return { name, prefix, render, piece: undefined };
      const value = render(makeConstantItem());
      return { name, prefix, render, piece: value === '' ? null : prefix + encodeParam(value) };
    });
    const targets = body.fields.map((name) => {
      const ref = resolveField(name) as FieldRef;
      return { read: textGetter(ref), write: textSetter(ref) };
    });
    return (item) => {
      const values: [string, string][] = [];
      for (const p of params) {
        if (p.piece === null) continue;
        if (p.piece !== undefined) {
          values.push([p.name, p.piece]);
          continue;
        }
        const v = p.render(item);
        if (v !== '') values.push([p.name, p.prefix + encodeParam(v)]);
      }
      let outcome = UNCHANGED;
      for (const t of targets) {
        const raw = t.read(item);
        const url = raw.trim();
        if (!HTTP_URL.test(url)) {
          outcome |= MISSED;
          continue;
        }
        if (values.length === 0) continue;
        const next = setEncodedParams(url, values, body.mode);
        if (next !== raw) {
          t.write(item, next);
          outcome |= CHANGED;
        }
      }
      return outcome;
    };
  },
};

/** A constant template ignores its item; this stands in for one. */
function makeConstantItem(): Item {
  return {} as Item;
}
