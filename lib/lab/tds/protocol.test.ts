/**
 * Packet-level behaviour that the high-level clients exercise only by accident of timing:
 * IGNORE, ATTENTION with nothing running, RESETCONNECTION, small packet sizes, SSPI
 * logins and garbage. A minimal client built from tedious's own payload encoders drives
 * the server byte by byte.
 */

import * as net from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Login7Payload from 'tedious/lib/login7-payload';
import PreloginPayload from 'tedious/lib/prelogin-payload';
import { Writer } from './buffers';
import { createTdsServer } from './server';
import { USERS, makeTestHandler, newLog } from './test-support';
import type { HandlerLog } from './test-support';
import type { TdsServer } from './types';

interface Packet {
  type: number;
  status: number;
  length: number;
  spid: number;
  id: number;
}

class RawClient {
  private buffered = Buffer.alloc(0);
  private packets: { header: Packet; body: Buffer }[] = [];
  private wake: (() => void) | undefined;
  readonly closed: Promise<void>;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, d]);
      while (this.buffered.length >= 8 && this.buffered.length >= this.buffered.readUInt16BE(2)) {
        const length = this.buffered.readUInt16BE(2);
        const header = {
          type: this.buffered.readUInt8(0),
          status: this.buffered.readUInt8(1),
          length,
          spid: this.buffered.readUInt16BE(4),
          id: this.buffered.readUInt8(6),
        };
        this.packets.push({ header, body: Buffer.from(this.buffered.subarray(8, length)) });
        this.buffered = this.buffered.subarray(length);
      }
      this.wake?.();
    });
    this.closed = once(socket, 'close').then(() => undefined);
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = net.connect(port, '127.0.0.1');
    await once(socket, 'connect');
    return new RawClient(socket);
  }

  send(type: number, payload: Buffer, opts: { packetSize?: number; status?: number } = {}): void {
    const room = (opts.packetSize ?? 4096) - 8;
    const count = Math.max(1, Math.ceil(payload.length / room));
    for (let i = 0; i < count; i++) {
      const chunk = payload.subarray(i * room, (i + 1) * room);
      const last = i === count - 1;
      const header = Buffer.alloc(8);
      header.writeUInt8(type, 0);
      header.writeUInt8(
        (last ? 0x01 : 0) |
          (i === 0 ? (opts.status ?? 0) & 0x18 : 0) |
          (last ? (opts.status ?? 0) & 0x02 : 0),
        1,
      );
      header.writeUInt16BE(chunk.length + 8, 2);
      header.writeUInt8(i + 1, 6);
      this.socket.write(Buffer.concat([header, chunk]));
    }
  }

  /** The next complete message, with the headers of its packets. */
  async message(): Promise<{ payload: Buffer; packets: Packet[] }> {
    for (;;) {
      const end = this.packets.findIndex((p) => p.header.status & 0x01);
      if (end >= 0) {
        const taken = this.packets.splice(0, end + 1);
        return {
          payload: Buffer.concat(taken.map((p) => p.body)),
          packets: taken.map((p) => p.header),
        };
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  end(): void {
    this.socket.end();
  }
}

/** Tokens with a u16 length after the token byte, plus fixed-size DONE tokens: enough to read login and control responses. */
function tokens(payload: Buffer): { token: number; body: Buffer }[] {
  const out: { token: number; body: Buffer }[] = [];
  let pos = 0;
  while (pos < payload.length) {
    const token = payload.readUInt8(pos);
    if (token === 0xfd || token === 0xfe || token === 0xff) {
      out.push({ token, body: payload.subarray(pos + 1, pos + 13) });
      pos += 13;
    } else if (token === 0xae) {
      let p = pos + 1;
      while (payload[p] !== 0xff) p += 5 + payload.readUInt32LE(p + 1);
      out.push({ token, body: payload.subarray(pos + 1, p + 1) });
      pos = p + 1;
    } else {
      const length = payload.readUInt16LE(pos + 1);
      out.push({ token, body: payload.subarray(pos + 3, pos + 3 + length) });
      pos += 3 + length;
    }
  }
  return out;
}

function allHeaders(): Buffer {
  return new Writer().u32(22).u32(18).u16(2).bytes(Buffer.alloc(8)).u32(1).toBuffer();
}

function sqlBatch(text: string): Buffer {
  return Buffer.concat([allHeaders(), Buffer.from(text, 'utf16le')]);
}

function login7(opts: { packetSize?: number; password?: string; sspi?: Buffer } = {}): Buffer {
  const p = new Login7Payload({
    tdsVersion: 0x74000004,
    packetSize: opts.packetSize ?? 4096,
    clientProgVer: 0,
    clientPid: process.pid,
    connectionId: 0,
    clientTimeZone: 0,
    clientLcid: 0x0409,
  });
  p.hostname = 'raw-client';
  p.appName = 'raw';
  p.libraryName = 'raw';
  p.serverName = 'SQLNODE1';
  p.database = 'SSISDB';
  if (opts.sspi) p.sspi = opts.sspi;
  else {
    p.userName = 'sa';
    p.password = opts.password ?? USERS.sa;
  }
  return p.toBuffer();
}

async function loggedIn(
  port: number,
  packetSize = 4096,
): Promise<{ client: RawClient; login: { payload: Buffer; packets: Packet[] } }> {
  const client = await RawClient.connect(port);
  client.send(
    0x12,
    new PreloginPayload({ encrypt: false, version: { major: 1, minor: 0, build: 0, subbuild: 0 } })
      .data,
  );
  const prelogin = await client.message();
  expect(new PreloginPayload(prelogin.payload).encryptionString).toBe('NOT_SUP');
  client.send(0x10, login7({ packetSize }));
  return { client, login: await client.message() };
}

let server: TdsServer;
let log: HandlerLog;

beforeAll(async () => {
  log = newLog();
  server = await createTdsServer({
    serverName: 'SQLNODE1',
    firstSpid: 60,
    authenticate: (login) =>
      USERS[login.userName] === login.password
        ? { ok: true, context: { user: login.userName } }
        : { ok: false, error: { number: 18456 } },
    handler: makeTestHandler(log),
  });
});

afterAll(async () => {
  await server.close();
});

describe('TDS packet layer', () => {
  it('answers LOGIN7 with the documented token order and the session id in every header', async () => {
    const { client, login } = await loggedIn(server.port);
    const list = tokens(login.payload);
    expect(list.map((t) => t.token)).toEqual([
      0xe3, 0xab, 0xe3, 0xe3, 0xab, 0xad, 0xae, 0xe3, 0xfd,
    ]);
    expect(
      list
        .map((t) => (t.token === 0xe3 ? t.body.readUInt8(0) : undefined))
        .filter((x) => x !== undefined),
    ).toEqual([1, 7, 2, 4]);
    const loginAck = list.find((t) => t.token === 0xad)?.body;
    expect(loginAck?.readUInt8(0)).toBe(1);
    expect(loginAck?.readUInt32BE(1)).toBe(0x74000004);
    expect(login.packets[0]?.type).toBe(0x04);
    expect(login.packets[0]?.spid).toBeGreaterThanOrEqual(60);
    client.end();
    await client.closed;
  });

  it('reassembles a request split over small packets and splits a large response at the negotiated size', async () => {
    const { client, login } = await loggedIn(server.port, 512);
    const packetSizeChange = tokens(login.payload).find(
      (t) => t.token === 0xe3 && t.body.readUInt8(0) === 4,
    );
    // B_VARCHAR new value "512", then old "4096".
    expect(packetSizeChange?.body.subarray(2, 8).toString('utf16le')).toBe('512');
    const spid = login.packets[0]?.spid;
    const text = `select big /* ${'padding '.repeat(400)} */`;
    client.send(0x01, sqlBatch(text), { packetSize: 512 });
    const response = await client.message();
    expect(log.batches.at(-1)).toBe(text);
    expect(response.packets.length).toBeGreaterThan(256);
    response.packets.forEach((p, i) => {
      expect(p.length).toBeLessThanOrEqual(512);
      expect(p.spid).toBe(spid);
      expect(p.id).toBe((i + 1) % 256);
      expect(p.status).toBe(i === response.packets.length - 1 ? 0x01 : 0x00);
    });
    // Final DONE: COUNT, SELECT, 5000 rows.
    const last = response.payload.subarray(response.payload.length - 13);
    expect(last.readUInt8(0)).toBe(0xfd);
    expect(last.readUInt16LE(1)).toBe(0x0010);
    expect(last.readBigUInt64LE(5)).toBe(5000n);
    client.end();
  });

  it('discards a request whose last packet carries IGNORE and answers with an empty message', async () => {
    const { client } = await loggedIn(server.port);
    const before = log.batches.length;
    client.send(0x01, sqlBatch('select session'), { status: 0x02 });
    const reply = await client.message();
    expect(reply.payload.length).toBe(0);
    expect(reply.packets[0]?.status).toBe(0x01);
    expect(log.batches.length).toBe(before);
    client.end();
  });

  it('acknowledges ATTENTION with DONE(ATTN) even when nothing is running', async () => {
    const { client } = await loggedIn(server.port);
    client.send(0x06, Buffer.alloc(0));
    const reply = await client.message();
    expect(tokens(reply.payload)).toEqual([
      { token: 0xfd, body: Buffer.from('200000000000000000000000', 'hex') },
    ]);
    client.end();
  });

  it('resets the session on RESETCONNECTION: rollback, login database, ENVCHANGE 18', async () => {
    const { client } = await loggedIn(server.port);
    client.send(0x01, sqlBatch('begin tran'));
    expect(tokens((await client.message()).payload)[0]?.body.readUInt8(0)).toBe(8);
    client.send(0x01, sqlBatch('use [msdb]'));
    await client.message();
    client.send(0x01, sqlBatch('select 1;'), { status: 0x08 });
    const reply = await client.message();
    const envchanges = tokens(reply.payload.subarray(0, 64)).slice(0, 3);
    expect(envchanges.map((t) => [t.token, t.body.readUInt8(0)])).toEqual([
      [0xe3, 10],
      [0xe3, 1],
      [0xe3, 18],
    ]);
    expect(log.transactions.at(-1)).toBe('rollback (implicit)');
    client.end();
  });

  it('rolls back an open transaction when the client disconnects', async () => {
    const { client } = await loggedIn(server.port);
    client.send(0x01, sqlBatch('begin tran'));
    await client.message();
    const disconnects = log.disconnected;
    client.end();
    await expect.poll(() => log.disconnected).toBe(disconnects + 1);
    expect(log.transactions.at(-1)).toBe('rollback (implicit)');
  });

  it('refuses Windows authentication (SSPI) with 18452 and hangs up', async () => {
    const client = await RawClient.connect(server.port);
    client.send(
      0x12,
      new PreloginPayload({
        encrypt: false,
        version: { major: 1, minor: 0, build: 0, subbuild: 0 },
      }).data,
    );
    await client.message();
    client.send(
      0x10,
      login7({ sspi: Buffer.from('NTLMSSP\0\x01\0\0\0\x07\x82\x08\xa2', 'latin1') }),
    );
    const reply = tokens((await client.message()).payload);
    expect(reply[0]?.token).toBe(0xaa);
    expect(reply[0]?.body.readInt32LE(0)).toBe(18452);
    expect(reply[0]?.body.readUInt8(5)).toBe(14);
    expect(reply.at(-1)?.body.readUInt16LE(0)).toBe(0x0002);
    await client.closed;
  });

  it('hangs up on a client that does not start with PRELOGIN (e.g. a TDS 5.0 login)', async () => {
    const client = await RawClient.connect(server.port);
    client.send(0x02, Buffer.alloc(512));
    await client.closed;
  });
});
