/**
 * One record element's node tree, from its text alone: what a parallel load's shards do with the
 * records the ingest thread found. The fast path reads the common shapes; saxes, the reference,
 * reads the rest and reports errors (see fast-record.ts for the contract between the two).
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { FeedmillError } from '../../errors.js';
import type { XmlNode } from '../profile.js';
import { parseRecordFast } from './fast-record.js';
import { saxesReason } from './saxes-error.js';

/** The record that `text` holds (blanks or comments may stand before it), its start tag on `line`. */
export function parseRecord(text: string, line: number, path: string): XmlNode {
  return parseRecordFast(text, line) ?? parseRecordWithSaxes(text, line, path);
}

/**
 * The reference path for one record: saxes inside a synthetic root, node lines shifted so that the
 * record's start tag is on `line` as in the source file.
 */
export function parseRecordWithSaxes(text: string, line: number, path: string): XmlNode {
  const p = new SaxesParser({ xmlns: false });
  const stack: XmlNode[] = [];
  let record: XmlNode | undefined;
  let elements = 0;
  let shift = 0;
  let rootOpen = false;
  p.on('error', (e: Error) => {
    // Records found by the byte scanner are parsed here for the first time: a malformed one fails
    // the load, and the ingest thread then reports saxes's exact error from a validating pass.
    throw new FeedmillError('FEEDMILL_XML_MALFORMED', `the record ${path} is not well-formed: ${saxesReason(e)}`, { path });
  });
  p.on('opentag', (tag) => {
    const t = tag as SaxesTagPlain;
    if (!rootOpen) {
      rootOpen = true; // the synthetic root
      return;
    }
    if (stack.length === 0) {
      shift = line - p.line;
      elements++;
    }
    const node: XmlNode = { name: t.name, attrs: t.attributes, text: '', children: [], line: p.line + shift };
    const parent = stack[stack.length - 1];
    if (parent !== undefined) parent.children.push(node);
    else record = node;
    stack.push(node);
  });
  p.on('closetag', () => {
    stack.pop();
  });
  const onText = (t: string) => {
    const top = stack[stack.length - 1];
    if (top !== undefined) top.text += t;
  };
  p.on('text', onText);
  p.on('cdata', onText);
  p.write(`<${ROOT}>`).write(text).write(`</${ROOT}>`).close();
  if (record === undefined || elements !== 1) {
    throw new FeedmillError('FEEDMILL_XML_MALFORMED', `the record ${path} is not one XML element (${elements} found)`, { path });
  }
  return record;
}

/** A name no feed uses for its records (XML reserves names starting with "xml"). */
const ROOT = 'xml-feedmill-batch';
