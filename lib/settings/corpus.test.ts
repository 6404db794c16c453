// The whole fixture corpus: every variant round-trips byte for byte, an edit changes only its
// value, a missing element is reported (or inserted on request), malformed XML is refused with
// its line and column.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyEdits, isSettingsError, readSettings, type SettingName } from './index';

const DIR = path.join(import.meta.dirname, 'fixtures');
const FILES = fs.readdirSync(DIR).filter((f) => f.endsWith('.config'));

function refusal(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (isSettingsError(e)) return e;
    throw e;
  }
  throw new Error('expected a SettingsError');
}

describe('settings corpus', () => {
  it('holds at least 12 variants', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(12);
  });

  it.each(FILES)('%s', (name) => {
    const bytes = fs.readFileSync(path.join(DIR, name));
    const opts = { fileLabel: name };
    if (name.includes('malformed')) {
      const e = refusal(() => readSettings(bytes, opts));
      expect(e.code).toBe('malformed-xml');
      expect(e.line).toBeGreaterThan(0);
      expect(e.column).toBeGreaterThan(0);
      expect(e.message).toMatch(new RegExp(`^${name.replace(/\./g, '\\.')}: malformed XML at line \\d+, column \\d+`));
      expect(refusal(() => applyEdits(bytes, [{ element: 'SqlServerName', value: 'X,1433' }], opts)).code).toBe('malformed-xml');
      return;
    }
    const isWorker = name.startsWith('Worker');
    const element: SettingName = isWorker ? 'MasterEndpoint' : 'SqlServerName';
    const value = isWorker ? 'https://SSISMASTER.lab.example:8391' : 'SSISDBLSN,1433';
    const before = readSettings(bytes, opts);

    // Unchanged: identical bytes.
    expect(applyEdits(bytes, [], opts).bytes.equals(bytes)).toBe(true);

    if (name.includes('missing')) {
      expect(refusal(() => applyEdits(bytes, [{ element, value }], opts)).code).toBe('missing-element');
      const inserted = applyEdits(bytes, [{ element, value, insertIfMissing: true }], opts);
      expect(readSettings(inserted.bytes, opts).values[element]).toBe(value);
      return;
    }
    const edited = applyEdits(bytes, [{ element, value }], opts);
    expect(edited.changed).toBe(true);
    const after = readSettings(edited.bytes, opts);
    expect(after.values[element]).toBe(value);
    expect(after.encoding).toBe(before.encoding);
    expect(after.newline).toBe(before.newline);
    // Every other value is as it was, and the bytes outside the value are untouched.
    expect({ ...after.values, [element]: undefined }).toEqual({ ...before.values, [element]: undefined });
    // The bytes that differ lie within the element's own line: nothing else moved.
    const prefix = commonPrefix(bytes, edited.bytes);
    const suffix = commonPrefix(Buffer.from(bytes).reverse(), Buffer.from(edited.bytes).reverse());
    const enc = before.encoding === 'utf-16le-bom' ? 'utf16le' : 'utf8';
    const changedOld = bytes.subarray(prefix, bytes.length - suffix).toString(enc);
    const changedNew = edited.bytes.subarray(prefix, edited.bytes.length - suffix).toString(enc);
    expect(changedOld).not.toMatch(/[\r\n]/);
    expect(changedNew).not.toMatch(/[\r\n]/);
    expect(edited.diff.split('\n').filter((l) => /^[-+][^-+]/.test(l))).toHaveLength(2);
  });
});

function commonPrefix(a: Buffer, b: Buffer): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
