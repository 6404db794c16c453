import net from 'node:net';
import { Duplex } from 'node:stream';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWinrmServer } from './server';
import {
  ACCOUNTS,
  ACTIONS,
  HOST,
  SHELL_BODY,
  type Tls,
  basicAuth,
  commandBody,
  makeTls,
  rawRequest,
  receiveBody,
  scriptedExecutor,
  signalBody,
  soapEnvelope,
  tagText,
} from './test-support';
import type { WinrmServer } from './types';

/**
 * Keep-alive over TLS as HTTP.sys serves it: a request that arrives while the previous answer is
 * still being written is answered after it, on the same connection, whatever TLS records the
 * client split it into. Python's http.client (hence pywinrm) writes the headers and the body of
 * a request as two records; when both arrive in one TCP read while a large Receive answer is
 * still draining, Node's HTTP server used to fail with HPE_PAUSED and drop the connection
 * (see readThroughStream in server.ts).
 */
const [admin] = ACCOUNTS;
const OUTPUT = 5 * 1024 * 1024;
/** MaxEnvelopeSizekb of this host: one Receive answer (~7 MB of base64) outgrows the loopback socket buffers. */
const ENVELOPE_KB = 8192;

/**
 * The TCP side of a TLS connection, under the test's control: reading can stall after the first
 * bytes of an answer (so the server's write stays pending), and the TLS records of a request can
 * be held and sent together in one TCP write.
 */
class Gate extends Duplex {
  held: Buffer[] | null = null;
  #stallOnData = false;
  #stalled = false;

  constructor(readonly tcp: net.Socket) {
    super();
    tcp.on('data', (d: Buffer) => {
      if (!this.push(d)) tcp.pause();
      if (this.#stallOnData) this.stall();
    });
    tcp.on('end', () => this.push(null));
    tcp.on('error', (e) => this.destroy(e));
  }

  override _read(): void {
    if (!this.#stalled) this.tcp.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    if (this.held) this.held.push(chunk);
    else this.tcp.write(chunk);
    cb();
  }

  override _final(cb: (e?: Error | null) => void): void {
    this.tcp.end();
    cb();
  }

  /** Stop reading from TCP as soon as some bytes arrive. */
  stallAfterNextData(): void {
    this.#stallOnData = true;
  }

  stall(): void {
    this.#stallOnData = false;
    this.#stalled = true;
    this.tcp.pause();
  }

  flow(): void {
    this.#stalled = false;
    this.tcp.resume();
  }

  hold(): void {
    this.held = [];
  }

  /** Writes everything held as one TCP write; returns how many TLS writes (records) it held. */
  release(): number {
    const held = this.held ?? [];
    this.held = null;
    this.tcp.write(Buffer.concat(held));
    return held.length;
  }
}

const until = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

interface ParsedResponse {
  status: number;
  body: Buffer;
}

/** Splits a byte stream into Content-Length-delimited HTTP/1.1 responses. */
function parseResponses(data: Buffer): ParsedResponse[] {
  const out: ParsedResponse[] = [];
  let rest = data;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return out;
    const head = rest.subarray(0, end).toString('latin1');
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? NaN);
    if (!Number.isFinite(length) || rest.length < end + 4 + length) return out;
    out.push({
      status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]),
      body: rest.subarray(end + 4, end + 4 + length),
    });
    rest = rest.subarray(end + 4 + length);
  }
}

describe('keep-alive over HTTPS while a large answer drains', () => {
  let t: Tls;
  let server: WinrmServer;
  const executor = scriptedExecutor();

  beforeAll(async () => {
    t = await makeTls();
    server = await createWinrmServer({
      hostName: HOST,
      https: { port: 0, cert: t.cert, key: t.key },
      accounts: ACCOUNTS,
      executor,
      maxEnvelopeSizeKb: ENVELOPE_KB,
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  const headers = (body: string): string =>
    'POST /wsman HTTP/1.1\r\n' +
    `Host: ${HOST}:${server.addresses.https?.port}\r\n` +
    `Authorization: ${basicAuth(admin.user, admin.password)}\r\n` +
    'Content-Type: application/soap+xml;charset=UTF-8\r\n' +
    'Connection: keep-alive\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`;

  it('the next request, headers and body in separate TLS records of one TCP segment, is answered in order', async () => {
    const url = server.urls.https ?? '';
    const auth = { Authorization: basicAuth(admin.user, admin.password) };
    const created = await rawRequest(url, {
      ca: t.caPem,
      headers: auth,
      body: soapEnvelope(ACTIONS.create, { body: SHELL_BODY }),
    });
    const shellId = tagText(created.text, 'rsp:ShellId') ?? '';
    const started = await rawRequest(url, {
      ca: t.caPem,
      headers: auth,
      body: soapEnvelope(ACTIONS.command, { shellId, body: commandBody('big output') }),
    });
    const commandId = tagText(started.text, 'rsp:CommandId') ?? '';
    const run = executor.runs[executor.runs.length - 1];
    if (!run) throw new Error('no command started');
    const payload = Buffer.alloc(OUTPUT, '0123456789abcdef');
    run.stdout.write(payload);
    run.finish(0);

    const tcp = net.connect(server.addresses.https?.port ?? 0, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      tcp.once('connect', resolve);
      tcp.once('error', reject);
    });
    const gate = new Gate(tcp);
    const socket = tls.connect({ socket: gate, ca: t.caPem, servername: HOST });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    const received: Buffer[] = [];
    socket.on('data', (d: Buffer) => received.push(d));
    socket.on('error', () => undefined);
    let closed = false;
    socket.on('close', () => (closed = true));
    tcp.on('close', () => (closed = true));

    // 1. A Receive whose answer (~7 MB) cannot all fit in the socket buffers: read its first
    //    bytes, then stop reading, so the server's write stays pending.
    const receive = soapEnvelope(ACTIONS.receive, {
      shellId,
      maxEnvelopeSize: ENVELOPE_KB * 1024,
      body: receiveBody(commandId),
    });
    gate.stallAfterNextData();
    socket.write(headers(receive) + receive);
    await until(() => received.length > 0 || closed);

    // 2. The next request (Signal terminate), as pywinrm sends it: headers, then body, each its
    //    own TLS record, both arriving in the same TCP segment.
    const signal = soapEnvelope(ACTIONS.signal, {
      shellId,
      body: signalBody(commandId, 'terminate'),
    });
    gate.hold();
    socket.write(headers(signal));
    socket.write(signal);
    await until(() => (gate.held?.length ?? 0) >= 2);
    expect(gate.release()).toBe(2);
    // Give the server time to read them while its first answer is still stuck.
    await new Promise((r) => setTimeout(r, 300));

    // 3. Read on: both answers arrive, in order, on the same connection.
    gate.flow();
    await until(() => parseResponses(Buffer.concat(received)).length >= 2 || closed, 10_000).catch(
      () => undefined,
    );
    const answers = parseResponses(Buffer.concat(received));
    expect({ closed, statuses: answers.map((a) => a.status) }).toEqual({
      closed: false,
      statuses: [200, 200],
    });
    const first = answers[0]?.body.toString('utf8') ?? '';
    const stdout = Buffer.concat(
      [...first.matchAll(/<rsp:Stream Name="stdout"[^>]*>([^<]*)</g)].map((m) =>
        Buffer.from(m[1] ?? '', 'base64'),
      ),
    );
    expect(stdout.equals(payload)).toBe(true);
    expect(answers[1]?.body.toString('utf8')).toContain('<rsp:SignalResponse>');
    socket.destroy();
  }, 30_000);
});
