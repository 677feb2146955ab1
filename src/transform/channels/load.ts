/**
 * Finding and reading channel definitions: one `feeds/<name>.yaml` (or `.yml`, `.json`) per channel.
 * XML layouts are checked once here by parsing header + a sample item + footer with sax (strict,
 * namespace-aware), so that a definition whose output could never be well-formed is refused at load.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sax from 'sax';
import { parse as parseYaml } from 'yaml';
import { closest } from '../../config.js';
import { compileXmlItem, fillXmlTemplate, escapeXmlAttr } from '../../emit/index.js';
import { FeedmillError } from '../../errors.js';
import { assertName } from '../../names.js';
import type { ChannelDefinition } from './definition.js';
import { parseChannelDefinition } from './parse-definition.js';

/** The repository's feeds/ folder: three levels up from src/transform/channels (and dist/transform/channels). */
export const DEFAULT_FEEDS_DIR = fileURLToPath(new URL('../../../feeds/', import.meta.url));

const EXTENSIONS = ['.yaml', '.yml', '.json'];

function channelFiles(feedsDir: string): Map<string, string> {
  let names: string[];
  try {
    names = readdirSync(feedsDir);
  } catch (err) {
    throw new FeedmillError('FEEDMILL_CHANNEL_UNKNOWN', `the channel folder ${feedsDir} cannot be read`, { feedsDir }, { cause: err });
  }
  const files = new Map<string, string>();
  for (const file of names) {
    const ext = EXTENSIONS.find((e) => file.endsWith(e));
    if (ext === undefined) continue;
    const name = file.slice(0, -ext.length);
    if (files.has(name)) {
      throw new FeedmillError('FEEDMILL_CHANNEL_INVALID', `channel ${name} is defined twice (${files.get(name)} and ${file}); keep one`, {
        channel: name,
      });
    }
    files.set(name, file);
  }
  return files;
}

export function loadChannel(name: string, feedsDir: string = DEFAULT_FEEDS_DIR): ChannelDefinition {
  assertName(name, 'channel');
  const files = channelFiles(feedsDir);
  const file = files.get(name);
  if (file === undefined) {
    const known = [...files.keys()];
    throw new FeedmillError(
      'FEEDMILL_CHANNEL_UNKNOWN',
      `no channel ${name} in ${feedsDir}; known: ${known.join(', ') || 'none'}`,
      { channel: name, known, suggestion: known.length > 0 ? closest(name, known) : undefined },
    );
  }
  return readDefinition(join(feedsDir, file), name);
}

export function listChannels(feedsDir: string = DEFAULT_FEEDS_DIR): ChannelDefinition[] {
  return [...channelFiles(feedsDir)]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, file]) => readDefinition(join(feedsDir, file), name));
}

/** Reads, parses and validates one definition file (any name; the `name` key must match `expectedName` when given). */
export function readDefinition(path: string, expectedName?: string): ChannelDefinition {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new FeedmillError('FEEDMILL_CHANNEL_UNKNOWN', `cannot read channel file ${path}`, { file: path }, { cause: err });
  }
  let data: unknown;
  try {
    data = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new FeedmillError('FEEDMILL_CHANNEL_INVALID', `${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`, {
      file: path,
    }, { cause: err });
  }
  const def = parseChannelDefinition(data, path, expectedName);
  checkXmlLayout(def);
  return def;
}

/** Parses header + one item with every field + footer; sax reports unbound prefixes and bad nesting. */
function checkXmlLayout(def: ChannelDefinition): void {
  if (def.xml === undefined) return;
  const xml = def.xml;
  const ns = Object.entries(xml.namespaces).map(([p, uri]) => ` xmlns:${p}="${escapeXmlAttr(uri)}"`).join('');
  const ctx = { catalog: 'c', generatedAt: '2000-01-01T00:00:00.000Z', title: 't', link: 'https://l.example/' };
  const written = def.fields.filter((f) => f.write);
  const item = compileXmlItem(
    xml.item,
    written.map((f) => ({ name: f.name, attributes: Object.keys(f.attributes ?? {}) })),
    xml.indent,
  )(written.map(() => 'x'), written.map((f) => (f.attributes === undefined ? undefined : Object.keys(f.attributes).map(() => 'x'))));
  const doc = [xml.header, xml.footer].map((t) => fillXmlTemplate(t.split('{namespaces}').join(ns), ctx));
  const parser = sax.parser(true, { xmlns: true });
  let items = 0;
  parser.onopentag = (tag) => {
    if (tag.name === xml.item) items++;
  };
  try {
    parser.write(`${doc[0]}${item}${doc[1]}`).close();
  } catch (err) {
    throw new FeedmillError(
      'FEEDMILL_CHANNEL_INVALID',
      `${def.file}: xml: header + item + footer is not well-formed XML: ${(err as Error).message.split('\n')[0]}`,
      { file: def.file, path: '$.xml' },
      { cause: err },
    );
  }
  if (items !== 1) {
    throw new FeedmillError('FEEDMILL_CHANNEL_INVALID', `${def.file}: xml.item: the header or footer already holds a <${xml.item}> element`, {
      file: def.file,
      path: '$.xml.item',
    });
  }
}
