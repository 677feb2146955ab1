/**
 * `replace: {fields, find | pattern, with, ignoreCase}` replaces every occurrence of a literal
 * (`find`) or of a regular expression (`pattern`) in text fields. With `pattern`, `with` may use
 * `$1`, `$<name>` and `$&`; with `find`, `with` is taken literally.
 */
import { at, boolean, fail, fieldList, knownKeys, object, string } from '../check.js';
import { checkPattern } from '../condition.js';
import type { ReplaceRule } from '../types.js';
import { textFieldsStep, type RuleKindDef } from './kind.js';

type ReplaceBody = ReplaceRule['replace'];

const escapeRegExp = (s: string): string => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

export const replaceKind: RuleKindDef<ReplaceBody> = {
  validate(ctx, raw) {
    const obj = object(ctx, raw);
    if (obj === undefined) return undefined;
    knownKeys(ctx, obj, ['field', 'fields', 'find', 'pattern', 'with', 'ignoreCase']);
    const fields = fieldList(ctx, obj, { writable: true, types: ['text'] });
    const ignoreCase = boolean(at(ctx, 'ignoreCase'), obj.ignoreCase, false);
    const replacement = obj.with === undefined ? fail(at(ctx, 'with'), 'the replacement text ("" to delete)') : string(at(ctx, 'with'), obj.with);
    if ((obj.find === undefined) === (obj.pattern === undefined)) {
      return fail(at(ctx, 'find'), 'exactly one of find (literal text) or pattern (regular expression)');
    }
    const body: Partial<ReplaceBody> = { ignoreCase };
    if (obj.find !== undefined) body.find = string(at(ctx, 'find'), obj.find, { min: 1 });
    else body.pattern = checkPattern(at(ctx, 'pattern'), obj.pattern, ignoreCase);
    if (fields === undefined || replacement === undefined || (body.find ?? body.pattern) === undefined) return undefined;
    return { fields, ...body, with: replacement, ignoreCase } as ReplaceBody;
  },

  compile(body) {
    const replacement = body.with;
    let apply: (s: string) => string;
    if (body.find !== undefined && !body.ignoreCase) {
      const find = body.find;
      // A function replacement keeps `$` in the text literal.
      apply = (s) => (s.includes(find) ? s.replaceAll(find, () => replacement) : s);
    } else if (body.find !== undefined) {
      const re = new RegExp(escapeRegExp(body.find), 'gi');
      apply = (s) => s.replace(re, () => replacement);
    } else {
      // replace() with a global RegExp always starts at 0 and resets lastIndex: safe to share.
      const re = new RegExp(body.pattern as string, body.ignoreCase ? 'gi' : 'g');
      apply = (s) => s.replace(re, replacement);
    }
    return textFieldsStep(body.fields, apply);
  },
};
