import { SaxesParser } from 'saxes';

/**
 * A minimal namespace-aware DOM over saxes: SOAP envelopes are small (MaxEnvelopeSize caps them),
 * so building a tree is simpler than querying a SAX stream. Elements are matched by namespace URI
 * and local name, never by prefix: clients pick their own prefixes (pywinrm says env:, Windows s:).
 */
export interface XmlElement {
  ns: string;
  local: string;
  /** Attributes without a namespace by local name; namespaced ones as `{uri}local`. */
  attrs: ReadonlyMap<string, string>;
  children: XmlElement[];
  /** Concatenated character data directly inside this element. */
  text: string;
}

export class XmlSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlSyntaxError';
  }
}

interface Building {
  element: XmlElement;
  texts: string[];
}

export function parseXml(text: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: Building[] = [];
  let root: XmlElement | undefined;
  let failure: Error | undefined;

  parser.on('error', (e) => {
    failure ??= e;
  });
  // A DOCTYPE has no place in SOAP (SOAP 1.2 part 1, 5) and would invite entity games.
  parser.on('doctype', () => {
    failure ??= new XmlSyntaxError('A SOAP message must not contain a document type declaration');
  });
  parser.on('opentag', (tag) => {
    const attrs = new Map<string, string>();
    for (const a of Object.values(tag.attributes)) {
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      attrs.set(a.uri ? `{${a.uri}}${a.local}` : a.local, a.value);
    }
    const element: XmlElement = { ns: tag.uri, local: tag.local, attrs, children: [], text: '' };
    const parent = stack[stack.length - 1];
    if (parent) parent.element.children.push(element);
    else root = element;
    stack.push({ element, texts: [] });
  });
  parser.on('text', (t) => stack[stack.length - 1]?.texts.push(t));
  parser.on('cdata', (t) => stack[stack.length - 1]?.texts.push(t));
  parser.on('closetag', () => {
    const done = stack.pop();
    if (done) done.element.text = done.texts.join('');
  });

  try {
    parser.write(text).close();
  } catch (e) {
    failure ??= e instanceof Error ? e : new Error(String(e));
  }
  if (failure) throw new XmlSyntaxError(failure.message);
  if (!root) throw new XmlSyntaxError('The document has no root element');
  return root;
}

export function child(
  parent: XmlElement | undefined,
  ns: string,
  local: string,
): XmlElement | undefined {
  return parent?.children.find((c) => c.ns === ns && c.local === local);
}

export function children(parent: XmlElement | undefined, ns: string, local: string): XmlElement[] {
  return parent?.children.filter((c) => c.ns === ns && c.local === local) ?? [];
}

/** Text with XML's insignificant surrounding whitespace removed (values like GUIDs and URIs). */
export function textOf(element: XmlElement | undefined): string | undefined {
  return element?.text.trim();
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Escapes text and attribute values; also drops characters XML 1.0 cannot carry at all. */
export function escapeXml(value: string): string {
  return value
    .replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
}
