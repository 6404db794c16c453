import { createTwoFilesPatch } from 'diff';
import {
  assertNoDuplicateKnownSettings,
  findSetting,
  loadSource,
  trimXml,
  type SettingsSource,
} from './document';
import { byteOffset, encodeText } from './encoding';
import { SettingsError } from './errors';
import {
  canonicalName,
  hasUnconfirmedSpelling,
  isSettingName,
  spellingsOf,
  type SettingName,
} from './names';
import { escapeXmlText, prepareValue } from './value';
import type { ChildElement } from './xml';

export interface SettingEdit {
  element: SettingName;
  value: string;
  /** Add the element when the file lacks it. Off by default: a missing element is an error. */
  insertIfMissing?: boolean;
}

export interface EditOptions {
  /** Names the file in errors and in the diff headers, e.g. `MasterSettings.config on SQLNODE1`. */
  fileLabel: string;
}

export interface EditWarning {
  element: SettingName;
  message: string;
}

export interface EditResult {
  /** The whole new file. Outside the edited text it is the input, byte for byte. */
  bytes: Buffer;
  changed: boolean;
  /** A unified diff (LF line endings, no BOM) for the plan view; empty when nothing changed. */
  diff: string;
  warnings: EditWarning[];
}

/** A replacement of source text [start, end). */
interface Splice {
  start: number;
  end: number;
  text: string;
}

/**
 * Sets settings' text content and touches nothing else: the new bytes are the old ones with only the
 * edited text spliced in, in the file's own encoding. All or nothing: any error throws before output.
 * Values of SqlServerName, MasterEndpoint, PortNumber and the thumbprints are validated and written in
 * canonical form (thumbprints upper-case without separators).
 */
export function applyEdits(
  fileBytes: Uint8Array,
  edits: readonly SettingEdit[],
  { fileLabel }: EditOptions,
): EditResult {
  const source = loadSource(fileBytes, fileLabel);
  assertNoDuplicateKnownSettings(source);
  assertDistinct(edits, fileLabel);

  const splices: Splice[] = [];
  const inserts: { name: SettingName; text: string }[] = [];
  const warnings: EditWarning[] = [];
  for (const edit of edits) {
    const prepared = prepareValue(edit.element, edit.value, fileLabel);
    warnings.push(...prepared.warnings.map((message) => ({ element: edit.element, message })));
    const element = findSetting(source, edit.element);
    if (element) {
      const splice = planReplace(source, element, prepared.text);
      if (splice) splices.push(splice);
    } else {
      assertInsertable(edit, fileLabel);
      inserts.push({ name: edit.element, text: prepared.text });
    }
  }
  if (inserts.length > 0) splices.push(planInsert(source, inserts));

  const bytes = splice(fileBytes, source, splices);
  const changed = !bytes.equals(fileBytes);
  if (changed) verify(bytes, edits, fileLabel);
  return { bytes, changed, diff: changed ? unifiedDiff(source, bytes, fileLabel) : '', warnings };
}

function assertDistinct(edits: readonly SettingEdit[], fileLabel: string): void {
  const seen = new Set<string>();
  for (const { element } of edits) {
    // The type already says so; this guards values that arrive from JSON.
    if (!isSettingName(element)) {
      throw new SettingsError(
        'invalid-value',
        fileLabel,
        `<${element}> is not a documented setting`,
        { element },
      );
    }
    const key = canonicalName(element);
    if (seen.has(key)) {
      throw new SettingsError(
        'conflicting-edits',
        fileLabel,
        `<${element}> is edited more than once in one change`,
        {
          element,
        },
      );
    }
    seen.add(key);
  }
}

function assertInsertable(edit: SettingEdit, fileLabel: string): void {
  const where = { element: edit.element };
  if (!edit.insertIfMissing) {
    throw new SettingsError('missing-element', fileLabel, `<${edit.element}> is missing`, where);
  }
  if (hasUnconfirmedSpelling(edit.element)) {
    const spellings = spellingsOf(edit.element)
      .map((s) => `<${s}>`)
      .join(' or ');
    throw new SettingsError(
      'missing-element',
      fileLabel,
      `${spellings} is missing and is never added automatically, because the spelling the service expects is unconfirmed`,
      where,
    );
  }
}

/** Replaces the value's text, keeping the element's tags, attributes, comments and padding. */
function planReplace(
  source: SettingsSource,
  element: ChildElement,
  value: string,
): Splice | undefined {
  const fail = (detail: string) =>
    new SettingsError(
      'unsupported-content',
      source.fileLabel,
      `<${element.local}> (line ${element.line}) ${detail}`,
      {
        element: element.local,
        line: element.line,
      },
    );
  if (element.hasChildElements)
    throw fail('contains child elements, so it is not a simple setting; edit it by hand');
  if (trimXml(element.text) === value) return undefined;
  const escaped = escapeXmlText(value);

  if (element.selfClosing) {
    // `<SqlServerName />` becomes `<SqlServerName>value</SqlServerName>`, attributes kept.
    const startTag = source.text.slice(element.start, element.end - 2).replace(/[ \t\r\n]+$/, '');
    return {
      start: element.start,
      end: element.end,
      text: `${startTag}>${escaped}</${element.qname}>`,
    };
  }

  const span = significantSpan(source.text, element);
  if (span) {
    const inside = element.markup.some(
      (m) => m.kind !== 'cdata' && m.start >= span.start && m.end <= span.end,
    );
    if (inside)
      throw fail('has a comment or processing instruction inside its value; edit it by hand');
    return { ...span, text: escaped };
  }
  // No value yet: after the element's last comment if it has one, else the whole (blank) content.
  const last = element.markup[element.markup.length - 1];
  if (last) return { start: last.end, end: last.end, text: escaped };
  return { start: element.openEnd, end: element.closeStart, text: escaped };
}

/** From the first to the last non-whitespace character of the element's text and CDATA content. */
function significantSpan(
  text: string,
  element: ChildElement,
): { start: number; end: number } | undefined {
  let start: number | undefined;
  let end: number | undefined;
  let at = element.openEnd;
  const take = (s: number, e: number) => {
    start ??= s;
    end = e;
  };
  for (const node of [
    ...element.markup,
    { kind: 'end' as const, start: element.closeStart, end: element.closeStart },
  ]) {
    const raw = text.slice(at, node.start);
    const first = raw.search(/[^ \t\r\n]/);
    if (first >= 0) take(at + first, at + raw.replace(/[ \t\r\n]+$/, '').length);
    if (node.kind === 'cdata') take(node.start, node.end);
    at = node.end;
  }
  return start === undefined || end === undefined ? undefined : { start, end };
}

/** New elements go after the last setting, with the same indentation, line break and prefix. */
function planInsert(
  source: SettingsSource,
  inserts: { name: SettingName; text: string }[],
): Splice {
  const { root, children, text } = source;
  if (root.selfClosing) {
    throw new SettingsError(
      'unsupported-content',
      source.fileLabel,
      `the root element <${root.qname}> is empty`,
      {
        element: inserts[0]?.name,
      },
    );
  }
  const last = children[children.length - 1];
  const prefix = last ? last.prefix : root.prefix;
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const gaps = children.map((c) => c.gapBefore).filter((g) => /^[ \t\r\n]+$/.test(g));
  const sep = last ? (gaps[gaps.length - 1] ?? '') : `${newline}  `;
  const body = inserts
    .map(({ name, text: value }) => {
      const qname = prefix ? `${prefix}:${name}` : name;
      return sep + (value ? `<${qname}>${escapeXmlText(value)}</${qname}>` : `<${qname} />`);
    })
    .join('');
  if (last) return { start: last.end, end: last.end, text: body };
  const blank = root.closeStart === root.openEnd;
  return { start: root.openEnd, end: root.openEnd, text: blank ? body + newline : body };
}

/** Builds the output from the original bytes, re-encoding only the spliced-in text. */
function splice(fileBytes: Uint8Array, source: SettingsSource, splices: Splice[]): Buffer {
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const s of [...splices].sort((a, b) => a.start - b.start)) {
    const from = byteOffset(source, s.start);
    parts.push(fileBytes.subarray(at, from), encodeText(s.text, source.encoding));
    at = byteOffset(source, s.end);
  }
  parts.push(fileBytes.subarray(at));
  return Buffer.concat(parts);
}

/** The output must parse and carry exactly the requested values; anything else is a bug here. */
function verify(bytes: Buffer, edits: readonly SettingEdit[], fileLabel: string): void {
  const after = loadSource(bytes, fileLabel);
  for (const edit of edits) {
    const expected = prepareValue(edit.element, edit.value, fileLabel).text;
    const element = findSetting(after, edit.element);
    if (!element || trimXml(element.text) !== expected) {
      throw new SettingsError(
        'unsupported-content',
        fileLabel,
        `<${edit.element}> could not be edited safely`,
        {
          element: edit.element,
        },
      );
    }
  }
}

function unifiedDiff(before: SettingsSource, afterBytes: Buffer, fileLabel: string): string {
  const lf = (s: string) => s.replace(/\r\n?/g, '\n');
  const after = loadSource(afterBytes, fileLabel).text;
  return createTwoFilesPatch(
    fileLabel,
    fileLabel,
    lf(before.text),
    lf(after),
    'current',
    'proposed',
  );
}
