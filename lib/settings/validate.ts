/**
 * Value checks for the settings the wizard writes. Pure and browser-safe (no Node APIs), so the
 * step forms can use them through the zod schemas in `schemas.ts`.
 */

import { cleanThumbprint } from '../certs/thumbprint';

export type ParseResult<T> =
  { ok: true; value: T; warnings: string[] } | { ok: false; error: string };

const ok = <T>(value: T, warnings: string[] = []): ParseResult<T> => ({
  ok: true,
  value,
  warnings,
});
const fail = <T>(error: string): ParseResult<T> => ({ ok: false, error });

// ---------------------------------------------------------------- hosts and ports

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const DNS_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export function isIPv4(s: string): boolean {
  return IPV4.test(s);
}

export function isIPv6(s: string): boolean {
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groups = (part: string | undefined): string[] | undefined => {
    if (!part) return [];
    const g = part.split(':');
    const last = g[g.length - 1];
    // An embedded IPv4 address counts as two groups.
    if (last !== undefined && last.includes('.')) {
      if (!isIPv4(last)) return undefined;
      g.splice(g.length - 1, 1, '0', '0');
    }
    return g.every((x) => /^[0-9A-Fa-f]{1,4}$/.test(x)) ? g : undefined;
  };
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  if (!head || !tail) return false;
  // An embedded IPv4 address may only end the address.
  if (halves.length === 2 && halves[0]?.includes('.')) return false;
  const count = head.length + tail.length;
  return halves.length === 2 ? count <= 7 : count === 8;
}

/** A DNS host name (RFC 1123 labels) or an IPv4 address. IPv6 is checked separately by callers. */
export function isDnsNameOrIPv4(host: string): boolean {
  if (/^[\d.]+$/.test(host)) return isIPv4(host);
  if (host.length === 0 || host.length > 253) return false;
  return host.split('.').every((label) => DNS_LABEL.test(label));
}

function parsePort(s: string, what: string): ParseResult<number> {
  if (!/^\d{1,5}$/.test(s) || (s.length > 1 && s.startsWith('0'))) {
    return fail(`${what} must be a whole number from 1 to 65535, not "${s}"`);
  }
  const n = Number(s);
  return n >= 1 && n <= 65535 ? ok(n) : fail(`${what} must be from 1 to 65535, not ${n}`);
}

export function parsePortNumber(input: string): ParseResult<number> {
  return parsePort(input, 'The port');
}

// ---------------------------------------------------------------- SqlServerName

export interface SqlServerAddress {
  host: string;
  instance?: string;
  port?: number;
}

/**
 * SQL Server's instance-name rules (SQL Setup "Instance Configuration"): at most 16 characters,
 * starting with a letter; then letters, digits, `$` or `_`; not ending with `_`; not containing
 * "Default". `MSSQLSERVER` names the default instance, which is addressed without an instance name.
 */
export function instanceNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'the instance name after "\\" is empty';
  if (name.length > 16) return `the instance name "${name}" is longer than 16 characters`;
  if (!/^\p{L}[\p{L}\p{Nd}$_]*$/u.test(name)) {
    return `the instance name "${name}" must start with a letter and contain only letters, digits, $ and _`;
  }
  if (name.endsWith('_')) return `the instance name "${name}" must not end with _`;
  if (/default/i.test(name)) return `the instance name "${name}" must not contain "Default"`;
  if (name.toUpperCase() === 'MSSQLSERVER') {
    return 'MSSQLSERVER is the default instance: give the host name alone (or host,port)';
  }
  return undefined;
}

/**
 * `host`, `host,port`, `host\instance` or `host\instance,port` (the port then wins, as in any SQL
 * Server connection string). For HA the wizard writes `<listener DNS>,<port>`.
 */
export function parseSqlServerName(input: string): ParseResult<SqlServerAddress> {
  if (input.length === 0) return fail('The SQL Server name is empty');
  if (/\s/.test(input)) return fail(`The SQL Server name "${input}" must not contain spaces`);
  const comma = input.lastIndexOf(',');
  const serverPart = comma >= 0 ? input.slice(0, comma) : input;
  const portPart = comma >= 0 ? input.slice(comma + 1) : undefined;
  const [host = '', instance, ...extra] = serverPart.split('\\');
  if (extra.length > 0) return fail(`The SQL Server name "${input}" has more than one "\\"`);
  if (!isDnsNameOrIPv4(host) && !isIPv6(host)) {
    return fail(`"${host}" is not a valid DNS host name or IP address`);
  }
  const value: SqlServerAddress = { host };
  if (instance !== undefined) {
    const problem = instanceNameProblem(instance);
    if (problem) return fail(`In "${input}", ${problem}`);
    value.instance = instance;
  }
  if (portPart !== undefined) {
    const port = parsePort(portPart, `The port in "${input}"`);
    if (!port.ok) return fail(port.error);
    value.port = port.value;
  }
  return ok(value);
}

// ---------------------------------------------------------------- MasterEndpoint

export interface MasterEndpoint {
  host: string;
  port: number;
  /** False when the URL has no port and the HTTPS default 443 applies. */
  portExplicit: boolean;
}

export const MISSING_PORT_WARNING =
  'The master endpoint has no port, so HTTPS port 443 is used; the Scale Out Master listens on 8391 unless it was installed with another port';

/** `https://host:port`, optionally with a trailing `/`; host a DNS name, IPv4 or bracketed IPv6. */
export function parseMasterEndpoint(input: string): ParseResult<MasterEndpoint> {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(\[[^\]]*\]|[^/:?#]*)(?::([^/?#]*))?(\/?)(.*)$/.exec(
    input,
  );
  if (!m) return fail(`"${input}" is not a URL of the form https://host:port`);
  const [, scheme = '', rawHost = '', rawPort, , rest = ''] = m;
  if (scheme.toLowerCase() !== 'https') {
    return fail(`The master endpoint must use https, not ${scheme}`);
  }
  if (rest.length > 0) {
    return fail(`The master endpoint must not have a path, query or fragment ("${input}")`);
  }
  const bracketed = rawHost.startsWith('[');
  const host = bracketed ? rawHost.slice(1, -1) : rawHost;
  if (bracketed ? !isIPv6(host) : !isDnsNameOrIPv4(host)) {
    return fail(`"${rawHost}" is not a valid DNS host name or IP address`);
  }
  if (rawPort === undefined)
    return ok({ host, port: 443, portExplicit: false }, [MISSING_PORT_WARNING]);
  const port = parsePort(rawPort, 'The master endpoint port');
  return port.ok ? ok({ host, port: port.value, portExplicit: true }) : fail(port.error);
}

// ---------------------------------------------------------------- thumbprints

/** 40 hex characters (SHA-1), upper-cased, after stripping separators and invisible characters. */
export function normalizeThumbprint(input: string): ParseResult<string> {
  const stripped = cleanThumbprint(input);
  if (!/^[0-9A-Fa-f]*$/.test(stripped)) {
    return fail('A certificate thumbprint may contain only hexadecimal digits');
  }
  if (stripped.length !== 40) {
    return fail(
      `A certificate thumbprint has 40 hexadecimal digits, this one has ${stripped.length}`,
    );
  }
  return ok(stripped.toUpperCase());
}
