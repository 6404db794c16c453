/**
 * Decodes what powershell.exe writes to a redirected stderr: `#< CLIXML` followed by an
 * <Objs> document whose direct <S S="Error"> children are the LINES of the formatted error
 * view (one element per line, CR/LF escaped as _x000D__x000A_), and <S S="warning">,
 * "verbose", "debug", "information" lines; progress records are <Obj S="progress"> and ignored.
 *
 * Windows PowerShell 5.1 prints errors in NormalView:
 *   Get-Item : Cannot find path 'C:\nope' because it does not exist.
 *   At line:3 char:1
 *   + Get-Item C:\nope
 *   + ~~~~~~~~~~~~~~~~
 *       + CategoryInfo          : ObjectNotFound: (C:\nope:String) [Get-Item], ItemNotFoundException
 *       + FullyQualifiedErrorId : PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand
 *   (blank line)
 * PowerShell 7 may use ConciseView ("Get-Item: Cannot find path ...", with "Line |" blocks).
 * Both are parsed here into records; anything unrecognised stays in `message`.
 */
import { SaxesParser } from 'saxes';

export interface ClixmlRecord {
  /** The error message (several lines joined with \n when the message itself has several). */
  message: string;
  /** E.g. ObjectNotFound, PermissionDenied; null when not printed. */
  category: string | null;
  /** The target object as printed inside the CategoryInfo parentheses, e.g. C:\nope. */
  target: string | null;
  /** The command that wrote the error, e.g. Get-Item. */
  command: string | null;
  /** FullyQualifiedErrorId. */
  errorId: string | null;
  /** Line and column in the script, 1-based. */
  line: number | null;
  position: number | null;
  /** The raw formatted text, for the log. */
  text: string;
}

export interface DecodedStderr {
  /** True when stderr was CLIXML (otherwise `errors` holds one record made of the plain text). */
  clixml: boolean;
  errors: ClixmlRecord[];
  warnings: string[];
  /** Verbose, debug and information lines. */
  other: string[];
}

const PREFIX = '#< CLIXML';

/** `_xHHHH_` is XmlConvert's escape for characters XML cannot carry (CR, LF, control characters). */
export function unescapeClixml(text: string): string {
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
}

/** pwsh 7 colours error text even when redirected; the escapes are noise in a message. */
function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
}

interface StreamLine {
  stream: string;
  text: string;
}

/** Reads the direct <S> children of the <Objs> root (possibly several documents in a row). */
function readLines(xml: string): StreamLine[] {
  const lines: StreamLine[] = [];
  const parser = new SaxesParser({ xmlns: false, fragment: true });
  let depth = 0;
  let current: { stream: string; text: string } | null = null;
  parser.on('opentag', (tag) => {
    depth++;
    if (depth === 2 && tag.name === 'S') {
      const s = tag.attributes.S;
      current = { stream: typeof s === 'string' ? s.toLowerCase() : 'output', text: '' };
    }
  });
  parser.on('text', (t) => {
    if (current && depth === 2) current.text += t;
  });
  parser.on('closetag', () => {
    if (depth === 2 && current) {
      lines.push({ stream: current.stream, text: stripAnsi(unescapeClixml(current.text)) });
      current = null;
    }
    depth--;
  });
  parser.write(xml).close();
  return lines;
}

const AT_LINE = /^At (?:line:(\d+)|.*:(\d+)) char:(\d+)\s*$/;
const CATEGORY = /^\+ CategoryInfo\s*: ([A-Za-z]+): \((.*)\) \[(.*)\], (.*)$/;
const ERROR_ID = /^\+ FullyQualifiedErrorId\s*: (.*)$/;
const CONCISE_LINE = /^Line \|\s*$/;
const CONCISE_NUMBER = /^\s*(\d+) \|/;

/** Parses one formatted error (NormalView or ConciseView) into a record. */
export function parseErrorText(text: string): ClixmlRecord {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const record: ClixmlRecord = {
    message: '',
    category: null,
    target: null,
    command: null,
    errorId: null,
    line: null,
    position: null,
    text: text.trim(),
  };
  const messageLines: string[] = [];
  let inSource = false;
  for (const raw of lines) {
    const line = raw.trim();
    const at = AT_LINE.exec(line);
    if (at) {
      record.line = Number(at[1] ?? at[2]);
      record.position = Number(at[3]);
      inSource = true;
      continue;
    }
    const cat = CATEGORY.exec(line);
    if (cat) {
      record.category = cat[1] ?? null;
      // "(C:\nope:String)": the target, then the target's type after the last colon.
      const inner = cat[2] ?? '';
      const colon = inner.lastIndexOf(':');
      const target = colon >= 0 ? inner.slice(0, colon) : inner;
      record.target = target === '' ? null : target;
      continue;
    }
    const id = ERROR_ID.exec(line);
    if (id) {
      record.errorId = id[1]?.trim() ?? null;
      continue;
    }
    if (CONCISE_LINE.test(line)) {
      inSource = true;
      continue;
    }
    const num = CONCISE_NUMBER.exec(line);
    if (num && inSource) {
      record.line = Number(num[1]);
      continue;
    }
    if (inSource && (line.startsWith('+') || line.startsWith('|'))) {
      // ConciseView puts the message after the squiggle, as "| message".
      const rest = line.replace(/^\|\s?/, '');
      if (line.startsWith('|') && rest !== '' && !/^~+$/.test(rest.trim())) messageLines.push(rest);
      continue;
    }
    if (line === '') continue;
    if (!inSource) messageLines.push(line);
  }
  let message = messageLines.join('\n').trim();
  // "Get-Item : message" (NormalView) or "Get-Item: message" (ConciseView).
  const prefixed = /^([A-Za-z][\w-]*(?:\.\w+)?) ?:\s+([\s\S]*)$/.exec(message);
  if (prefixed && prefixed[1] && prefixed[2] !== undefined) {
    record.command = prefixed[1];
    message = prefixed[2];
  }
  record.message = message || text.trim();
  return record;
}

/** Groups consecutive error lines into records: a record ends with a blank line. */
function groupErrors(lines: string[]): string[] {
  const out: string[] = [];
  let current = '';
  for (const line of lines) {
    if (line.trim() === '' && current.trim() !== '') {
      out.push(current);
      current = '';
      continue;
    }
    current += line;
  }
  if (current.trim() !== '') out.push(current);
  return out;
}

/** Decodes stderr text (CLIXML or plain). */
export function decodeStderr(stderr: string): DecodedStderr {
  const trimmed = stderr.replace(/^\uFEFF/, '');
  if (!trimmed.startsWith(PREFIX)) {
    const text = trimmed.trim();
    return { clixml: false, errors: text ? [parseErrorText(text)] : [], warnings: [], other: [] };
  }
  // Several CLIXML blocks can follow each other (one per pipeline flush); strip every header.
  const body = trimmed
    .split(PREFIX)
    .map((part) => part.trim())
    .filter(Boolean)
    .join('');
  let lines: StreamLine[];
  try {
    lines = readLines(body);
  } catch {
    // Not well-formed (truncated by a killed process): keep the raw text as one record.
    const text = trimmed.slice(PREFIX.length).trim();
    return { clixml: true, errors: text ? [parseErrorText(text)] : [], warnings: [], other: [] };
  }
  const errorLines = lines.filter((l) => l.stream === 'error').map((l) => l.text);
  // In NormalView every line ends with CRLF, so joining keeps them apart; a lone " \r\n" separates records.
  const errors = groupErrors(errorLines.map((l) => (l.endsWith('\n') ? l : `${l}\n`))).map(
    parseErrorText,
  );
  const warnings = lines.filter((l) => l.stream === 'warning').map((l) => l.text.trim());
  const other = lines
    .filter((l) => l.stream !== 'error' && l.stream !== 'warning')
    .map((l) => l.text.trim())
    .filter(Boolean);
  return { clixml: true, errors, warnings, other };
}
