/**
 * Unit checks of the byte layouts, using tedious's own encoders and decoders as the
 * independent reference where it has one.
 */

import { describe, expect, it } from 'vitest';
import Login7Payload from 'tedious/lib/login7-payload';
import PreloginPayload from 'tedious/lib/prelogin-payload';
import { Writer, decodeCp1252, encodeCp1252 } from './buffers';
import { writeValue } from './datatypes';
import { bytesToGuid, decimalToScaled, guidToBytes, scaledToDecimal } from './values';
import { FeatureId, parseLogin7, scramblePassword, unscramblePassword } from './login7';
import { PacketReader, encodeMessage, negotiatePacketSize } from './packet';
import type { TdsMessage } from './packet';
import { Encrypt, buildPreloginResponse, decideEncryption, parsePrelogin } from './prelogin';
import { parseRpc, parseTransactionManager } from './rpc';
import { parseVersion } from './server';
import { flightState } from './tls';

describe('LOGIN7', () => {
  it('parses what tedious encodes, including the scrambled password and FeatureExt', () => {
    const p = new Login7Payload({
      tdsVersion: 0x74000004,
      packetSize: 8192,
      clientProgVer: 0x01020304,
      clientPid: 4242,
      connectionId: 0,
      clientTimeZone: -60,
      clientLcid: 0x0409,
    });
    p.userName = 'ssis_admin';
    p.password = 'P@ss wörd €';
    p.hostname = 'WIZARD-HOST';
    p.appName = 'node-mssql';
    p.serverName = 'SQLNODE1';
    p.libraryName = 'Tedious';
    p.language = 'us_english';
    p.database = 'SSISDB';
    p.readOnlyIntent = true;
    const login = parseLogin7(p.toBuffer());
    expect(login).toMatchObject({
      tdsVersion: 0x74000004,
      packetSize: 8192,
      clientPid: 4242,
      clientTimeZone: -60,
      userName: 'ssis_admin',
      password: 'P@ss wörd €',
      hostName: 'WIZARD-HOST',
      appName: 'node-mssql',
      serverName: 'SQLNODE1',
      libraryName: 'Tedious',
      database: 'SSISDB',
      integratedSecurity: false,
      readOnlyIntent: true,
    });
    expect(login.features.get(FeatureId.UTF8_SUPPORT)).toEqual(Buffer.from([0x01]));
  });

  it('sees an SSPI blob as integrated security', () => {
    const p = new Login7Payload({
      tdsVersion: 0x74000004,
      packetSize: 4096,
      clientProgVer: 0,
      clientPid: 1,
      connectionId: 0,
      clientTimeZone: 0,
      clientLcid: 0x0409,
    });
    p.sspi = Buffer.from('NTLMSSP\0\x01\0\0\0', 'latin1');
    p.hostname = 'h';
    const login = parseLogin7(p.toBuffer());
    expect(login.integratedSecurity).toBe(true);
    expect(login.sspi.subarray(0, 7).toString('latin1')).toBe('NTLMSSP');
  });

  it('unscrambles the password per byte (XOR 0xA5, then swap nibbles)', () => {
    // 'a' = 0x61 0x00 → swap 0x16 0x00 → xor 0xB3 0xA5
    expect(scramblePassword('a')).toEqual(Buffer.from([0xb3, 0xa5]));
    expect(unscramblePassword(Buffer.from([0xb3, 0xa5]))).toBe('a');
  });
});

describe('PRELOGIN', () => {
  it("reads tedious's request and answers in a form tedious parses", () => {
    const request = new PreloginPayload({
      encrypt: true,
      version: { major: 19, minor: 2, build: 2, subbuild: 0 },
    });
    const parsed = parsePrelogin(request.data);
    expect(parsed.encryption).toBe(Encrypt.ON);
    expect(parsed.mars).toBe(false);
    const reply = new PreloginPayload(
      buildPreloginResponse(parseVersion('16.0.4135.4'), Encrypt.ON),
    );
    expect(reply.version).toEqual({ major: 16, minor: 0, build: 4135, subbuild: 4 });
    expect(reply.encryptionString).toBe('ON');
    expect(reply.marsString).toBe('OFF');
  });

  it('applies the encryption matrix', () => {
    expect(decideEncryption(Encrypt.ON, true, false)).toEqual({ reply: Encrypt.ON, mode: 'on' });
    expect(decideEncryption(Encrypt.REQ, true, false)).toEqual({ reply: Encrypt.ON, mode: 'on' });
    expect(decideEncryption(Encrypt.OFF, true, false)).toEqual({
      reply: Encrypt.OFF,
      mode: 'login-only',
    });
    expect(decideEncryption(Encrypt.OFF, true, true)).toEqual({ reply: Encrypt.REQ, mode: 'on' });
    expect(decideEncryption(Encrypt.NOT_SUP, true, false)).toEqual({
      reply: Encrypt.NOT_SUP,
      mode: 'off',
    });
    expect(decideEncryption(Encrypt.NOT_SUP, true, true)).toEqual({
      reply: Encrypt.REQ,
      mode: 'refuse',
    });
    expect(decideEncryption(Encrypt.ON, false, false)).toEqual({
      reply: Encrypt.NOT_SUP,
      mode: 'off',
    });
  });
});

describe('packets', () => {
  it('splits at the packet size with EOM on the last packet only, and reassembles', () => {
    const payload = Buffer.alloc(1500, 7);
    const wire = encodeMessage(0x04, payload, 512, 53);
    const headers: number[][] = [];
    for (let off = 0; off < wire.length; off += wire.readUInt16BE(off + 2)) {
      headers.push([
        wire[off + 1] ?? -1,
        wire.readUInt16BE(off + 2),
        wire.readUInt16BE(off + 4),
        wire[off + 6] ?? -1,
      ]);
    }
    expect(headers).toEqual([
      [0, 512, 53, 1],
      [0, 512, 53, 2],
      [1, 8 + 1500 - 2 * 504, 53, 3],
    ]);
    const got: TdsMessage[] = [];
    const reader = new PacketReader((m) => got.push(m));
    // Feed in awkward slices to exercise reassembly across TCP chunk boundaries.
    for (let off = 0; off < wire.length; off += 100) reader.push(wire.subarray(off, off + 100));
    expect(got).toHaveLength(1);
    expect(got[0]?.payload).toEqual(payload);
  });

  it('bounds the negotiated packet size like SQL Server', () => {
    expect(negotiatePacketSize(0)).toBe(4096);
    expect(negotiatePacketSize(100)).toBe(512);
    expect(negotiatePacketSize(65535)).toBe(32767);
    expect(negotiatePacketSize(8000)).toBe(8000);
  });
});

describe('values', () => {
  it('converts GUIDs to and from SQL Server byte order', () => {
    const guid = '6F9619FF-8B86-D011-B42D-00C04FC964FF';
    expect(guidToBytes(guid).toString('hex')).toBe('ff19966f868b11d0b42d00c04fc964ff');
    expect(bytesToGuid(guidToBytes(guid))).toBe(guid);
  });

  it('scales decimals exactly, rounding half away from zero', () => {
    const dec = { type: 'decimal', precision: 10, scale: 2 } as const;
    expect(decimalToScaled(dec, '12345678.915', 2)).toBe(1234567892n);
    expect(decimalToScaled(dec, '-0.005', 2)).toBe(-1n);
    expect(scaledToDecimal(-1n, 2)).toBe('-0.01');
    expect(scaledToDecimal(1234567892n, 2)).toBe('12345678.92');
  });

  it('encodes CP1252 like the collation tedious decodes with', () => {
    expect(encodeCp1252('café €')).toEqual(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x80]));
    expect(decodeCp1252(Buffer.from([0x80, 0x99, 0xe9]))).toBe('€™é');
  });

  it('writes DATETIME2(7) as 5 time bytes then days since 0001-01-01', () => {
    const w = new Writer();
    writeValue(w, { type: 'datetime2', scale: 7 }, new Date('1970-01-01T00:00:01.000Z'));
    // length 8, 10^7 units = 0x989680, day 719162 = 0x0AF93A
    expect(w.toBuffer().toString('hex')).toBe('08' + '8096980000' + '3af90a');
  });

  it('refuses values that do not fit the column type', () => {
    expect(() => writeValue(new Writer(), { type: 'int' }, 2 ** 31)).toThrow(/out of range/);
    expect(() => writeValue(new Writer(), { type: 'uniqueidentifier' }, 'not-a-guid')).toThrow(
      /uniqueidentifier/,
    );
  });
});

describe('requests', () => {
  const allHeaders = (descriptor: Buffer): Buffer => {
    const w = new Writer();
    w.u32(22).u32(18).u16(2).bytes(descriptor).u32(1);
    return w.toBuffer();
  };

  it('parses an RPC by ProcID with typed parameters and output flags', () => {
    const w = new Writer();
    w.bytes(allHeaders(Buffer.alloc(8)));
    w.u16(0xffff).u16(10).u16(0);
    const text = Buffer.from('select 1', 'utf16le');
    w.bVarchar('@statement')
      .u8(0)
      .u8(0xe7)
      .u16(8000)
      .bytes(Buffer.alloc(5))
      .u16(text.length)
      .bytes(text);
    w.bVarchar('@n').u8(1).u8(0x26).u8(8).u8(8).i64(-5n);
    w.bVarchar('@d').u8(0).u8(0x6a).u8(9).u8(12).u8(3).u8(0);
    const [call] = parseRpc(w.toBuffer()).calls;
    expect(call?.procName).toBe('sp_executesql');
    expect(call?.params.map((p) => [p.name, p.type, p.value, p.output])).toEqual([
      ['@statement', { type: 'nvarchar', length: 4000 }, 'select 1', false],
      ['@n', { type: 'bigint' }, -5n, true],
      ['@d', { type: 'decimal', precision: 12, scale: 3 }, null, false],
    ]);
  });

  it('parses TRANSACTION_MANAGER begin and commit with the descriptor in ALL_HEADERS', () => {
    const descriptor = Buffer.from('0102030405060708', 'hex');
    const begin = new Writer()
      .bytes(allHeaders(Buffer.alloc(8)))
      .u16(5)
      .u8(2)
      .u8(4)
      .bytes(Buffer.from('tx', 'utf16le'));
    expect(parseTransactionManager(begin.toBuffer())).toMatchObject({
      kind: 'begin',
      isolationLevel: 2,
      name: 'tx',
    });
    const commit = new Writer().bytes(allHeaders(descriptor)).u16(7).u8(0).u8(0);
    const parsed = parseTransactionManager(commit.toBuffer());
    expect(parsed).toMatchObject({ kind: 'commit', beginNew: false });
    expect(parsed.headers.transactionDescriptor).toEqual(descriptor);
  });
});

describe('TLS flight detection', () => {
  const record = (type: number, payload: Buffer): Buffer =>
    Buffer.concat([Buffer.from([type, 3, 3, payload.length >> 8, payload.length & 0xff]), payload]);

  it('knows when a server flight is complete', () => {
    const helloDone = record(22, Buffer.from('0200000401020304' + '0e000000', 'hex'));
    expect(flightState(helloDone)).toBe('hello-done');
    expect(flightState(helloDone.subarray(0, 7))).toBe('incomplete');
    expect(flightState(record(22, Buffer.from('02000000', 'hex')))).toBe('incomplete');
    expect(
      flightState(Buffer.concat([record(20, Buffer.from([1])), record(22, Buffer.alloc(40, 9))])),
    ).toBe('finished');
    expect(flightState(record(21, Buffer.from([2, 40])))).toBe('alert');
  });
});
