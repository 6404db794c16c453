import { describe, expect, it } from 'vitest';
import {
  applyEdits,
  readMasterSettings,
  readSettings,
  readWorkerSettings,
  type SettingName,
} from './index';
import { changedLines, expectOnlyReplaced, fixture, FIXTURES, utf16, utf8 } from './test-helpers';

const fileLabel = 'MasterSettings.config on SQLNODE1';
const LISTENER = 'SSISLISTENER.corp.example.com,1433';
const CURRENT_SPELLING: Record<string, SettingName> = {
  HeartbeatErrorTollerance: 'HeartbeatErrorTolerance',
  LeaseInternval: 'LeaseInterval',
};

describe('round trip', () => {
  it.each(FIXTURES)('%s: no edits, and every value set to itself, give identical bytes', (name) => {
    const bytes = fixture(name);
    expect(applyEdits(bytes, [], { fileLabel: name })).toEqual({
      bytes,
      changed: false,
      diff: '',
      warnings: [],
    });

    const { values } = readSettings(bytes, { fileLabel: name });
    // Values already canonical can be written back as they are (the annotated thumbprint is not).
    // Empty values of checked settings (SqlServerName) are invalid input, so they are left out.
    const same = Object.entries(values)
      .filter(
        ([k, v]) => v !== '' && !['InstanceName', 'Diagnostics', 'SSLCertThumbprint'].includes(k),
      )
      // Edits name settings in the current spelling, whatever the file uses.
      .map(([element, value]) => ({
        element: (CURRENT_SPELLING[element] ?? element) as SettingName,
        value,
      }));
    const result = applyEdits(bytes, same, { fileLabel: name });
    expect(result.changed).toBe(false);
    expect(result.bytes.equals(bytes)).toBe(true);
  });

  it.each(FIXTURES)('%s: an edit and its reversal restore the original bytes', (name) => {
    const bytes = fixture(name);
    const element: SettingName = name.startsWith('Master') ? 'SqlServerName' : 'MasterEndpoint';
    const value = name.startsWith('Master')
      ? 'SSISAG1.corp.example.com,1433'
      : 'https://ssis.corp.example.com:8391';
    const original = readSettings(bytes, { fileLabel: name }).values[element] ?? '';
    const edited = applyEdits(bytes, [{ element, value }], { fileLabel: name });
    expect(edited.changed).toBe(true);
    expect(readSettings(edited.bytes, { fileLabel: name }).values[element]).toBe(value);
    if (name === 'MasterSettings.self-closing.config') return; // <X /> comes back as <X></X>
    const back = applyEdits(edited.bytes, [{ element, value: original }], { fileLabel: name });
    expect(back.bytes.equals(bytes)).toBe(true);
  });
});

describe('only the value bytes change', () => {
  it('UTF-8 with BOM, CRLF', () => {
    const before = fixture('MasterSettings.config');
    const { bytes } = applyEdits(before, [{ element: 'SqlServerName', value: LISTENER }], {
      fileLabel,
    });
    const at = before.indexOf(utf8('<SqlServerName>')) + '<SqlServerName>'.length;
    expectOnlyReplaced(before, bytes, at, utf8('SQLNODE1'), utf8(LISTENER));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  it('UTF-16LE with BOM: the new text is encoded as UTF-16LE', () => {
    const before = fixture('MasterSettings.utf16le.config');
    const { bytes } = applyEdits(before, [{ element: 'SqlServerName', value: LISTENER }], {
      fileLabel,
    });
    const at = before.indexOf(utf16('<SqlServerName>')) + utf16('<SqlServerName>').length;
    expectOnlyReplaced(before, bytes, at, utf16('SQLNODE2\\SSISDB01'), utf16(LISTENER));
    expect(readMasterSettings(bytes, { fileLabel }).encoding).toBe('utf-16le-bom');
  });

  it('UTF-8 with multi-byte and astral characters before the element', () => {
    const before = fixture('MasterSettings.annotated.config');
    const value = 'SSISLISTENER2.corp.example.com,14330';
    const { bytes } = applyEdits(before, [{ element: 'SqlServerName', value }], { fileLabel });
    // Only the value line changes; the comment inside the element and the padding stay.
    const at = before.indexOf(utf8(LISTENER));
    expectOnlyReplaced(before, bytes, at, utf8(LISTENER), utf8(value));
    expect(bytes.toString('utf8')).toContain(
      `<SqlServerName source="manual">\n    <!-- was SQLNODE1\\SSIS before the AG -->\n    ${value}\n  </SqlServerName>`,
    );
  });

  it('a thumbprint with attributes on the root and comments around the element', () => {
    const before = fixture('MasterSettings.annotated.config');
    const old = 'a9 09 50 2d d8 2a e4 14 33 e6 f8 38 86 b0 0d 42 77 a3 2a 7b';
    const value = '3F2A9C41E07B5D86A1C4F0E29B7D3A5C6E8F1B20';
    const { bytes } = applyEdits(before, [{ element: 'SSLCertThumbprint', value }], { fileLabel });
    expectOnlyReplaced(before, bytes, before.indexOf(utf8(old)), utf8(old), utf8(value));
  });

  it('the misspelled worker elements are edited in the spelling the file has', () => {
    const before = fixture('WorkerSettings.config');
    const { bytes } = applyEdits(
      before,
      [
        { element: 'HeartbeatErrorTolerance', value: '00:15:00' },
        { element: 'LeaseInterval', value: '00:02:00' },
      ],
      { fileLabel: 'WorkerSettings.config' },
    );
    const text = bytes.toString('utf8');
    expect(text).toContain(
      '\r\n  <HeartbeatErrorTollerance>00:15:00</HeartbeatErrorTollerance>\r\n',
    );
    expect(text).toContain('\r\n  <LeaseInternval>00:02:00</LeaseInternval>\r\n');
    expect(text).not.toMatch(/HeartbeatErrorTolerance|LeaseInterval>/);
    expect(bytes.length).toBe(before.length);
  });

  it('the correctly spelled worker elements likewise', () => {
    const before = fixture('WorkerSettings.localized.config');
    const { bytes } = applyEdits(before, [{ element: 'LeaseInterval', value: '00:02:00' }], {
      fileLabel: 'w',
    });
    const at = before.indexOf(utf8('<LeaseInterval>')) + '<LeaseInterval>'.length;
    expectOnlyReplaced(before, bytes, at, utf8('00:01:00'), utf8('00:02:00'));
  });

  it('prefixed elements keep their prefix', () => {
    const before = fixture('MasterSettings.prefixed.config');
    const { bytes } = applyEdits(before, [{ element: 'SqlServerName', value: LISTENER }], {
      fileLabel,
    });
    expect(bytes.toString('utf8')).toContain(`<ms:SqlServerName>${LISTENER}</ms:SqlServerName>`);
  });
});

describe('empty elements', () => {
  it('fills a self-closing element, keeping its attributes', () => {
    const before = fixture('MasterSettings.self-closing.config');
    const { bytes } = applyEdits(before, [{ element: 'SqlServerName', value: LISTENER }], {
      fileLabel,
    });
    const old = utf8('<SqlServerName />');
    const replacement = utf8(`<SqlServerName>${LISTENER}</SqlServerName>`);
    expectOnlyReplaced(before, bytes, before.indexOf(old), old, replacement);

    const withAttr = Buffer.from('<R>\n  <SqlServerName  a="1"\n  />\n</R>');
    expect(
      applyEdits(withAttr, [{ element: 'SqlServerName', value: 'H' }], {
        fileLabel,
      }).bytes.toString(),
    ).toBe('<R>\n  <SqlServerName  a="1">H</SqlServerName>\n</R>');
  });

  it('fills an element written as a start and end tag', () => {
    const before = fixture('MasterSettings.self-closing.config');
    const value = 'A909502DD82AE41433E6F83886B00D4277A32A7B';
    const { bytes } = applyEdits(before, [{ element: 'SSLCertThumbprint', value }], { fileLabel });
    const at = before.indexOf(utf8('<SSLCertThumbprint>')) + '<SSLCertThumbprint>'.length;
    expectOnlyReplaced(before, bytes, at, Buffer.alloc(0), utf8(value));
  });

  it('fills an element that holds only a comment, after the comment', () => {
    const xml = Buffer.from('<R><SqlServerName><!-- listener,port --></SqlServerName></R>');
    const { bytes } = applyEdits(xml, [{ element: 'SqlServerName', value: 'L,1433' }], {
      fileLabel,
    });
    expect(bytes.toString()).toBe(
      '<R><SqlServerName><!-- listener,port -->L,1433</SqlServerName></R>',
    );
  });

  it('empties an element without making it self-closing', () => {
    const before = fixture('WorkerSettings.localized.config');
    const { bytes } = applyEdits(before, [{ element: 'Description', value: '' }], {
      fileLabel: 'w',
    });
    expect(bytes.toString('utf8')).toContain('\n  <Description></Description>\n');
  });

  it('replaces CDATA content with escaped text', () => {
    const xml = Buffer.from('<R><Description><![CDATA[a < b]]></Description></R>');
    const { bytes } = applyEdits(xml, [{ element: 'Description', value: 'c < d' }], { fileLabel });
    expect(bytes.toString()).toBe('<R><Description>c &lt; d</Description></R>');
  });
});

describe('escaping', () => {
  it('escapes &, < and > in values and reads them back', () => {
    const before = fixture('WorkerSettings.config');
    const value = 'R&D <ETL> workers; A&B>C';
    const { bytes } = applyEdits(before, [{ element: 'Description', value }], { fileLabel: 'w' });
    expect(bytes.toString('utf8')).toContain(
      '<Description>R&amp;D &lt;ETL&gt; workers; A&amp;B&gt;C</Description>',
    );
    expect(readWorkerSettings(bytes, { fileLabel: 'w' }).values.Description).toBe(value);
  });

  it('treats a value equal to the escaped text in the file as unchanged', () => {
    const xml = Buffer.from('<R><TasksRootFolder>D:\\R&amp;D</TasksRootFolder></R>');
    const result = applyEdits(xml, [{ element: 'TasksRootFolder', value: 'D:\\R&D' }], {
      fileLabel,
    });
    expect(result.changed).toBe(false);
    expect(result.bytes.equals(xml)).toBe(true);
  });
});

describe('canonical values and warnings', () => {
  it('writes a pasted thumbprint normalized', () => {
    const pasted = '\u200ea9 09 50 2d d8 2a e4 14 33 e6 f8 38 86 b0 0d 42 77 a3 2a 7b';
    const { bytes } = applyEdits(
      fixture('WorkerSettings.config'),
      [{ element: 'MasterHttpsCertThumbprint', value: pasted }],
      {
        fileLabel: 'w',
      },
    );
    // The fixture already holds this thumbprint in canonical form: nothing to change.
    expect(bytes.equals(fixture('WorkerSettings.config'))).toBe(true);

    const annotated = applyEdits(
      fixture('MasterSettings.annotated.config'),
      [{ element: 'SSLCertThumbprint', value: pasted }],
      {
        fileLabel,
      },
    );
    expect(readMasterSettings(annotated.bytes, { fileLabel }).sslCertThumbprint).toBe(
      'A909502DD82AE41433E6F83886B00D4277A32A7B',
    );
  });

  it('warns about a master endpoint without a port but writes it', () => {
    const result = applyEdits(
      fixture('WorkerSettings.config'),
      [{ element: 'MasterEndpoint', value: 'https://ssismaster.corp.example.com' }],
      { fileLabel: 'w' },
    );
    expect(result.changed).toBe(true);
    expect(result.warnings).toEqual([
      { element: 'MasterEndpoint', message: expect.stringContaining('443') },
    ]);
  });
});

describe('inserting a missing element', () => {
  it('copies the siblings’ indentation and CRLF line breaks', () => {
    const before = fixture('MasterSettings.self-closing.config');
    const { bytes } = applyEdits(
      before,
      [{ element: 'SqlConnectionTimeoutInSecs', value: '30', insertIfMissing: true }],
      {
        fileLabel,
      },
    );
    const anchor = utf8('<MasterHeartbeatIntervalInMs>30000</MasterHeartbeatIntervalInMs>');
    const at = before.indexOf(anchor) + anchor.length;
    expectOnlyReplaced(
      before,
      bytes,
      at,
      Buffer.alloc(0),
      utf8('\r\n\t<SqlConnectionTimeoutInSecs>30</SqlConnectionTimeoutInSecs>'),
    );
  });

  it('uses the siblings’ prefix and indentation', () => {
    const { bytes } = applyEdits(
      fixture('MasterSettings.prefixed.config'),
      [
        { element: 'MasterHeartbeatIntervalInMs', value: '30000', insertIfMissing: true },
        { element: 'SqlConnectionTimeoutInSecs', value: '15', insertIfMissing: true },
      ],
      { fileLabel },
    );
    expect(bytes.toString('utf8')).toContain(
      '<ms:SqlServerName>SQLNODE1</ms:SqlServerName>\n' +
        '    <ms:MasterHeartbeatIntervalInMs>30000</ms:MasterHeartbeatIntervalInMs>\n' +
        '    <ms:SqlConnectionTimeoutInSecs>15</ms:SqlConnectionTimeoutInSecs>\n' +
        '</ms:MasterSettings>',
    );
    const s = readMasterSettings(bytes, { fileLabel });
    expect(s.elements.every((e) => e.namespaceUri === 'urn:example:ssis-scale-out:master')).toBe(
      true,
    );
  });

  it('goes after the last setting, before a trailing comment, in a UTF-16 file', () => {
    const xml = '\ufeff<R>\r\n  <A>1</A>\r\n  <!-- end -->\r\n</R>\r\n';
    const before = Buffer.from(xml, 'utf16le');
    const { bytes } = applyEdits(
      before,
      [{ element: 'PortNumber', value: '8391', insertIfMissing: true }],
      { fileLabel },
    );
    expect(bytes.toString('utf16le')).toBe(
      '\ufeff<R>\r\n  <A>1</A>\r\n  <PortNumber>8391</PortNumber>\r\n  <!-- end -->\r\n</R>\r\n',
    );
  });

  it('into an empty root', () => {
    const { bytes } = applyEdits(
      Buffer.from('<R></R>'),
      [{ element: 'PortNumber', value: '8391', insertIfMissing: true }],
      {
        fileLabel,
      },
    );
    expect(bytes.toString()).toBe('<R>\n  <PortNumber>8391</PortNumber>\n</R>');
  });
});

describe('diff', () => {
  it('has the file label in its headers and exactly one -/+ pair for one edit', () => {
    const { diff } = applyEdits(
      fixture('MasterSettings.config'),
      [{ element: 'SqlServerName', value: LISTENER }],
      {
        fileLabel,
      },
    );
    expect(diff).toContain(`--- ${fileLabel}\tcurrent\n`);
    expect(diff).toContain(`+++ ${fileLabel}\tproposed\n`);
    expect(changedLines(diff)).toEqual({
      removed: ['-  <SqlServerName>SQLNODE1</SqlServerName>'],
      added: [`+  <SqlServerName>${LISTENER}</SqlServerName>`],
    });
    expect(diff).not.toContain('\r');
    expect(diff).not.toContain('\ufeff');
  });

  it('shows a UTF-16 file as text', () => {
    const { diff } = applyEdits(
      fixture('MasterSettings.utf16le.config'),
      [{ element: 'PortNumber', value: '8392' }],
      {
        fileLabel,
      },
    );
    expect(changedLines(diff)).toEqual({
      removed: ['-  <PortNumber>8391</PortNumber>'],
      added: ['+  <PortNumber>8392</PortNumber>'],
    });
  });

  it('shows inserted lines as additions only', () => {
    const { diff } = applyEdits(
      fixture('MasterSettings.self-closing.config'),
      [{ element: 'SqlConnectionTimeoutInSecs', value: '15', insertIfMissing: true }],
      { fileLabel },
    );
    expect(changedLines(diff)).toEqual({
      removed: [],
      added: ['+\t<SqlConnectionTimeoutInSecs>15</SqlConnectionTimeoutInSecs>'],
    });
  });
});

describe('several edits at once', () => {
  it('applies all of them and nothing else', () => {
    const before = fixture('WorkerSettings.config');
    const result = applyEdits(
      before,
      [
        { element: 'MasterEndpoint', value: 'https://ssis.corp.example.com:8391' },
        { element: 'MasterHttpsCertThumbprint', value: '3F2A9C41E07B5D86A1C4F0E29B7D3A5C6E8F1B20' },
        { element: 'DisplayName', value: 'SSISWORKER1' },
      ],
      { fileLabel: 'w' },
    );
    const s = readWorkerSettings(result.bytes, { fileLabel: 'w' });
    expect(s.masterEndpoint).toBe('https://ssis.corp.example.com:8391');
    expect(s.masterHttpsCertThumbprint).toBe('3F2A9C41E07B5D86A1C4F0E29B7D3A5C6E8F1B20');
    expect(changedLines(result.diff).removed).toHaveLength(2);
    const unchanged = readWorkerSettings(before, { fileLabel: 'w' }).elements.filter(
      (e) => e.localName !== 'MasterEndpoint' && e.localName !== 'MasterHttpsCertThumbprint',
    );
    expect(s.elements.filter((e) => unchanged.some((u) => u.localName === e.localName))).toEqual(
      unchanged,
    );
  });
});
