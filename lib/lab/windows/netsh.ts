// `netsh http show|add|delete sslcert`: HTTP.SYS SSL bindings with netsh's own text and exit
// codes (0 on success, 1 on any failure with "…failed, Error: <win32>" and the system message).

import { WIN32 } from './errors';
import type { WindowsStore } from './store';

export interface NetshResult {
  lines: string[];
  exitCode: number;
}

const ok = (text: string): NetshResult => ({ lines: ['', text, ''], exitCode: 0 });
const failed = (verb: string, code: keyof typeof WIN32): NetshResult => ({
  lines: ['', `SSL Certificate ${verb} failed, Error: ${code}`, WIN32[code], ''],
  exitCode: 1,
});

const IPPORT = /^(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:]+\]):(\d{1,5})$/i;
const GUID_BRACED = /^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$/i;

function parseParams(args: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const a of args) {
    const i = a.indexOf('=');
    if (i > 0) m.set(a.slice(0, i).toLowerCase(), a.slice(i + 1).replace(/^"(.*)"$/, '$1'));
  }
  return m;
}

export function netsh(store: WindowsStore, host: string, argv: string[]): NetshResult {
  const [context, verb, object, ...rest] = argv.map((a) => a.trim()).filter((a) => a !== '');
  if (context?.toLowerCase() !== 'http') {
    return { lines: [`The following command was not found: ${argv.join(' ')}.`], exitCode: 1 };
  }
  if (object?.toLowerCase() !== 'sslcert' || !['show', 'add', 'delete'].includes(verb?.toLowerCase() ?? '')) {
    return { lines: [`The following command was not found: ${argv.join(' ')}.`], exitCode: 1 };
  }
  const p = parseParams(rest);
  const ipPort = p.get('ipport');
  switch (verb?.toLowerCase()) {
    case 'show':
      return show(store, host, ipPort);
    case 'delete':
      if (!ipPort || !IPPORT.test(ipPort)) return failed('deletion', 87);
      return store.deleteSslBinding(host, ipPort) ? ok('SSL Certificate successfully deleted') : failed('deletion', 2);
    default:
      return add(store, host, p);
  }
}

function add(store: WindowsStore, host: string, p: Map<string, string>): NetshResult {
  const ipPort = p.get('ipport');
  const hash = p.get('certhash');
  const appId = p.get('appid');
  if (!ipPort || !IPPORT.test(ipPort) || !hash || !/^[0-9a-f]{40}$/i.test(hash) || !appId || !GUID_BRACED.test(appId)) {
    return failed('add', 87);
  }
  if (store.sslBinding(host, ipPort)) return failed('add', 183);
  const storeName = p.get('certstorename') ?? 'MY';
  const cert = store.certificate(host, storeName, hash.toUpperCase());
  // HTTP.SYS needs the certificate *and its private key* in that store: otherwise 1312.
  if (!cert || !cert.hasPrivateKey) return failed('add', 1312);
  store.putSslBinding(host, {
    ipPort,
    certHash: hash,
    appId,
    certStoreName: storeName,
    clientCertNegotiation: (p.get('clientcertnegotiation') ?? 'disable').toLowerCase() === 'enable',
  });
  return ok('SSL Certificate successfully added');
}

function show(store: WindowsStore, host: string, ipPort: string | undefined): NetshResult {
  const header = ['', 'SSL Certificate bindings:', '-------------------------', ''];
  const bindings = ipPort === undefined ? store.sslBindings(host) : store.sslBindings(host).filter((b) => b.ipPort === ipPort);
  if (ipPort !== undefined && bindings.length === 0) return { lines: [...header, WIN32[2], ''], exitCode: 1 };
  const lines = [...header];
  for (const b of bindings) {
    const row = (k: string, v: string) => `    ${k.padEnd(Math.max(29, k.length + 4))}: ${v}`;
    lines.push(
      row('IP:port', b.ipPort),
      row('Certificate Hash', b.certHash.toLowerCase()),
      row('Application ID', b.appId.toLowerCase()),
      row('Certificate Store Name', b.certStoreName),
      row('Verify Client Certificate Revocation', 'Enabled'),
      row('Verify Revocation Using Cached Client Certificate Only', 'Disabled'),
      row('Usage Check', 'Enabled'),
      row('Revocation Freshness Time', '0'),
      row('URL Retrieval Timeout', '0'),
      row('Ctl Identifier', '(null)'),
      row('Ctl Store Name', '(null)'),
      row('DS Mapper Usage', 'Disabled'),
      row('Negotiate Client Certificate', b.clientCertNegotiation ? 'Enabled' : 'Disabled'),
      row('Reject Connections', 'Disabled'),
      row('Disable HTTP2', 'Not Set'),
      row('Disable QUIC', 'Not Set'),
      row('Disable TLS1.2', 'Not Set'),
      row('Disable TLS1.3', 'Not Set'),
      row('Disable OCSP Stapling', 'Not Set'),
      row('Enable Token Binding', 'Not Set'),
      row('Log Extended Events', 'Not Set'),
      row('Disable Legacy TLS Versions', 'Not Set'),
      row('Enable Session Ticket', 'Not Set'),
      '',
    );
  }
  return { lines, exitCode: 0 };
}
