import { describe, expect, it } from 'vitest';
import {
  masterEndpointSchema,
  normalizeThumbprint,
  parseMasterEndpoint,
  parsePortNumber,
  parseSqlServerName,
  portNumberSchema,
  sqlServerNameSchema,
  thumbprintSchema,
} from './index';

const TP = 'A909502DD82AE41433E6F83886B00D4277A32A7B';

describe('parseSqlServerName', () => {
  it.each([
    ['SSISLISTENER', { host: 'SSISLISTENER' }],
    ['SSISLISTENER.corp.example.com,1433', { host: 'SSISLISTENER.corp.example.com', port: 1433 }],
    ['SQLNODE1\\SSIS', { host: 'SQLNODE1', instance: 'SSIS' }],
    ['SQLNODE1\\Prod$2_a', { host: 'SQLNODE1', instance: 'Prod$2_a' }],
    ['SQLNODE1\\SSIS,50123', { host: 'SQLNODE1', instance: 'SSIS', port: 50123 }],
    ['10.0.0.21,1433', { host: '10.0.0.21', port: 1433 }],
    ['fe80::1:2,1433', { host: 'fe80::1:2', port: 1433 }],
    ['SQLNODE1\\Zürich', { host: 'SQLNODE1', instance: 'Zürich' }],
    ['sql-01,65535', { host: 'sql-01', port: 65535 }],
  ])('accepts %s', (input, value) => {
    expect(parseSqlServerName(input)).toEqual({ ok: true, value, warnings: [] });
  });

  it.each([
    ['', /empty/],
    ['SSIS LISTENER', /spaces/],
    ['SSISLISTENER,', /port/],
    ['SSISLISTENER,0', /port/],
    ['SSISLISTENER,65536', /65535/],
    ['SSISLISTENER,01433', /whole number/],
    ['SSISLISTENER,14x3', /whole number/],
    ['-bad-.example.com', /not a valid DNS host/],
    ['host_name', /not a valid DNS host/],
    ['10.0.0.256', /not a valid DNS host/],
    ['tcp:SSISLISTENER,1433', /not a valid DNS host/],
    ['SQLNODE1\\', /empty/],
    ['SQLNODE1\\a\\b', /more than one/],
    ['SQLNODE1\\R&D', /letters, digits/],
    ['SQLNODE1\\1st', /start with a letter/],
    ['SQLNODE1\\A-B', /letters, digits/],
    ['SQLNODE1\\ABCDEFGHIJKLMNOPQ', /16 characters/],
    ['SQLNODE1\\SSIS_', /end with _/],
    ['SQLNODE1\\MyDefault', /Default/],
    ['SQLNODE1\\MSSQLSERVER', /default instance/],
  ])('rejects %j', (input, message) => {
    const r = parseSqlServerName(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });
});

describe('parseMasterEndpoint', () => {
  it.each([
    [
      'https://ssismaster.corp.example.com:8391',
      { host: 'ssismaster.corp.example.com', port: 8391, portExplicit: true },
    ],
    ['https://ssismaster:8391/', { host: 'ssismaster', port: 8391, portExplicit: true }],
    ['HTTPS://SSISMASTER:8391', { host: 'SSISMASTER', port: 8391, portExplicit: true }],
    ['https://10.0.0.50:8391', { host: '10.0.0.50', port: 8391, portExplicit: true }],
    ['https://[fe80::50]:8391', { host: 'fe80::50', port: 8391, portExplicit: true }],
  ])('accepts %s', (input, value) => {
    expect(parseMasterEndpoint(input)).toEqual({ ok: true, value, warnings: [] });
  });

  it('accepts a missing port as 443 with a warning', () => {
    for (const input of ['https://ssismaster', 'https://ssismaster/']) {
      const r = parseMasterEndpoint(input);
      expect(r).toMatchObject({ ok: true, value: { port: 443, portExplicit: false } });
      if (r.ok) expect(r.warnings).toEqual([expect.stringContaining('443')]);
    }
  });

  it.each([
    ['http://ssismaster:8391', /https/],
    ['ssismaster:8391', /URL/],
    ['https://ssismaster:8391/ClusterManagement/', /path/],
    ['https://ssismaster:8391//', /path/],
    ['https://ssismaster:8391?x=1', /path/],
    ['https://ssismaster:8391#top', /path/],
    ['https://admin@ssismaster:8391', /not a valid DNS host/],
    ['https://ssis_master:8391', /not a valid DNS host/],
    ['https://fe80::50:8391', /whole number/], // IPv6 needs brackets
    ['https://ssismaster:', /whole number/],
    ['https://ssismaster:0', /1 to 65535/],
    ['https://ssismaster:99999', /1 to 65535/],
    ['https://:8391', /not a valid DNS host/],
  ])('rejects %s', (input, message) => {
    const r = parseMasterEndpoint(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });
});

describe('normalizeThumbprint', () => {
  it.each([
    [TP],
    [TP.toLowerCase()],
    ['a9 09 50 2d d8 2a e4 14 33 e6 f8 38 86 b0 0d 42 77 a3 2a 7b'],
    ['A9:09:50:2D:D8:2A:E4:14:33:E6:F8:38:86:B0:0D:42:77:A3:2A:7B'],
    // Copied from the certificate dialog: a left-to-right mark in front, NBSPs between.
    ['\u200ea9\u00a009\u00a050 2d d8 2a e4 14 33 e6 f8 38 86 b0 0d 42 77 a3 2a 7b'],
    ['\u202a\ufeffa909502dd82ae41433e6f83886b00d4277a32a7b\u202c\u200f\t\r\n'],
    // One clean-up rule for the whole product (lib/certs/thumbprint): dashes and zero-width spaces go too.
    [TP.replace('A9', 'A-9')],
    [TP.replace('A9', 'A\u200b9')],
  ])('normalizes %j', (input) => {
    expect(normalizeThumbprint(input)).toEqual({ ok: true, value: TP, warnings: [] });
  });

  it.each([
    ['', /has 0/],
    [TP.slice(1), /has 39/],
    [`${TP}00`, /has 42/],
    [`${TP.slice(1)}G`, /hexadecimal/],
    [TP.replace('A9', 'A.9'), /hexadecimal/],
  ])('rejects %j', (input, message) => {
    const r = normalizeThumbprint(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });
});

describe('parsePortNumber', () => {
  it('accepts 1..65535 only, as plain digits', () => {
    expect(parsePortNumber('8391')).toEqual({ ok: true, value: 8391, warnings: [] });
    expect(parsePortNumber('1')).toMatchObject({ ok: true, value: 1 });
    for (const bad of ['0', '65536', '-1', '+8391', '8391.0', '0x20CF', '', ' 8391']) {
      expect(parsePortNumber(bad).ok).toBe(false);
    }
  });
});

describe('zod schemas', () => {
  it('trim, check and keep the text of names and endpoints', () => {
    expect(sqlServerNameSchema.parse('  SSISLISTENER,1433 ')).toBe('SSISLISTENER,1433');
    expect(masterEndpointSchema.parse('https://ssismaster:8391')).toBe('https://ssismaster:8391');
    const bad = sqlServerNameSchema.safeParse('SQLNODE1\\R&D');
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/instance name/);
    expect(masterEndpointSchema.safeParse('http://x:1').success).toBe(false);
  });

  it('normalize thumbprints and ports', () => {
    expect(
      thumbprintSchema.parse('\u200ea9 09 50 2d d8 2a e4 14 33 e6 f8 38 86 b0 0d 42 77 a3 2a 7b'),
    ).toBe(TP);
    expect(thumbprintSchema.safeParse('abc').error?.issues[0]?.message).toMatch(/40/);
    expect(portNumberSchema.parse('8391')).toBe(8391);
    expect(portNumberSchema.safeParse('0').success).toBe(false);
  });
});
