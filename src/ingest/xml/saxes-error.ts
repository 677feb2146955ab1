/**
 * saxes's error messages, made to say what to fix. saxes starts each message with its own
 * `line:column:`, which is not the file's line when records were read elsewhere (the byte scanner
 * skips them): callers give the position themselves, so it is dropped here.
 */

const POSITION = /^(?:[^\n]*?:)?\d+:\d+: /;

/** The most common feed mistake: an HTML entity in XML, which knows only five. */
const UNDEFINED_ENTITY =
  'an undefined entity: XML knows only &amp; &lt; &gt; &quot; &apos;, so HTML entities such as &nbsp; or &eacute; must be written as the character itself or as a numeric reference (&#160;), or the text wrapped in CDATA';

/** Blank lines before `<?xml`, which a PHP script prints from an include's trailing newline. */
const LATE_DECLARATION = 'an XML declaration must be at the start of the document';

export function saxesReason(e: Error): string {
  const reason = (e.message.split('\n')[0] ?? '').replace(POSITION, '');
  if (reason === 'undefined entity.') return UNDEFINED_ENTITY;
  if (reason.startsWith(LATE_DECLARATION)) return `${LATE_DECLARATION}: remove what comes before <?xml (blank lines printed by the script that writes the feed, usually)`;
  return reason;
}

/**
 * Lines back to a `&` that saxes took for the start of an entity reference and read on from, up to
 * the end of the document (`Ben & Jerry`: no `;` ever comes), or undefined. saxes then reports an
 * unclosed tag at the end of the file, far from the mistake. Read from saxes's pending entity text
 * (not in its typings: should it go, the plain message stays).
 */
export function linesSinceOpenEntity(parser: object, e: Error): number | undefined {
  const pending = (parser as { entity?: unknown }).entity;
  if (typeof pending !== 'string' || pending === '' || saxesReason(e).includes('entity')) return undefined;
  let n = 0;
  for (let i = pending.indexOf('\n'); i !== -1; i = pending.indexOf('\n', i + 1)) n++;
  return n;
}
