import { describe, expect, it } from 'vitest';
import { getSetting, readMasterSettings, readSettings, readWorkerSettings } from './index';
import { fixture } from './test-helpers';

const fileLabel = 'MasterSettings.config on SQLNODE1';

describe('readMasterSettings', () => {
  it('reads the plain UTF-8-with-BOM CRLF file', () => {
    const s = readMasterSettings(fixture('MasterSettings.config'), { fileLabel });
    expect(s).toMatchObject({
      encoding: 'utf-8-bom',
      newline: '\r\n',
      rootName: 'MasterSettings',
      rootNamespaceUri: '',
      sqlServerName: 'SQLNODE1',
      sslCertThumbprint: 'A909502DD82AE41433E6F83886B00D4277A32A7B',
      portNumber: 8391,
    });
    expect(s.values).toEqual({
      PortNumber: '8391',
      SSLCertThumbprint: 'A909502DD82AE41433E6F83886B00D4277A32A7B',
      SqlServerName: 'SQLNODE1',
      CleanupCompletedJobsIntervalInMs: '43200000',
      DealWithExpiredTasksIntervalInMs: '300000',
      MasterHeartbeatIntervalInMs: '30000',
      SqlConnectionTimeoutInSecs: '15',
    });
    expect(s.elements.map((e) => e.line)).toEqual([3, 4, 5, 6, 7, 8, 9]);
  });

  it('reads UTF-16LE with a BOM', () => {
    const s = readMasterSettings(fixture('MasterSettings.utf16le.config'), { fileLabel });
    expect(s.encoding).toBe('utf-16le-bom');
    expect(s.newline).toBe('\r\n');
    expect(s.sqlServerName).toBe('SQLNODE2\\SSISDB01');
    expect(s.portNumber).toBe(8391);
  });

  it('reads through comments, attributes, namespaces and unknown elements', () => {
    const s = readMasterSettings(fixture('MasterSettings.annotated.config'), { fileLabel });
    expect(s.encoding).toBe('utf-8');
    expect(s.newline).toBe('\n');
    expect(s.rootNamespaceUri).toBe('urn:example:ssis-scale-out:master');
    // The comment inside <SqlServerName> is skipped and the surrounding whitespace trimmed.
    expect(s.sqlServerName).toBe('SSISLISTENER.corp.example.com,1433');
    // Read as written; normalizing is the caller's decision (normalizeThumbprint).
    expect(s.sslCertThumbprint).toBe('a9 09 50 2d d8 2a e4 14 33 e6 f8 38 86 b0 0d 42 77 a3 2a 7b');
    expect(s.values.InstanceName).toBe('MSSQLSERVER');
    expect(s.values.Diagnostics).toBe('keep <raw> & text');
    expect(s.elements.map((e) => e.localName)).toEqual([
      'PortNumber',
      'SSLCertThumbprint',
      'SqlServerName',
      'InstanceName',
      'Diagnostics',
      'CleanupCompletedJobsIntervalInMs',
      'DealWithExpiredTasksIntervalInMs',
      'MasterHeartbeatIntervalInMs',
      'SqlConnectionTimeoutInSecs',
    ]);
    expect(s.elements.every((e) => e.namespaceUri === 'urn:example:ssis-scale-out:master')).toBe(
      true,
    );
  });

  it('reads empty and self-closing elements as empty strings, absent ones as undefined', () => {
    const s = readMasterSettings(fixture('MasterSettings.self-closing.config'), { fileLabel });
    expect(s.sqlServerName).toBe('');
    expect(s.sslCertThumbprint).toBe('');
    expect(s.values.SqlConnectionTimeoutInSecs).toBeUndefined();
  });

  it('matches prefixed elements by local name', () => {
    const s = readMasterSettings(fixture('MasterSettings.prefixed.config'), { fileLabel });
    expect(s.rootName).toBe('ms:MasterSettings');
    expect(s.elements[2]).toMatchObject({ name: 'ms:SqlServerName', localName: 'SqlServerName' });
    expect(s.sqlServerName).toBe('SQLNODE1');
  });

  it('does not depend on the root element name', () => {
    const xml = '<Settings><SqlServerName>SSISLISTENER,1433</SqlServerName></Settings>';
    expect(readMasterSettings(Buffer.from(xml), { fileLabel }).sqlServerName).toBe(
      'SSISLISTENER,1433',
    );
  });

  it('only looks at direct children of the root', () => {
    const xml = '<MasterSettings><Old><SqlServerName>NESTED</SqlServerName></Old></MasterSettings>';
    expect(readMasterSettings(Buffer.from(xml), { fileLabel }).sqlServerName).toBeUndefined();
  });

  it('resolves entities and character references in values', () => {
    const xml = '<MasterSettings><SqlServerName>A&amp;B&#44;1433</SqlServerName></MasterSettings>';
    expect(readMasterSettings(Buffer.from(xml), { fileLabel }).sqlServerName).toBe('A&B,1433');
  });
});

describe('readWorkerSettings', () => {
  it('reads the English docs spellings', () => {
    const s = readWorkerSettings(fixture('WorkerSettings.config'), {
      fileLabel: 'WorkerSettings.config',
    });
    expect(s.masterEndpoint).toBe('https://ssismaster.corp.example.com:8391');
    expect(s.masterHttpsCertThumbprint).toBe('A909502DD82AE41433E6F83886B00D4277A32A7B');
    expect(s.workerHttpsCertThumbprint).toBe('5C1D8E2F7A93B04C6D1E8F2A3B4C5D6E7F809A1B');
    expect(s.values.HeartbeatErrorTollerance).toBe('00:10:00');
    expect(s.values.LeaseInternval).toBe('00:01:00');
    expect(s.values.Description).toBe('');
    expect(s.elements).toHaveLength(24);
  });

  it('reads both spellings of the two misspelled elements through getSetting', () => {
    for (const name of ['WorkerSettings.config', 'WorkerSettings.localized.config'] as const) {
      const bytes = fixture(name);
      expect(getSetting(bytes, 'HeartbeatErrorTolerance', { fileLabel: name })).toBe('00:10:00');
      expect(getSetting(bytes, 'LeaseInterval', { fileLabel: name })).toBe('00:01:00');
    }
  });

  it('reads non-ASCII text', () => {
    const s = readWorkerSettings(fixture('WorkerSettings.localized.config'), { fileLabel: 'w' });
    expect(s.values.Description).toBe('ETL-Worker Büro München – Nachtläufe');
    expect(s.values.HeartbeatErrorTolerance).toBe('00:10:00');
  });
});

describe('readSettings', () => {
  it('keeps repeated unknown elements in `elements` but out of `values`', () => {
    const xml = '<R><Note>a</Note><Note>b</Note><SqlServerName>S</SqlServerName></R>';
    const s = readSettings(Buffer.from(xml), { fileLabel });
    expect(s.elements.map((e) => e.value)).toEqual(['a', 'b', 'S']);
    expect(s.values).toEqual({ SqlServerName: 'S' });
  });

  it('treats an element called __proto__ as a plain key', () => {
    const s = readSettings(Buffer.from('<R><__proto__>x</__proto__></R>'), { fileLabel });
    expect(Object.getPrototypeOf(s.values)).toBe(Object.prototype);
    expect(Object.keys(s.values)).toEqual(['__proto__']);
  });
});
