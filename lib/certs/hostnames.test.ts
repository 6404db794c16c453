import { describe, expect, it } from 'vitest';

import { covers, normalizeDnsName, presentedNames, type CertificateNames } from './hostnames';
import { formatIp, parseIp } from './ip';

const cert = (c: Partial<CertificateNames>): CertificateNames => ({
  commonNames: [],
  sanDnsNames: [],
  sanIpAddresses: [],
  ...c,
});

describe('covers: exact names', () => {
  const ssis = cert({ commonNames: ['SQLNODE1', 'sqlnode1.corp.example', '10.0.0.5'] });

  it('matches any of several CNs (SSIS setup writes CN=a;CN=b;CN=ip), case-insensitively', () => {
    expect(covers(ssis, 'sqlnode1')).toMatchObject({
      covered: true,
      matchedName: 'SQLNODE1',
      source: 'cn',
    });
    expect(covers(ssis, 'SQLNODE1.CORP.EXAMPLE')).toMatchObject({
      covered: true,
      matchedName: 'sqlnode1.corp.example',
    });
  });

  it('ignores a trailing dot on either side', () => {
    expect(covers(ssis, 'sqlnode1.corp.example.')).toMatchObject({ covered: true });
    expect(
      covers(cert({ sanDnsNames: ['master.corp.example.'] }), 'master.corp.example'),
    ).toMatchObject({
      covered: true,
      source: 'san-dns',
    });
  });

  it('does not cover a different host, a suffix or a prefix', () => {
    expect(covers(ssis, 'sqlnode2')).toEqual({
      covered: false,
      matchedName: null,
      hostKind: 'dns',
    });
    expect(covers(ssis, 'node1.corp.example').covered).toBe(false);
    expect(covers(ssis, 'sqlnode1.corp').covered).toBe(false);
  });

  it('prefers a SAN over a CN and flags CN-only matches when SANs exist', () => {
    const both = cert({
      commonNames: ['master.corp.example', 'legacy.corp.example'],
      sanDnsNames: ['master.corp.example'],
    });
    expect(covers(both, 'master.corp.example')).toMatchObject({ source: 'san-dns', cnOnly: false });
    expect(covers(both, 'legacy.corp.example')).toMatchObject({
      covered: true,
      source: 'cn',
      cnOnly: true,
    });
    expect(covers(cert({ commonNames: ['only.cn'] }), 'only.cn')).toMatchObject({ cnOnly: false });
  });

  it('converts IDNs to A-labels before comparing', () => {
    expect(
      covers(cert({ sanDnsNames: ['xn--bcher-kva.example'] }), 'bücher.example'),
    ).toMatchObject({ covered: true });
    expect(normalizeDnsName('BÜCHER.example.')).toBe('xn--bcher-kva.example');
  });

  it('reports invalid host input instead of matching it', () => {
    expect(covers(ssis, '')).toMatchObject({ covered: false, hostKind: 'invalid' });
    expect(covers(ssis, 'bad host')).toMatchObject({ covered: false, hostKind: 'invalid' });
    expect(covers(cert({ commonNames: ['*.corp.example'] }), '*.corp.example')).toMatchObject({
      hostKind: 'invalid',
    });
  });
});

describe('covers: RFC 6125 wildcards', () => {
  const wild = cert({ sanDnsNames: ['*.corp.example'] });

  it('matches exactly one left-most label', () => {
    expect(covers(wild, 'master.corp.example')).toMatchObject({
      covered: true,
      wildcard: true,
      matchedName: '*.corp.example',
    });
    expect(covers(wild, 'MASTER.Corp.Example.')).toMatchObject({ covered: true });
    expect(covers(wild, 'a.b.corp.example').covered).toBe(false);
    expect(covers(wild, 'corp.example').covered).toBe(false);
  });

  it('never accepts partial-label or non-left-most wildcards', () => {
    expect(covers(cert({ sanDnsNames: ['m*.corp.example'] }), 'master.corp.example').covered).toBe(
      false,
    );
    expect(covers(cert({ sanDnsNames: ['*r.corp.example'] }), 'master.corp.example').covered).toBe(
      false,
    );
    expect(covers(cert({ sanDnsNames: ['master.*.example'] }), 'master.corp.example').covered).toBe(
      false,
    );
    expect(covers(cert({ sanDnsNames: ['*.*.example'] }), 'a.corp.example').covered).toBe(false);
  });

  it('refuses wildcards over a single-label suffix and the bare "*"', () => {
    expect(covers(cert({ sanDnsNames: ['*.local'] }), 'master.local').covered).toBe(false);
    expect(covers(cert({ sanDnsNames: ['*'] }), 'master').covered).toBe(false);
  });

  it('never lets a wildcard match an IP address', () => {
    expect(
      covers(cert({ commonNames: ['*.0.0.5'], sanDnsNames: ['*.0.0.5'] }), '10.0.0.5').covered,
    ).toBe(false);
  });

  it('reports the exact name when both an exact name and a wildcard match', () => {
    const c = cert({ sanDnsNames: ['*.corp.example', 'master.corp.example'] });
    expect(covers(c, 'master.corp.example')).toMatchObject({
      matchedName: 'master.corp.example',
      wildcard: false,
    });
  });

  it('applies the same rules to wildcard CNs', () => {
    expect(covers(cert({ commonNames: ['*.corp.example'] }), 'node.corp.example')).toMatchObject({
      source: 'cn',
      wildcard: true,
    });
  });
});

describe('covers: IP addresses', () => {
  const c = cert({
    commonNames: ['master.corp.example', '10.0.0.7'],
    sanDnsNames: ['master.corp.example'],
    sanIpAddresses: ['10.0.0.5', '2001:db8::5'],
  });

  it('matches IPv4 and IPv6 SANs by value whatever the spelling', () => {
    expect(covers(c, '10.0.0.5')).toMatchObject({
      covered: true,
      source: 'san-ip',
      matchedName: '10.0.0.5',
    });
    expect(covers(c, '2001:DB8:0:0:0:0:0:5')).toMatchObject({
      covered: true,
      matchedName: '2001:db8::5',
    });
    expect(covers(c, '[2001:db8::5]')).toMatchObject({ covered: true });
    expect(covers(c, '2001:db8::50').covered).toBe(false);
    expect(covers(c, '10.0.0.50')).toEqual({ covered: false, matchedName: null, hostKind: 'ip' });
  });

  it('accepts a CN that is the IP literal (SSIS setup puts the node IP into a CN)', () => {
    expect(covers(c, '10.0.0.7')).toMatchObject({ covered: true, source: 'cn', cnOnly: true });
  });

  it('does not treat a DNS SAN that spells an IP as an IP SAN, nor an IP SAN as a DNS name', () => {
    expect(covers(cert({ sanDnsNames: ['10.0.0.9'] }), '10.0.0.9').covered).toBe(false);
  });
});

describe('ip helpers', () => {
  it('parses and formats IPv4, IPv6 (RFC 5952) and IPv4-in-IPv6', () => {
    const v6 = parseIp('2001:0DB8:0000:0000:0000:ff00:0042:8329');
    expect(v6 && formatIp(v6)).toBe('2001:db8::ff00:42:8329');
    const mapped = parseIp('::ffff:10.0.0.5');
    expect(mapped && formatIp(mapped)).toBe('::ffff:a00:5');
    expect(parseIp('1:2:3:4:5:6:7:8:9')).toBeNull();
    expect(parseIp('1::2::3')).toBeNull();
    expect(parseIp('010.0.0.1')).toBeNull();
    expect(parseIp('256.0.0.1')).toBeNull();
    expect(parseIp('fe80::1%eth0')).toBeNull();
    const all = parseIp('::');
    expect(all && formatIp(all)).toBe('::');
  });

  it('presentedNames de-duplicates names across CNs and SANs', () => {
    expect(
      presentedNames(
        cert({
          commonNames: ['Master.corp.example', '10.0.0.5'],
          sanDnsNames: ['master.corp.example.'],
          sanIpAddresses: ['10.0.0.5'],
        }),
      ),
    ).toEqual(['Master.corp.example', '10.0.0.5']);
  });
});
