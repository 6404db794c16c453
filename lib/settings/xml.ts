import { SaxesParser, type SaxesTagNS } from 'saxes';
import { SettingsError } from './errors';

export interface Span {
  start: number;
  end: number;
}

export interface MarkupNode extends Span {
  kind: 'comment' | 'pi' | 'cdata';
}

/** Where an element sits in the source text. Indexes are into the decoded text (after any BOM). */
export interface ElementSpan extends Span {
  qname: string;
  prefix: string;
  local: string;
  uri: string;
  /** Just after the `>` of the start tag (equals `end` for a self-closing element). */
  openEnd: number;
  /** The `<` of the end tag (equals `end` for a self-closing element). */
  closeStart: number;
  selfClosing: boolean;
  line: number;
}

/** A direct child of the root element: one setting. */
export interface ChildElement extends ElementSpan {
  /** Text and CDATA content, entities resolved, comments skipped (what XmlReader would return). */
  text: string;
  hasChildElements: boolean;
  /** Comments, processing instructions and CDATA sections directly inside the element. */
  markup: MarkupNode[];
  /** The source text between the previous node at root level and this element (usually indentation). */
  gapBefore: string;
}

export interface ParsedSettingsXml {
  text: string;
  root: ElementSpan;
  children: ChildElement[];
}

type Parser = SaxesParser<{ xmlns: true; position: true }>;

/**
 * Parses with saxes (a strict, namespace-aware XML parser) and records the exact source ranges of the
 * root and its direct children. Saxes reports only where an event ends; since text cannot contain a
 * literal `<`, every piece of markup starts at the first `<` after the previous markup's end.
 */
export function parseSettingsXml(text: string, fileLabel: string): ParsedSettingsXml {
  const parser: Parser = new SaxesParser({ xmlns: true, position: true });
  let cursor = 0;
  let root: ElementSpan | undefined;
  const children: ChildElement[] = [];
  const stack: ElementSpan[] = [];
  let current: ChildElement | undefined; // the open direct child of the root, if any

  // Tags: saxes has consumed the closing `>` when it reports them, so the end is its position.
  const takeTag = (): Span => {
    const span = { start: text.indexOf('<', cursor), end: parser.position };
    cursor = span.end;
    return span;
  };
  // Saxes reports a comment before reading its final `>`, so for these the end is found from the
  // terminator, which cannot occur inside the construct.
  const takeUntil = (terminator: string): Span => {
    const start = text.indexOf('<', cursor);
    const end = text.indexOf(terminator, start + 2) + terminator.length;
    cursor = end;
    return { start, end };
  };
  const terminators = { comment: '-->', pi: '?>', cdata: ']]>' } as const;
  const onMarkup = (kind: MarkupNode['kind']) => {
    const span = takeUntil(terminators[kind]);
    if (current && stack.length === 2) current.markup.push({ kind, ...span });
  };

  parser.on('error', (err) => {
    // Saxes reads an entity reference up to the next `;`, so a bare `&` (R&D) is reported far
    // away, often at the end of the file. Point at the `&` instead.
    const amp = findBareAmpersand(text);
    const at = amp !== undefined && amp < parser.position ? positionOf(text, amp) : undefined;
    const line = at?.line ?? parser.line;
    const column = at?.column ?? parser.column;
    const detail = at ? '"&" must be written as "&amp;"' : err.message.replace(/^\d+:\d+: /, '');
    throw new SettingsError(
      'malformed-xml',
      fileLabel,
      `malformed XML at line ${line}, column ${column}: ${detail}`,
      {
        line,
        column,
      },
    );
  });
  parser.on('doctype', () => {
    throw new SettingsError(
      'unsupported-content',
      fileLabel,
      'a DOCTYPE declaration is not allowed in a settings file',
    );
  });
  parser.on('xmldecl', () => takeUntil('?>'));
  parser.on('comment', () => onMarkup('comment'));
  parser.on('processinginstruction', () => onMarkup('pi'));
  parser.on('cdata', (data) => {
    onMarkup('cdata');
    if (current && stack.length === 2) current.text += data;
  });
  parser.on('text', (data) => {
    if (current && stack.length === 2) current.text += data;
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    const before = cursor;
    const { start, end } = takeTag();
    const span: ElementSpan = {
      qname: tag.name,
      prefix: tag.prefix,
      local: tag.local,
      uri: tag.uri,
      start,
      end,
      openEnd: end,
      closeStart: end,
      selfClosing: tag.isSelfClosing,
      line: lineAt(text, start),
    };
    if (stack.length === 0) {
      root = span;
      stack.push(span);
    } else if (stack.length === 1) {
      current = {
        ...span,
        text: '',
        hasChildElements: false,
        markup: [],
        gapBefore: text.slice(before, start),
      };
      children.push(current);
      stack.push(current);
    } else {
      if (current) current.hasChildElements = true;
      stack.push(span);
    }
  });
  parser.on('closetag', (tag: SaxesTagNS) => {
    const open = stack.pop();
    if (open && !tag.isSelfClosing) {
      const { start, end } = takeTag();
      open.closeStart = start;
      open.end = end;
    }
    if (stack.length === 1) current = undefined;
  });

  parser.write(text).close();
  if (!root) throw new SettingsError('malformed-xml', fileLabel, 'the file has no root element');
  return { text, root, children };
}

const REFERENCE = /^&(#[0-9]+|#x[0-9A-Fa-f]+|[A-Za-z_:][A-Za-z0-9_:.-]*);/;

/** Index of the first `&` outside comments, CDATA and PIs that does not start a reference. */
function findBareAmpersand(text: string): number | undefined {
  const skip = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|&/g;
  for (let m = skip.exec(text); m; m = skip.exec(text)) {
    if (m[0] === '&' && !REFERENCE.test(text.slice(m.index, m.index + 100))) return m.index;
  }
  return undefined;
}

/** 1-based line and column (in code points, as saxes counts) of a string index. */
function positionOf(text: string, index: number): { line: number; column: number } {
  const lineStart =
    Math.max(text.lastIndexOf('\n', index - 1), text.lastIndexOf('\r', index - 1)) + 1;
  return { line: lineAt(text, index), column: [...text.slice(lineStart, index)].length + 1 };
}

/** 1-based line of a string index; CRLF, CR and LF each end a line, as in XML. */
export function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) line++;
  }
  return line;
}
