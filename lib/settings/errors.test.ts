import { describe, expect, it } from 'vitest';
import {
  applyEdits,
  isSettingsError,
  readMasterSettings,
  readSettings,
  SettingsError,
  type SettingEdit,
  type SettingsErrorCode,
} from './index';
import { fixture, thrown } from './test-helpers';

const fileLabel = 'MasterSettings.config on SQLNODE2';

function settingsError(fn: () => unknown): SettingsError {
  const e = thrown(fn);
  expect(isSettingsError(e)).toBe(true);
  const err = e as SettingsError;
  expect(err.message.startsWith(`${fileLabel}: `)).toBe(true);
  expect(err.fileLabel).toBe(fileLabel);
  return err;
}

const edit: SettingEdit[] = [{ element: 'SqlServerName', value: 'SSISLISTENER,1433' }];

describe('malformed XML', () => {
  const cases: [string, string, number][] = [
    ['an unclosed element', '<MasterSettings>\n  <SqlServerName>SQLNODE1\n</MasterSettings>', 3],
    [
      'a mismatched end tag',
      '<MasterSettings>\n  <SqlServerName>x</SqlServername>\n</MasterSettings>',
      2,
    ],
    [
      'a truncated file',
      '<MasterSettings>\n  <PortNumber>8391</PortNumber>\n  <SqlServerName>SQLNO',
      3,
    ],
    [
      'an HTML entity',
      '<MasterSettings>\n  <Description>a&nbsp;b</Description>\n</MasterSettings>',
      2,
    ],
    [
      'a bare ampersand',
      '<MasterSettings>\n  <Description>R&D</Description>\n</MasterSettings>',
      2,
    ],
    ['a bare ampersand in an attribute', '<MasterSettings note="a & b">\n</MasterSettings>', 1],
    ['a bare <', '<MasterSettings>\n  <Description>a < b</Description>\n</MasterSettings>', 2],
    ['two root elements', '<MasterSettings/>\n<WorkerSettings/>', 2],
    ['text after the root', '<MasterSettings/>\ntrailing', 2],
    ['a duplicate attribute', '<MasterSettings a="1" a="2"/>', 1],
    ['an undeclared prefix', '<MasterSettings>\n  <ms:SqlServerName/>\n</MasterSettings>', 2],
    ['an XML declaration not at the start', '\n<?xml version="1.0"?><MasterSettings/>', 2],
    ['a NUL character', '<MasterSettings>\n\u0000</MasterSettings>', 2],
  ];

  it.each(cases)('%s: code, line and column, from read and from edit', (_, xml, line) => {
    for (const run of [
      () => readSettings(Buffer.from(xml), { fileLabel }),
      () => applyEdits(Buffer.from(xml), edit, { fileLabel }),
    ]) {
      const err = settingsError(run);
      expect(err.code).toBe<SettingsErrorCode>('malformed-xml');
      expect(err.line).toBe(line);
      expect(err.column).toBeGreaterThanOrEqual(0);
      expect(err.message).toMatch(
        new RegExp(`^${fileLabel}: malformed XML at line ${line}, column \\d+: .+`),
      );
    }
  });

  it('points at a bare & rather than where the parser gave up', () => {
    const xml =
      '<R>\r\n  <!-- R&D team -->\r\n  <Description>Köln R&D</Description>\r\n  <X>1</X>\r\n</R>';
    const err = settingsError(() => readSettings(Buffer.from(xml), { fileLabel }));
    expect(err).toMatchObject({ code: 'malformed-xml', line: 3, column: 22 });
    expect(err.message).toContain('"&" must be written as "&amp;"');
  });

  it('an empty file, and one holding only a BOM', () => {
    for (const bytes of [Buffer.alloc(0), Buffer.from([0xef, 0xbb, 0xbf])]) {
      expect(settingsError(() => readSettings(bytes, { fileLabel })).code).toBe('malformed-xml');
    }
  });

  it('reports lines of a UTF-16 file as lines of text', () => {
    const bytes = Buffer.from('\ufeff<R>\r\n<A>\r\n</R>', 'utf16le');
    const err = settingsError(() => readSettings(bytes, { fileLabel }));
    expect(err).toMatchObject({ code: 'malformed-xml', line: 3 });
  });

  it('a DOCTYPE is refused', () => {
    const xml = '<!DOCTYPE MasterSettings [<!ENTITY x "y">]><MasterSettings/>';
    expect(settingsError(() => readSettings(Buffer.from(xml), { fileLabel })).code).toBe(
      'unsupported-content',
    );
  });
});

describe('encodings that cannot round-trip', () => {
  it.each([
    [
      'invalid UTF-8',
      Buffer.concat([
        Buffer.from('<R><Description>'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('</Description></R>'),
      ]),
    ],
    ['Latin-1 bytes', Buffer.from('<R><Description>Köln</Description></R>', 'latin1')],
    ['UTF-16LE without a BOM', Buffer.from('<R/>', 'utf16le')],
    ['UTF-16BE', Buffer.from([0xfe, 0xff, 0x00, 0x3c, 0x00, 0x52, 0x00, 0x2f, 0x00, 0x3e])],
    ['UTF-16LE with an odd byte count', Buffer.from([0xff, 0xfe, 0x3c, 0x00, 0x52])],
    [
      'UTF-16LE with a lone surrogate',
      Buffer.concat([
        Buffer.from([0xff, 0xfe]),
        Buffer.from('<R>', 'utf16le'),
        Buffer.from([0x00, 0xd8]),
        Buffer.from('</R>', 'utf16le'),
      ]),
    ],
  ])('%s', (_, bytes) => {
    const err = settingsError(() => applyEdits(bytes, edit, { fileLabel }));
    expect(err.code).toBe('unsupported-encoding');
  });
});

describe('missing and duplicate elements', () => {
  it('a missing element is an error naming file and element', () => {
    const err = settingsError(() =>
      applyEdits(
        fixture('MasterSettings.self-closing.config'),
        [{ element: 'SqlConnectionTimeoutInSecs', value: '30' }],
        {
          fileLabel,
        },
      ),
    );
    expect(err).toMatchObject({ code: 'missing-element', element: 'SqlConnectionTimeoutInSecs' });
    expect(err.message).toBe(`${fileLabel}: <SqlConnectionTimeoutInSecs> is missing`);
  });

  it('an element nested deeper does not count as present', () => {
    const xml = Buffer.from('<R><Old><SqlServerName>x</SqlServerName></Old></R>');
    expect(settingsError(() => applyEdits(xml, edit, { fileLabel })).code).toBe('missing-element');
  });

  it('the misspelled elements are never inserted', () => {
    const xml = Buffer.from(
      '<WorkerSettings>\n  <MaxTaskCount>10</MaxTaskCount>\n</WorkerSettings>',
    );
    for (const element of ['HeartbeatErrorTolerance', 'LeaseInterval'] as const) {
      const err = settingsError(() =>
        applyEdits(xml, [{ element, value: '00:01:00', insertIfMissing: true }], { fileLabel }),
      );
      expect(err.code).toBe('missing-element');
      expect(err.message).toContain(`<${element}>`);
      expect(err.message).toMatch(/Tollerance|Internval/);
    }
  });

  it('a duplicated setting is an error for reads and edits, with both lines', () => {
    const xml = Buffer.from(
      '<R>\n<SqlServerName>A</SqlServerName>\n<PortNumber>1</PortNumber>\n<SqlServerName>B</SqlServerName>\n</R>',
    );
    for (const run of [
      () => readMasterSettings(xml, { fileLabel }),
      () => applyEdits(xml, [{ element: 'PortNumber', value: '8391' }], { fileLabel }),
    ]) {
      const err = settingsError(run);
      expect(err).toMatchObject({ code: 'duplicate-element', element: 'SqlServerName', line: 2 });
      expect(err.message).toContain('<SqlServerName> appears more than once (lines 2 and 4)');
    }
  });

  it('both spellings of one setting count as a duplicate', () => {
    const xml = Buffer.from(
      '<R>\n<LeaseInterval>00:01:00</LeaseInterval>\n<LeaseInternval>00:02:00</LeaseInternval>\n</R>',
    );
    const err = settingsError(() =>
      applyEdits(xml, [{ element: 'LeaseInterval', value: '00:03:00' }], { fileLabel }),
    );
    expect(err.code).toBe('duplicate-element');
    expect(err.message).toContain('<LeaseInterval> and <LeaseInternval>');
  });
});

describe('invalid values', () => {
  it.each<[SettingEdit, RegExp]>([
    [{ element: 'SqlServerName', value: 'SQLNODE1\\R&D' }, /instance name "R&D"/],
    [{ element: 'SqlServerName', value: 'SSISLISTENER,0' }, /port/],
    [{ element: 'SqlServerName', value: '' }, /empty/],
    [{ element: 'MasterEndpoint', value: 'http://ssismaster:8391' }, /https/],
    [{ element: 'MasterEndpoint', value: 'https://ssismaster:8391/ClusterManagement/' }, /path/],
    [
      { element: 'MasterHttpsCertThumbprint', value: 'A909502DD82AE41433E6F83886B00D4277A32A7' },
      /40/,
    ],
    [
      { element: 'SSLCertThumbprint', value: 'Z909502DD82AE41433E6F83886B00D4277A32A7B' },
      /hexadecimal/,
    ],
    [{ element: 'PortNumber', value: '70000' }, /65535/],
    [{ element: 'Description', value: 'two\nlines' }, /control/],
    [{ element: 'Description', value: ' padded' }, /whitespace/],
    [{ element: 'DisplayName', value: 'bad \uFFFF char' }, /non-XML/],
  ])('%o', (e, detail) => {
    const err = settingsError(() =>
      applyEdits(fixture('WorkerSettings.config'), [e], { fileLabel }),
    );
    expect(err).toMatchObject({ code: 'invalid-value', element: e.element });
    expect(err.message.startsWith(`${fileLabel}: <${e.element}>: `)).toBe(true);
    expect(err.message).toMatch(detail);
  });

  it('an unparsable PortNumber in the file is reported on read', () => {
    const xml = Buffer.from('<R>\n<PortNumber>84x1</PortNumber>\n</R>');
    const err = settingsError(() => readMasterSettings(xml, { fileLabel }));
    expect(err).toMatchObject({ code: 'invalid-value', element: 'PortNumber', line: 2 });
  });
});

describe('content the editor will not guess about', () => {
  it('an element with child elements', () => {
    const xml = Buffer.from('<R>\n<SqlServerName><Server>x</Server></SqlServerName>\n</R>');
    const err = settingsError(() => applyEdits(xml, edit, { fileLabel }));
    expect(err).toMatchObject({ code: 'unsupported-content', element: 'SqlServerName', line: 2 });
  });

  it('a comment in the middle of a value', () => {
    const xml = Buffer.from('<R><SqlServerName>SQL<!-- x -->NODE1</SqlServerName></R>');
    expect(settingsError(() => applyEdits(xml, edit, { fileLabel })).code).toBe(
      'unsupported-content',
    );
  });

  it('an undocumented element name (only possible past the type system)', () => {
    for (const element of ['MasterUri', 'LeaseInternval', 'Bad Name']) {
      const e = { element, value: 'x', insertIfMissing: true } as unknown as SettingEdit;
      const err = settingsError(() =>
        applyEdits(fixture('WorkerSettings.config'), [e], { fileLabel }),
      );
      expect(err).toMatchObject({ code: 'invalid-value', element });
    }
  });

  it('the same setting edited twice', () => {
    const err = settingsError(() =>
      applyEdits(
        fixture('MasterSettings.config'),
        [...edit, { element: 'SqlServerName', value: 'OTHER,1433' }],
        { fileLabel },
      ),
    );
    expect(err).toMatchObject({ code: 'conflicting-edits', element: 'SqlServerName' });
  });
});

describe('all or nothing', () => {
  it('a later invalid edit produces no output and leaves the input untouched', () => {
    const input = fixture('MasterSettings.config');
    const copy = Buffer.from(input);
    const err = settingsError(() =>
      applyEdits(input, [...edit, { element: 'PortNumber', value: 'eighty' }], { fileLabel }),
    );
    expect(err.code).toBe('invalid-value');
    expect(input.equals(copy)).toBe(true);
  });
});
