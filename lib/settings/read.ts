import {
  assertNoDuplicateKnownSettings,
  findSetting,
  loadSource,
  trimXml,
  type SettingsSource,
} from './document';
import type { FileEncoding } from './encoding';
import { SettingsError } from './errors';
import type { SettingName } from './names';
import { parsePortNumber } from './validate';

export interface ReadOptions {
  /** Names the file in every error message, e.g. `MasterSettings.config on SQLNODE1`. */
  fileLabel: string;
}

export interface SettingElement {
  /** The element name as written, with any prefix. */
  name: string;
  localName: string;
  namespaceUri: string;
  /** Text content with entities resolved and comments skipped, trimmed of XML whitespace. */
  value: string;
  line: number;
}

export interface SettingsFile {
  encoding: FileEncoding;
  newline: '\r\n' | '\n';
  /** The root element name as written. Not checked: the real name is unconfirmed. */
  rootName: string;
  rootNamespaceUri: string;
  /** Every direct child of the root, in document order, known or not. */
  elements: readonly SettingElement[];
  /**
   * Values by local name, as spelled in the file. A name that occurs more than once is left out
   * (for a known setting that is an error instead).
   */
  values: Readonly<Record<string, string>>;
}

export interface MasterSettings extends SettingsFile {
  sqlServerName: string | undefined;
  sslCertThumbprint: string | undefined;
  portNumber: number | undefined;
}

export interface WorkerSettings extends SettingsFile {
  masterEndpoint: string | undefined;
  masterHttpsCertThumbprint: string | undefined;
  workerHttpsCertThumbprint: string | undefined;
}

/** Reads any settings file: all direct children of the root and their values. */
export function readSettings(bytes: Uint8Array, options: ReadOptions): SettingsFile {
  return toSettingsFile(readSource(bytes, options));
}

/** Reads MasterSettings.config. `portNumber` is an error if present but not a port. */
export function readMasterSettings(bytes: Uint8Array, options: ReadOptions): MasterSettings {
  const source = readSource(bytes, options);
  const get = (name: SettingName) => valueOf(source, name);
  return {
    ...toSettingsFile(source),
    sqlServerName: get('SqlServerName'),
    sslCertThumbprint: get('SSLCertThumbprint'),
    portNumber: portOf(source, get('PortNumber')),
  };
}

/** Reads WorkerSettings.config. */
export function readWorkerSettings(bytes: Uint8Array, options: ReadOptions): WorkerSettings {
  const source = readSource(bytes, options);
  const get = (name: SettingName) => valueOf(source, name);
  return {
    ...toSettingsFile(source),
    masterEndpoint: get('MasterEndpoint'),
    masterHttpsCertThumbprint: get('MasterHttpsCertThumbprint'),
    workerHttpsCertThumbprint: get('WorkerHttpsCertThumbprint'),
  };
}

/** The value of one known setting in either spelling, or undefined when the element is absent. */
export function getSetting(
  bytes: Uint8Array,
  name: SettingName,
  options: ReadOptions,
): string | undefined {
  return valueOf(readSource(bytes, options), name);
}

function readSource(bytes: Uint8Array, { fileLabel }: ReadOptions): SettingsSource {
  const source = loadSource(bytes, fileLabel);
  assertNoDuplicateKnownSettings(source);
  return source;
}

function valueOf(source: SettingsSource, name: SettingName): string | undefined {
  const element = findSetting(source, name);
  return element && trimXml(element.text);
}

function portOf(source: SettingsSource, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const port = parsePortNumber(raw);
  if (port.ok) return port.value;
  throw new SettingsError('invalid-value', source.fileLabel, `<PortNumber>: ${port.error}`, {
    element: 'PortNumber',
    line: findSetting(source, 'PortNumber')?.line,
  });
}

function toSettingsFile(source: SettingsSource): SettingsFile {
  const elements = source.children.map((c) => ({
    name: c.qname,
    localName: c.local,
    namespaceUri: c.uri,
    value: trimXml(c.text),
    line: c.line,
  }));
  const counts = new Map<string, number>();
  for (const e of elements) counts.set(e.localName, (counts.get(e.localName) ?? 0) + 1);
  // fromEntries defines own properties, so an element called __proto__ stays a plain key.
  const values = Object.fromEntries(
    elements.filter((e) => counts.get(e.localName) === 1).map((e) => [e.localName, e.value]),
  );
  return {
    encoding: source.encoding,
    newline: source.text.includes('\r\n') ? '\r\n' : '\n',
    rootName: source.root.qname,
    rootNamespaceUri: source.root.uri,
    elements,
    values,
  };
}
