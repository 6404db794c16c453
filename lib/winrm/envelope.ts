/**
 * WS-Management SOAP envelopes for the WinRS (cmd shell) resource: what we send, written as
 * pywinrm 0.3.0 writes it (same prefixes, header order and option names, which every Windows
 * version accepts), and a small namespace-aware reader for what Windows sends back.
 * Responses are read by namespace URI + local name, never by prefix: servers choose prefixes.
 */
import { randomUUID } from 'node:crypto';
import { SaxesParser } from 'saxes';
import type { WsmanFault } from './errors';

export const NS = {
  s: 'http://www.w3.org/2003/05/soap-envelope',
  a: 'http://schemas.xmlsoap.org/ws/2004/08/addressing',
  x: 'http://schemas.xmlsoap.org/ws/2004/09/transfer',
  w: 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd',
  p: 'http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd',
  rsp: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell',
  f: 'http://schemas.microsoft.com/wbem/wsman/1/wsmanfault',
  xml: 'http://www.w3.org/XML/1998/namespace',
} as const;

export const ACTION = {
  create: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Create',
  delete: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete',
  command: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Command',
  send: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Send',
  receive: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Receive',
  signal: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Signal',
} as const;
export type WsmanOperation = keyof typeof ACTION;

export const RESOURCE_URI_CMD = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd';
export const SIGNAL_TERMINATE =
  'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/signal/terminate';
export const COMMAND_STATE_DONE =
  'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/Done';
const ANONYMOUS = 'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous';

export function xmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function newMessageId(): string {
  return `uuid:${randomUUID()}`;
}

/** WS-Man xs:duration: seconds with up to three decimals, e.g. PT20S or PT0.500S. */
export function duration(seconds: number): string {
  const s = Math.max(0, seconds);
  return Number.isInteger(s) ? `PT${s}S` : `PT${s.toFixed(3)}S`;
}

export interface HeaderFields {
  /** The endpoint URL (a:To). Windows ignores it; we send the real one. */
  to: string;
  action: string;
  messageId: string;
  operationTimeoutSec: number;
  maxEnvelopeSize: number;
  locale: string;
  shellId?: string;
  /** w:OptionSet entries, in order. */
  options?: ReadonlyArray<readonly [string, string]>;
}

export function buildEnvelope(h: HeaderFields, body: string): string {
  const selector =
    h.shellId !== undefined
      ? `<w:SelectorSet><w:Selector Name="ShellId">${xmlEscape(h.shellId)}</w:Selector></w:SelectorSet>`
      : '';
  const options =
    h.options && h.options.length > 0
      ? `<w:OptionSet>${h.options.map(([n, v]) => `<w:Option Name="${xmlEscape(n)}">${xmlEscape(v)}</w:Option>`).join('')}</w:OptionSet>`
      : '';
  const lang = xmlEscape(h.locale);
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    `<env:Envelope xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:env="${NS.s}" xmlns:a="${NS.a}" xmlns:b="http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd" xmlns:n="http://schemas.xmlsoap.org/ws/2004/09/enumeration" xmlns:x="${NS.x}" xmlns:w="${NS.w}" xmlns:p="${NS.p}" xmlns:rsp="${NS.rsp}" xmlns:cfg="http://schemas.microsoft.com/wbem/wsman/1/config">` +
    '<env:Header>' +
    `<a:To>${xmlEscape(h.to)}</a:To>` +
    `<a:ReplyTo><a:Address mustUnderstand="true">${ANONYMOUS}</a:Address></a:ReplyTo>` +
    `<w:MaxEnvelopeSize mustUnderstand="true">${h.maxEnvelopeSize}</w:MaxEnvelopeSize>` +
    `<a:MessageID>${xmlEscape(h.messageId)}</a:MessageID>` +
    `<w:Locale mustUnderstand="false" xml:lang="${lang}"/>` +
    `<p:DataLocale mustUnderstand="false" xml:lang="${lang}"/>` +
    `<w:OperationTimeout>${duration(h.operationTimeoutSec)}</w:OperationTimeout>` +
    `<w:ResourceURI mustUnderstand="true">${RESOURCE_URI_CMD}</w:ResourceURI>` +
    `<a:Action mustUnderstand="true">${h.action}</a:Action>` +
    selector +
    options +
    '</env:Header>' +
    `<env:Body>${body}</env:Body>` +
    '</env:Envelope>'
  );
}

export interface ShellBodyOptions {
  /** The server deletes the shell after this much inactivity even if we never come back. */
  idleTimeoutSec: number;
  workingDirectory?: string;
  environment?: Readonly<Record<string, string>>;
}

export function createShellBody(o: ShellBodyOptions): string {
  const env = o.environment
    ? `<rsp:Environment>${Object.entries(o.environment)
        .map(([k, v]) => `<rsp:Variable Name="${xmlEscape(k)}">${xmlEscape(v)}</rsp:Variable>`)
        .join('')}</rsp:Environment>`
    : '';
  const dir = o.workingDirectory
    ? `<rsp:WorkingDirectory>${xmlEscape(o.workingDirectory)}</rsp:WorkingDirectory>`
    : '';
  return `<rsp:Shell><rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams>${dir}${env}<rsp:IdleTimeOut>${duration(o.idleTimeoutSec)}</rsp:IdleTimeOut></rsp:Shell>`;
}

export function commandBody(commandLine: string): string {
  return `<rsp:CommandLine><rsp:Command>${xmlEscape(commandLine)}</rsp:Command></rsp:CommandLine>`;
}

export function sendBody(commandId: string, data: Buffer, end: boolean): string {
  return `<rsp:Send><rsp:Stream Name="stdin" CommandId="${xmlEscape(commandId)}"${end ? ' End="true"' : ''}>${data.toString('base64')}</rsp:Stream></rsp:Send>`;
}

export function receiveBody(commandId: string): string {
  return `<rsp:Receive><rsp:DesiredStream CommandId="${xmlEscape(commandId)}">stdout stderr</rsp:DesiredStream></rsp:Receive>`;
}

export function signalBody(commandId: string, code = SIGNAL_TERMINATE): string {
  return `<rsp:Signal CommandId="${xmlEscape(commandId)}"><rsp:Code>${xmlEscape(code)}</rsp:Code></rsp:Signal>`;
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface XmlElement {
  uri: string;
  local: string;
  /** Attributes by local name (WS-Man attributes are unqualified), plus `{uri}local` for qualified ones. */
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Concatenated direct text. */
  text: string;
}

/** Parses XML into a tree. saxes does not expand DTD entities, so hostile documents stay inert. */
export function parseXml(xml: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  parser.on('opentag', (tag) => {
    const attrs: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) {
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      if (a.uri) attrs[`{${a.uri}}${a.local}`] = a.value;
      else attrs[a.local] = a.value;
    }
    const el: XmlElement = { uri: tag.uri, local: tag.local, attrs, children: [], text: '' };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else root = el;
    stack.push(el);
  });
  parser.on('text', (t) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  });
  parser.on('cdata', (t) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.write(xml).close();
  if (!root) throw new Error('empty XML document');
  return root;
}

export function child(
  el: XmlElement | undefined,
  uri: string,
  local: string,
): XmlElement | undefined {
  return el?.children.find((c) => c.uri === uri && c.local === local);
}

/** Every descendant (depth-first, document order) with this name. */
export function descendants(el: XmlElement | undefined, uri: string, local: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement): void => {
    for (const c of e.children) {
      if (c.uri === uri && c.local === local) out.push(c);
      walk(c);
    }
  };
  if (el) walk(el);
  return out;
}

/** All text inside an element, nested elements included (fault messages nest provider detail). */
export function deepText(el: XmlElement | undefined): string {
  if (!el) return '';
  return el.text + el.children.map(deepText).join('');
}

const stripPrefix = (q: string): string => q.trim().replace(/^[^:]*:/, '');

export interface ParsedEnvelope {
  action: string | null;
  relatesTo: string | null;
  body: XmlElement | undefined;
  fault: WsmanFault | null;
}

export function readEnvelope(xml: string): ParsedEnvelope {
  const root = parseXml(xml);
  if (root.uri !== NS.s || root.local !== 'Envelope')
    throw new Error(`the root element is ${root.local}, not a SOAP 1.2 Envelope`);
  const header = child(root, NS.s, 'Header');
  const body = child(root, NS.s, 'Body');
  const faultEl = child(body, NS.s, 'Fault');
  let fault: WsmanFault | null = null;
  if (faultEl) {
    const code = child(faultEl, NS.s, 'Code');
    const detail = descendants(faultEl, NS.f, 'WSManFault')[0];
    const wsmanCode = detail?.attrs.Code;
    fault = {
      code: stripPrefix(child(code, NS.s, 'Value')?.text ?? ''),
      subcode: stripPrefix(child(child(code, NS.s, 'Subcode'), NS.s, 'Value')?.text ?? ''),
      reason: deepText(child(child(faultEl, NS.s, 'Reason'), NS.s, 'Text'))
        .replace(/\s+/g, ' ')
        .trim(),
      wsmanCode: wsmanCode !== undefined && /^\d+$/.test(wsmanCode) ? Number(wsmanCode) : null,
      machine: detail?.attrs.Machine ?? null,
      message: deepText(child(detail, NS.f, 'Message'))
        .replace(/\s+/g, ' ')
        .trim(),
    };
  }
  return {
    action: child(header, NS.a, 'Action')?.text.trim() ?? null,
    relatesTo: child(header, NS.a, 'RelatesTo')?.text.trim() ?? null,
    body,
    fault,
  };
}

/** The ShellId of a CreateResponse: the Selector (what pywinrm reads) or rsp:ShellId. */
export function readShellId(body: XmlElement | undefined): string | null {
  const selector = descendants(body, NS.w, 'Selector').find((s) => s.attrs.Name === 'ShellId');
  const id = selector?.text.trim() || descendants(body, NS.rsp, 'ShellId')[0]?.text.trim();
  return id || null;
}

export function readCommandId(body: XmlElement | undefined): string | null {
  return descendants(body, NS.rsp, 'CommandId')[0]?.text.trim() || null;
}

export interface ReceiveChunk {
  stdout: Buffer[];
  stderr: Buffer[];
  done: boolean;
  exitCode: number | null;
}

/** One ReceiveResponse: its stream chunks (base64) and whether the command is Done. */
export function readReceive(body: XmlElement | undefined, commandId: string): ReceiveChunk {
  const out: ReceiveChunk = { stdout: [], stderr: [], done: false, exitCode: null };
  for (const s of descendants(body, NS.rsp, 'Stream')) {
    if (
      s.attrs.CommandId !== undefined &&
      s.attrs.CommandId.toUpperCase() !== commandId.toUpperCase()
    )
      continue;
    const data = s.text.trim();
    if (!data) continue;
    const buf = Buffer.from(data, 'base64');
    if (s.attrs.Name === 'stderr') out.stderr.push(buf);
    else if (s.attrs.Name === 'stdout') out.stdout.push(buf);
  }
  const state = descendants(body, NS.rsp, 'CommandState')[0];
  if (state?.attrs.State === COMMAND_STATE_DONE) {
    out.done = true;
    const code = child(state, NS.rsp, 'ExitCode')?.text.trim();
    // Exit codes are DWORDs; Windows prints NTSTATUS crashes (0xC0000005) as unsigned decimals.
    out.exitCode = code !== undefined && /^-?\d+$/.test(code) ? Number(code) : null;
  }
  return out;
}
