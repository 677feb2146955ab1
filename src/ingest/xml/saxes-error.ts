/**
 * saxes's error messages, made to say what to fix. saxes starts each message with its own
 * `line:column:`, which is not the file's line when records were read elsewhere (the byte scanner
 * skips them): callers give the position themselves, so it is dropped here.
 */

const POSITION = /^(?:[^\n]*?:)?\d+:\d+: /;

/** The most common feed mistake: an HTML entity in XML, which knows only five. */
const UNDEFINED_ENTITY =
  'an undefined entity: XML knows only &amp; &lt; &gt; &quot; &apos;, so HTML entities such as &nbsp; or &eacute; must be written as the character itself or as a numeric reference (&#160;), or the text wrapped in CDATA';

export function saxesReason(e: Error): string {
  const reason = (e.message.split('\n')[0] ?? '').replace(POSITION, '');
  return reason === 'undefined entity.' ? UNDEFINED_ENTITY : reason;
}
