// Does a certificate cover a host name? Client-safe (no node: imports).
//
// Rules (RFC 6125 section 6.4, as browsers and Windows apply them):
// - case-insensitive, one trailing dot ignored on either side;
// - a wildcard only as the whole left-most label ("*.corp.example"), matching exactly one
//   non-empty label; never "w*.example", never "a.*.example", never a bare "*" or "*.tld";
// - an IP address only matches an IP SAN, or a CN that is that IP literal; never a wildcard.
// SSIS checks the master endpoint host against the CNs (setup writes several), so CNs count
// even when SANs exist; `cnOnly` tells the caller when a strict client would disagree.

import { formatIp, ipEquals, parseIp } from './ip';
import type { CertificateInfo } from './types';

export type CertificateNames = Pick<
  CertificateInfo,
  'commonNames' | 'sanDnsNames' | 'sanIpAddresses'
>;

export type CoverResult =
  | {
      covered: true;
      /** The name in the certificate that matched, as written there. */
      matchedName: string;
      source: 'san-dns' | 'san-ip' | 'cn';
      wildcard: boolean;
      /**
       * Matched only through a CN although the certificate has SANs: Windows/SSIS accept it,
       * browsers and other RFC 6125 clients ignore CNs when SANs are present.
       */
      cnOnly: boolean;
    }
  | { covered: false; matchedName: null; hostKind: 'dns' | 'ip' | 'invalid' };

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/** Lower-case ASCII (IDNs converted to A-labels), trailing dot removed; null if not a DNS name. */
export function normalizeDnsName(name: string): string | null {
  let s = name.trim();
  if (s.endsWith('.')) s = s.slice(0, -1);
  if (s === '' || s.length > 253) return null;
  if (/[^\x21-\x7e]/.test(s)) {
    // WHATWG URL performs IDNA (UTS #46) mapping in both node and browsers.
    try {
      s = new URL(`http://${s}/`).hostname;
    } catch {
      return null;
    }
  }
  s = s.toLowerCase();
  return s.split('.').every((l) => LABEL.test(l)) ? s : null;
}

function wildcardMatches(pattern: string, host: string): boolean {
  const p = pattern.split('.');
  const h = host.split('.');
  if (p[0] !== '*' || p.length !== h.length) return false;
  if (p.length < 3) return false; // "*.com" and "*.local" would cover a whole namespace
  if (p.slice(1).some((l) => l.includes('*'))) return false;
  return p.slice(1).every((l, i) => l === h[i + 1]);
}

function dnsMatch(certName: string, host: string): { ok: boolean; wildcard: boolean } {
  let pattern = certName.trim();
  if (pattern.endsWith('.')) pattern = pattern.slice(0, -1);
  pattern = pattern.toLowerCase();
  if (pattern.startsWith('*.')) {
    const rest = normalizeDnsName(pattern.slice(2));
    return { ok: rest !== null && wildcardMatches(`*.${rest}`, host), wildcard: true };
  }
  if (pattern.includes('*')) return { ok: false, wildcard: false }; // partial wildcards: never
  const n = normalizeDnsName(pattern);
  return { ok: n !== null && n === host, wildcard: false };
}

/** Whether `hostName` is covered by any CN or SAN of `cert`, and by which name. */
export function covers(cert: CertificateNames, hostName: string): CoverResult {
  const hasSan = cert.sanDnsNames.length + cert.sanIpAddresses.length > 0;
  const ip = parseIp(hostName.trim().replace(/\.$/, ''));
  if (ip !== null) {
    const san = cert.sanIpAddresses.find((a) => {
      const b = parseIp(a);
      return b !== null && ipEquals(b, ip);
    });
    if (san !== undefined) return hit(san, 'san-ip', false, false);
    const cn = cert.commonNames.find((c) => {
      const b = parseIp(c);
      return b !== null && ipEquals(b, ip);
    });
    if (cn !== undefined) return hit(cn, 'cn', false, hasSan);
    return { covered: false, matchedName: null, hostKind: 'ip' };
  }

  const host = normalizeDnsName(hostName);
  if (host === null || host.includes('*'))
    return { covered: false, matchedName: null, hostKind: 'invalid' };

  // Exact names win over wildcards, SANs over CNs, so the evidence shows the strongest match.
  const candidates: Array<{ name: string; source: 'san-dns' | 'cn' }> = [
    ...cert.sanDnsNames.map((name) => ({ name, source: 'san-dns' as const })),
    ...cert.commonNames.map((name) => ({ name, source: 'cn' as const })),
  ];
  let wildcardHit: { name: string; source: 'san-dns' | 'cn' } | undefined;
  for (const c of candidates) {
    const m = dnsMatch(c.name, host);
    if (!m.ok) continue;
    if (!m.wildcard) return hit(c.name, c.source, false, c.source === 'cn' && hasSan);
    wildcardHit ??= c;
  }
  if (wildcardHit !== undefined) {
    return hit(wildcardHit.name, wildcardHit.source, true, wildcardHit.source === 'cn' && hasSan);
  }
  return { covered: false, matchedName: null, hostKind: 'dns' };
}

function hit(
  matchedName: string,
  source: 'san-dns' | 'san-ip' | 'cn',
  wildcard: boolean,
  cnOnly: boolean,
): CoverResult {
  return { covered: true, matchedName, source, wildcard, cnOnly };
}

/** Every name a certificate presents (CNs and SANs), de-duplicated case-insensitively, for display. */
export function presentedNames(cert: CertificateNames): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const n of [...cert.commonNames, ...cert.sanDnsNames, ...cert.sanIpAddresses]) {
    const ip = parseIp(n);
    const key = ip !== null ? formatIp(ip) : n.toLowerCase().replace(/\.$/, '');
    if (!seen.has(key)) {
      seen.add(key);
      out.push(n);
    }
  }
  return out;
}
