import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readZip, writeZip } from './zip';

describe('writeZip', () => {
  it('writes an archive that Python zipfile reads back byte for byte (stored and deflated)', () => {
    const big = 'drift '.repeat(5000);
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const zip = writeZip([
      { name: 'runbook.md', data: big },
      { name: 'images/01-prereqs.png', data: png },
      { name: 'SQLNODE1/01-primary-rebind.ps1', data: 'Write-Output "é"' },
    ]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zip-'));
    const file = path.join(dir, 'x.zip');
    fs.writeFileSync(file, zip);
    const listing = execFileSync('python3', ['-c', 'import sys,zipfile,json;z=zipfile.ZipFile(sys.argv[1]);assert z.testzip() is None;print(json.dumps({i.filename:[i.compress_type,z.read(i).hex()] for i in z.infolist()}))', file], { encoding: 'utf8' });
    const got = JSON.parse(listing) as Record<string, [number, string]>;
    expect(got['runbook.md']).toEqual([8, Buffer.from(big).toString('hex')]);
    expect(got['images/01-prereqs.png']).toEqual([0, png.toString('hex')]);
    expect(Buffer.from(got['SQLNODE1/01-primary-rebind.ps1']![1], 'hex').toString('utf8')).toBe('Write-Output "é"');
    expect(readZip(zip).get('runbook.md')?.toString()).toBe(big);
  });

  it('refuses names that would escape the folder it is unpacked into, and duplicates', () => {
    expect(() => writeZip([{ name: '../x', data: '' }])).toThrow(/Bad zip entry name "..\/x"/);
    expect(() => writeZip([{ name: '/etc/x', data: '' }])).toThrow(/Bad zip entry name/);
    expect(() => writeZip([{ name: 'a', data: '' }, { name: 'a', data: '' }])).toThrow(/Duplicate zip entry "a"/);
  });
});
