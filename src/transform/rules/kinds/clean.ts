/**
 * `clean: {fields, stripHtml, collapseSpaces, trim, case, maxLength, ellipsis, wordBoundary}`
 * tidies text fields. The steps run in one fixed order whatever the key order in the file:
 * strip HTML (and decode entities) → collapse spaces → trim → case → max length.
 */
import { at, boolean, fail, fieldList, integer, knownKeys, object, oneOf, string } from '../check.js';
import { collapseSpaces, stripHtml, toSentenceCase, toTitleCase, truncate } from '../text.js';
import type { CaseChange, CleanRule } from '../types.js';
import { textFieldsStep, type RuleKindDef } from './kind.js';

type CleanBody = CleanRule['clean'];

const CASES: readonly CaseChange[] = ['upper', 'lower', 'title', 'sentence'];
export const MAX_LENGTH_LIMIT = 1_000_000;

export const cleanKind: RuleKindDef<CleanBody> = {
  validate(ctx, raw) {
    const obj = object(ctx, raw);
    if (obj === undefined) return undefined;
    knownKeys(ctx, obj, ['field', 'fields', 'stripHtml', 'collapseSpaces', 'trim', 'case', 'maxLength', 'ellipsis', 'wordBoundary']);
    const fields = fieldList(ctx, obj, { writable: true, types: ['text'] });
    const body: CleanBody = {
      fields: fields ?? [],
      stripHtml: boolean(at(ctx, 'stripHtml'), obj.stripHtml, false),
      collapseSpaces: boolean(at(ctx, 'collapseSpaces'), obj.collapseSpaces, false),
      trim: boolean(at(ctx, 'trim'), obj.trim, false),
      ellipsis: obj.ellipsis === undefined ? '' : (string(at(ctx, 'ellipsis'), obj.ellipsis, { max: 10 }) ?? ''),
      wordBoundary: boolean(at(ctx, 'wordBoundary'), obj.wordBoundary, true),
    };
    if (obj.case !== undefined) {
      const c = oneOf(at(ctx, 'case'), obj.case, CASES);
      if (c !== undefined) body.case = c;
    }
    if (obj.maxLength !== undefined) {
      const n = integer(at(ctx, 'maxLength'), obj.maxLength, 1, MAX_LENGTH_LIMIT);
      if (n !== undefined) {
        body.maxLength = n;
        if ([...body.ellipsis].length >= n) fail(at(ctx, 'ellipsis'), `an ellipsis shorter than maxLength (${n})`, body.ellipsis);
      }
    } else if (obj.ellipsis !== undefined && obj.ellipsis !== '') {
      fail(at(ctx, 'ellipsis'), 'ellipsis only together with maxLength');
    }
    if (!body.stripHtml && !body.collapseSpaces && !body.trim && body.case === undefined && body.maxLength === undefined) {
      return fail(ctx, 'at least one of stripHtml, collapseSpaces, trim, case, maxLength');
    }
    return fields === undefined ? undefined : body;
  },

  compile(body) {
    const ops: ((s: string) => string)[] = [];
    if (body.stripHtml) ops.push(stripHtml);
    if (body.collapseSpaces) ops.push(collapseSpaces);
    if (body.trim) ops.push((s) => s.trim());
    if (body.case === 'upper') ops.push((s) => s.toUpperCase());
    else if (body.case === 'lower') ops.push((s) => s.toLowerCase());
    else if (body.case === 'title') ops.push(toTitleCase);
    else if (body.case === 'sentence') ops.push(toSentenceCase);
    const max = body.maxLength;
    if (max !== undefined) ops.push((s) => truncate(s, max, body.ellipsis, body.wordBoundary));
    return textFieldsStep(body.fields, (text) => {
      let s = text;
      for (const op of ops) s = op(s);
      return s;
    });
  },
};
