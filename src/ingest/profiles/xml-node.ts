/**
 * Reading collected XML records (`XmlNode`) in the profiles: children by name, their text, and the
 * local part of a prefixed name. Text is trimmed here, once, because the engine keeps it as written.
 */
import type { XmlNode } from '../profile.js';

/** `g:price` → `price`; `price` → `price`. */
export function localName(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
}

export function child(node: XmlNode, name: string): XmlNode | undefined {
  for (const c of node.children) if (c.name === name) return c;
  return undefined;
}

/** Trimmed text of the first child named `name`; undefined when absent or empty. */
export function childText(node: XmlNode, name: string): string | undefined {
  const c = child(node, name);
  if (c === undefined) return undefined;
  const t = c.text.trim();
  return t === '' ? undefined : t;
}

/** A short excerpt of a record for the reject's `raw`: its name, attributes and first texts. */
export function excerpt(node: XmlNode): string {
  const attrs = Object.entries(node.attrs)
    .map(([k, v]) => ` ${k}="${v}"`)
    .join('');
  const inner = node.children
    .slice(0, 4)
    .map((c) => `<${c.name}>${c.text.trim().slice(0, 40)}</${c.name}>`)
    .join('');
  return `<${node.name}${attrs}>${inner}`;
}
