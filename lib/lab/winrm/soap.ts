import { randomUUID } from 'node:crypto';
import { type WsmanFault, schemaFault } from './faults';
import {
  type XmlElement,
  XmlSyntaxError,
  child,
  children,
  escapeXml,
  parseXml,
  textOf,
} from './xml';

/** The namespaces of WS-Management and WinRS (MS-WSMV), by the prefixes Windows uses. */
export const NS = {
  s: 'http://www.w3.org/2003/05/soap-envelope',
  a: 'http://schemas.xmlsoap.org/ws/2004/08/addressing',
  x: 'http://schemas.xmlsoap.org/ws/2004/09/transfer',
  e: 'http://schemas.xmlsoap.org/ws/2004/08/eventing',
  n: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration',
  w: 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd',
  p: 'http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd',
  rsp: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell',
  f: 'http://schemas.microsoft.com/wbem/wsman/1/wsmanfault',
} as const;

export const ANONYMOUS = 'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous';
export const CMD_RESOURCE_URI = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd';
export const FAULT_ACTION = 'http://schemas.dmtf.org/wbem/wsman/1/wsman/fault';

export const Action = {
  Create: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Create',
  Delete: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete',
  Command: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Command',
  Send: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Send',
  Receive: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Receive',
  Signal: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Signal',
} as const;

/** What the service reads from a request envelope; the body stays a tree for the operation. */
export interface WsmanRequest {
  action: string;
  /** As sent (pywinrm: `uuid:` + lowercase); echoed verbatim in a:RelatesTo. */
  messageId: string | undefined;
  resourceUri: string | undefined;
  selectors: ReadonlyMap<string, string>;
  options: ReadonlyMap<string, string>;
  operationTimeoutMs: number | undefined;
  maxEnvelopeSize: number | undefined;
  body: XmlElement;
}

/** xs:duration as WS-Man uses it (PT20S, PT60.000S, P0DT0H0M20S); undefined if it is not one. */
export function parseDurationMs(text: string): number | undefined {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text.trim());
  if (!m || text.trim() === 'P' || text.trim().endsWith('T')) return undefined;
  const [, d, h, min, s] = m;
  const seconds =
    Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + Number(s ?? 0);
  return Math.round(seconds * 1000);
}

/** Milliseconds as Windows writes durations in shell properties (PT7200.000S). */
export function formatDuration(ms: number): string {
  return `PT${(ms / 1000).toFixed(3)}S`;
}

/** Parses and checks the envelope; a malformed one is a schema fault, as Windows answers it. */
export function parseRequest(xml: string): WsmanRequest {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (e) {
    if (e instanceof XmlSyntaxError) throw schemaFault(e.message);
    throw e;
  }
  if (root.ns !== NS.s || root.local !== 'Envelope') {
    throw schemaFault('The root element is not a SOAP 1.2 Envelope.');
  }
  const header = child(root, NS.s, 'Header');
  const body = child(root, NS.s, 'Body');
  if (!header || !body) throw schemaFault('The envelope lacks a Header or a Body.');

  const action = textOf(child(header, NS.a, 'Action'));
  if (!action) throw schemaFault('The a:Action header is missing.');

  const selectors = new Map<string, string>();
  for (const s of children(child(header, NS.w, 'SelectorSet'), NS.w, 'Selector')) {
    selectors.set(s.attrs.get('Name') ?? '', s.text.trim());
  }
  const options = new Map<string, string>();
  for (const o of children(child(header, NS.w, 'OptionSet'), NS.w, 'Option')) {
    options.set((o.attrs.get('Name') ?? '').toUpperCase(), o.text.trim());
  }

  const timeoutText = textOf(child(header, NS.w, 'OperationTimeout'));
  const operationTimeoutMs = timeoutText === undefined ? undefined : parseDurationMs(timeoutText);
  if (timeoutText !== undefined && operationTimeoutMs === undefined) {
    throw schemaFault(`w:OperationTimeout "${timeoutText}" is not an xs:duration.`);
  }
  const sizeText = textOf(child(header, NS.w, 'MaxEnvelopeSize'));
  const maxEnvelopeSize = sizeText === undefined ? undefined : Number(sizeText);
  if (
    maxEnvelopeSize !== undefined &&
    !(Number.isInteger(maxEnvelopeSize) && maxEnvelopeSize > 0)
  ) {
    throw schemaFault(`w:MaxEnvelopeSize "${sizeText}" is not a positive integer.`);
  }

  return {
    action,
    messageId: textOf(child(header, NS.a, 'MessageID')),
    resourceUri: textOf(child(header, NS.w, 'ResourceURI')),
    selectors,
    options,
    operationTimeoutMs,
    maxEnvelopeSize,
    body,
  };
}

/** Windows issues identifiers as uppercase GUIDs. */
export function newGuid(): string {
  return randomUUID().toUpperCase();
}

function headerXml(action: string, relatesTo: string | undefined): string {
  return (
    '<s:Header>' +
    `<a:Action>${escapeXml(action)}</a:Action>` +
    `<a:MessageID>uuid:${newGuid()}</a:MessageID>` +
    `<a:To>${ANONYMOUS}</a:To>` +
    (relatesTo ? `<a:RelatesTo>${escapeXml(relatesTo)}</a:RelatesTo>` : '') +
    '</s:Header>'
  );
}

/**
 * A success envelope with Windows' root prefixes (naive clients read `s:Envelope.s:Body.rsp:…`
 * by literal prefix). The response action is the request action + `Response`.
 */
export function responseEnvelope(
  requestAction: string,
  relatesTo: string | undefined,
  bodyXml: string,
): string {
  return (
    `<s:Envelope xml:lang="en-US" xmlns:s="${NS.s}" xmlns:a="${NS.a}" xmlns:x="${NS.x}" ` +
    `xmlns:w="${NS.w}" xmlns:rsp="${NS.rsp}" xmlns:p="${NS.p}">` +
    headerXml(`${requestAction}Response`, relatesTo) +
    `<s:Body>${bodyXml}</s:Body></s:Envelope>`
  );
}

/** The fault envelope exactly as Windows lays it out (pywinrm test_exceptions.py captures). */
export function faultEnvelope(
  fault: WsmanFault,
  relatesTo: string | undefined,
  machine: string,
): string {
  return (
    `<s:Envelope xml:lang="en-US" xmlns:s="${NS.s}" xmlns:a="${NS.a}" xmlns:x="${NS.x}" ` +
    `xmlns:e="${NS.e}" xmlns:n="${NS.n}" xmlns:w="${NS.w}" xmlns:p="${NS.p}">` +
    headerXml(FAULT_ACTION, relatesTo) +
    '<s:Body><s:Fault>' +
    `<s:Code><s:Value>${fault.code}</s:Value>` +
    `<s:Subcode><s:Value>${escapeXml(fault.subcode)}</s:Value></s:Subcode></s:Code>` +
    `<s:Reason><s:Text xml:lang="en-US">${escapeXml(fault.reason)}</s:Text></s:Reason>` +
    `<s:Detail><f:WSManFault xmlns:f="${NS.f}" Code="${fault.wsmanCode}" Machine="${escapeXml(machine)}">` +
    `<f:Message>${escapeXml(fault.detailMessage)}</f:Message></f:WSManFault></s:Detail>` +
    '</s:Fault></s:Body></s:Envelope>'
  );
}
