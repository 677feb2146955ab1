/**
 * PrestaShop installer fixture files (`data/<entity>.xml`, `langs/<lang>/data/<entity>.xml`) read
 * as lookup tables: every `<entity ...>` element with its attributes and the text of its child
 * elements, in document order (PrestaShop numbers entities by that order when it installs them).
 *
 * These companion files are small tables, read whole; the same safety rules as the record stream
 * apply: sax in strict mode, only the XML entities, DOCTYPE refused, and a size cap.
 */
import { gunzipSync } from 'node:zlib';
import sax from 'sax';
import { FeedmillError } from '../../../errors.js';
import type { ProfileContext } from '../../profile.js';

/** Largest companion file read as a lookup table. */
export const MAX_SIBLING_BYTES = 64 * 1024 * 1024;

export interface Entity {
  attrs: Record<string, string>;
  /** Child element name → its text (the last one wins when repeated). */
  texts: Record<string, string>;
  line: number;
}

/**
 * The text of a companion file: plain or gzip (inflated up to the cap, so a gzip bomb stops there),
 * UTF-8 with or without BOM. Undefined when absent.
 */
export function readSiblingText(ctx: ProfileContext, relativePath: string): string | undefined {
  const raw = ctx.readSibling(relativePath);
  if (raw === undefined) return undefined;
  let buf = raw;
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      buf = gunzipSync(raw, { maxOutputLength: MAX_SIBLING_BYTES + 1 });
    } catch (e) {
      const tooLarge = (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
      throw new FeedmillError(
        tooLarge ? 'FEEDMILL_ARCHIVE_TOO_LARGE' : 'FEEDMILL_ARCHIVE_CORRUPT',
        tooLarge ? `${relativePath} inflates past ${MAX_SIBLING_BYTES} bytes; a companion file is a lookup table` : `${relativePath} is a damaged gzip file: ${(e as Error).message}`,
        { profile: 'prestashop', file: relativePath, max: MAX_SIBLING_BYTES },
        { cause: e },
      );
    }
  }
  if (buf.length > MAX_SIBLING_BYTES) {
    throw new FeedmillError(
      'FEEDMILL_PROFILE_MISMATCH',
      `${relativePath} next to ${ctx.sourceName} holds ${buf.length} bytes; companion files are lookup tables of at most ${MAX_SIBLING_BYTES} bytes`,
      { profile: 'prestashop', file: relativePath, bytes: buf.length, max: MAX_SIBLING_BYTES },
    );
  }
  const text = buf.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Reads the `element` entities of `relativePath` next to the source; undefined when absent. */
export function readTable(ctx: ProfileContext, relativePath: string, element: string): Entity[] | undefined {
  const text = readSiblingText(ctx, relativePath);
  return text === undefined ? undefined : parseEntities(text, element, relativePath);
}

export function parseEntities(xml: string, element: string, file: string): Entity[] {
  const out: Entity[] = [];
  const p = sax.parser(true, { trim: false, normalize: false, position: true, strictEntities: true } as sax.SAXOptions);
  let current: Entity | undefined;
  let depthInEntity = 0;
  let childName: string | undefined;
  let text = '';
  p.onerror = (e: Error) => {
    throw new FeedmillError(
      'FEEDMILL_XML_MALFORMED',
      `${file} is not well-formed at line ${p.line + 1}: ${e.message.split('\n')[0]}`,
      { file, line: p.line + 1 },
      { cause: e },
    );
  };
  p.ondoctype = () => {
    throw new FeedmillError('FEEDMILL_XML_DOCTYPE', `${file} declares a DOCTYPE at line ${p.line + 1}; DOCTYPEs are refused: remove it`, {
      file,
      line: p.line + 1,
    });
  };
  p.onopentag = (tag) => {
    if (current === undefined) {
      if (tag.name === element) {
        current = { attrs: { ...(tag.attributes as Record<string, string>) }, texts: {}, line: p.line + 1 };
        depthInEntity = 0;
      }
      return;
    }
    depthInEntity++;
    if (depthInEntity === 1) {
      childName = tag.name;
      text = '';
    }
  };
  const onText = (t: string) => {
    if (current !== undefined && depthInEntity >= 1) text += t;
  };
  p.ontext = onText;
  p.oncdata = onText;
  p.onclosetag = () => {
    if (current === undefined) return;
    if (depthInEntity === 0) {
      out.push(current);
      current = undefined;
      return;
    }
    if (depthInEntity === 1 && childName !== undefined) current.texts[childName] = text.replace(/\r\n?/g, '\n').trim();
    depthInEntity--;
  };
  p.write(xml).close();
  return out;
}
