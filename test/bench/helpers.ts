/** Shared helpers of the bench tests: temp dirs, hashing, XML walking with sax (strict). */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sax from 'sax';

export async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'feedmill-bench-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export async function sha256File(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  /** Text and CDATA directly inside, concatenated. */
  text: string;
  children: XmlElement[];
}

/**
 * Parses XML text with sax in strict mode into a tree below the root, calling `onElement` for every
 * element closed at `depth` (root = 0) and dropping it afterwards, so big files stay small in memory.
 */
export function walkXml(text: string, depth: number, onElement: (el: XmlElement) => void): XmlElement {
  const parser = sax.parser(true, { trim: false });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  parser.onerror = (err) => {
    throw err;
  };
  parser.onopentag = (tag) => {
    const el: XmlElement = { name: tag.name, attributes: { ...(tag.attributes as Record<string, string>) }, text: '', children: [] };
    if (stack.length === 0) root = el;
    stack.push(el);
  };
  const addText = (t: string): void => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  };
  parser.ontext = addText;
  parser.oncdata = addText;
  parser.onclosetag = () => {
    const el = stack.pop() as XmlElement;
    if (stack.length === depth) onElement(el);
    else if (stack.length > depth) stack[stack.length - 1]?.children.push(el);
  };
  parser.write(text).close();
  if (!root) throw new Error('no root element');
  return root;
}

export function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}
