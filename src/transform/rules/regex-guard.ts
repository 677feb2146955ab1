/**
 * User-written regular expressions (`matches`, `replace.pattern`) run on every item with V8's
 * backtracking engine, so a pattern such as `(a+)+$` can stall a worker for hours on one title.
 * Patterns are checked once, at validation, and refused when they carry the shapes that make
 * backtracking explode; the check is deliberately conservative (a refused pattern can always be
 * rewritten, a stalled export cannot be rescued).
 *
 * Refused: patterns over MAX_PATTERN_LENGTH; back-references; a repeated group (`*`, `+`, `{n,}`,
 * `{n,m}` with m > 1) whose body holds a quantifier or an alternation (`(a+)+`, `(a|ab)*`); more
 * than MAX_UNBOUNDED_QUANTIFIERS unbounded quantifiers in one pattern (`.*a.*b.*c.*d` is
 * polynomial of high degree on a long description).
 */

export const MAX_PATTERN_LENGTH = 200;
export const MAX_UNBOUNDED_QUANTIFIERS = 3;

interface Frame {
  quantified: boolean;
  alternation: boolean;
}

interface Quantifier {
  length: number;
  repeats: boolean;
  unbounded: boolean;
}

function readQuantifier(p: string, i: number): Quantifier | undefined {
  const c = p[i];
  let q: Quantifier | undefined;
  if (c === '*' || c === '+') q = { length: 1, repeats: true, unbounded: true };
  else if (c === '?') q = { length: 1, repeats: false, unbounded: false };
  else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i, i + 24));
    if (!m) return undefined;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    q = { length: m[0].length, repeats: max > 1, unbounded: max === Infinity };
  }
  if (q !== undefined && p[i + q.length] === '?') q.length += 1; // lazy: same backtracking
  return q;
}

/** What makes the pattern unsafe (a noun phrase), or undefined when it is acceptable. Assumes it compiles. */
export function unsafePatternReason(pattern: string): string | undefined {
  if (pattern.length > MAX_PATTERN_LENGTH) return `more than ${MAX_PATTERN_LENGTH} characters`;
  const stack: Frame[] = [{ quantified: false, alternation: false }];
  let unbounded = 0;
  let i = 0;
  const afterAtom = (frame: Frame, groupBody?: Frame): string | undefined => {
    const q = readQuantifier(pattern, i);
    if (q === undefined) return undefined;
    i += q.length;
    if (q.unbounded) unbounded += 1;
    if (groupBody !== undefined && q.repeats && (groupBody.quantified || groupBody.alternation)) {
      return groupBody.quantified
        ? 'a repeated group that holds another quantifier (nested quantifiers backtrack exponentially)'
        : 'a repeated group that holds an alternation (overlapping alternatives backtrack exponentially)';
    }
    frame.quantified = true;
    return undefined;
  };
  while (i < pattern.length) {
    const frame = stack[stack.length - 1] as Frame;
    const c = pattern[i] as string;
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9]/.test(next) || next === 'k') return 'a back-reference';
      i += 2;
      const reason = afterAtom(frame);
      if (reason) return reason;
    } else if (c === '[') {
      i += 1;
      while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
      i += 1;
      const reason = afterAtom(frame);
      if (reason) return reason;
    } else if (c === '(') {
      const look = /^\(\?(?:[:=!]|<[=!]|<[A-Za-z_$][\w$]*>)?/.exec(pattern.slice(i, i + 40));
      i += look ? look[0].length : 1;
      stack.push({ quantified: false, alternation: false });
    } else if (c === ')') {
      i += 1;
      const body = stack.length > 1 ? (stack.pop() as Frame) : { quantified: false, alternation: false };
      const parent = stack[stack.length - 1] as Frame;
      const reason = afterAtom(parent, body);
      if (reason) return reason;
      if (body.quantified) parent.quantified = true;
    } else if (c === '|') {
      frame.alternation = true;
      i += 1;
    } else {
      i += 1;
      const reason = afterAtom(frame);
      if (reason) return reason;
    }
    if (unbounded > MAX_UNBOUNDED_QUANTIFIERS) {
      return `more than ${MAX_UNBOUNDED_QUANTIFIERS} unbounded quantifiers (* + {n,})`;
    }
  }
  return undefined;
}
