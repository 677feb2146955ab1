/**
 * Plain-template XML item writer for the per-item path.
 *
 * xmlbuilder2's streaming writer managed about 5,000 items/s here and left entity-like text
 * unescaped; string templates with `escapeXmlText` reach the targets. Tags are built once when the
 * channel is compiled; per item only the escaped values are concatenated. Element and attribute
 * names are checked by the channel loader (`isXmlName`), so they are never escaped here.
 */
import { escapeXmlAttr, escapeXmlText } from './escape.js';

/** One child element of an item: its qualified name and the names of its attributes, if any. */
export interface XmlElementSpec {
  readonly name: string;
  readonly attributes: readonly string[];
  /**
   * The value is markup its renderer built and escaped itself (sub-elements, as in Google's
   * `g:shipping`), written as it is. Never set for text taken from an item as it stands.
   */
  readonly markup?: boolean;
}

/**
 * A value per element, by position: `undefined` omits the element, an array repeats it (one element
 * per value, same attributes). `attrs[i]` holds the attribute values of element `i`, in spec order.
 */
export type XmlItemValues = readonly (string | readonly string[] | undefined)[];
export type XmlItemAttrs = readonly (readonly string[] | undefined)[];

export type XmlItemWriter = (values: XmlItemValues, attrs: XmlItemAttrs) => string;

/** XML 1.0 Name, restricted to ASCII (every channel spec uses ASCII names), with an optional prefix. */
const XML_NAME = /^[A-Za-z_][A-Za-z0-9._-]*(?::[A-Za-z_][A-Za-z0-9._-]*)?$/;

export function isXmlName(name: string): boolean {
  return XML_NAME.test(name);
}

/**
 * Compiles the writer of one item element. `indent` prefixes the item's own tags; children get two
 * more spaces. Every item ends with a newline so that parts concatenate into a readable file.
 */
export function compileXmlItem(element: string, children: readonly XmlElementSpec[], indent = ''): XmlItemWriter {
  const open = `${indent}<${element}>\n`;
  const close = `${indent}</${element}>\n`;
  const childIndent = `${indent}  `;
  const plainOpen = children.map((c) => `${childIndent}<${c.name}>`);
  const attrPrefix = children.map((c) => c.attributes.map((a, i) => `${i === 0 ? `${childIndent}<${c.name} ` : '" '}${a}="`));
  const closeTags = children.map((c) => `</${c.name}>\n`);
  const n = children.length;

  const markup = children.map((c) => c.markup === true);
  const content = (i: number, value: string): string => (markup[i] === true ? value : escapeXmlText(value));

  const one = (i: number, value: string, attrs: readonly string[] | undefined): string => {
    const names = attrPrefix[i] as string[];
    if (attrs === undefined || names.length === 0) return (plainOpen[i] as string) + content(i, value) + (closeTags[i] as string);
    let tag = '';
    for (let a = 0; a < names.length; a++) tag += (names[a] as string) + escapeXmlAttr(attrs[a] ?? '');
    return `${tag}">${content(i, value)}${closeTags[i] as string}`;
  };

  const plain = children.map((c) => c.attributes.length === 0);
  // Per element, the last plain value and its whole escaped element: consecutive items often
  // repeat a value (a product's variants), and the field renderers give back the same string then.
  const lastValue: (string | undefined)[] = new Array<undefined>(n).fill(undefined);
  const lastElement: string[] = new Array<string>(n).fill('');
  return (values, attrs) => {
    let out = open;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v === undefined) continue;
      // The common case inline: one value, no attributes.
      if (typeof v === 'string' && plain[i] === true) {
        if (v !== lastValue[i]) {
          lastValue[i] = v;
          lastElement[i] = (plainOpen[i] as string) + content(i, v) + (closeTags[i] as string);
        }
        out += lastElement[i] as string;
      } else if (typeof v === 'string') out += one(i, v, attrs[i]);
      else for (const each of v) out += one(i, each, attrs[i]);
    }
    return out + close;
  };
}

const XML_PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/**
 * Fills `{name}` placeholders of a header or footer template with XML-escaped values (text and
 * attribute escaping agree for the characters that matter). Unknown placeholders become empty.
 * Headers are written once per feed: speed does not matter here, correctness does.
 */
export function fillXmlTemplate(template: string, values: Readonly<Record<string, string | undefined>>): string {
  return template.replace(XML_PLACEHOLDER, (_, key: string) => escapeXmlAttr(values[key] ?? ''));
}
