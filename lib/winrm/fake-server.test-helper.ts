/**
 * A small in-test WinRM server that answers with Windows' own response shapes (the canned
 * answers in pywinrm's tests/conftest.py and the fault layout of reference A4), records every
 * request, and speaks Basic, NTLM over HTTPS, and NTLM over HTTP with message encryption (via
 * lib/winrm/ntlm's NtlmServerContext, so the client's sealed bodies are really unsealed here).
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { inflateRawSync } from 'node:zlib';
import { afterEach, beforeAll } from 'vitest';
import { testPki, type TestPki } from './certs.test-helper';
import {
  NtlmServerContext,
  type NtlmSession,
  SPNEGO_ENCRYPTED_CONTENT_TYPE,
  decryptBody,
  encryptBody,
  isSpnegoEncrypted,
} from './ntlm';
import { NS, type XmlElement, child, descendants, parseXml } from './envelope';

export interface RecordedRequest {
  connection: number;
  action: string;
  operation: string;
  messageId: string;
  resourceUri: string;
  operationTimeout: string;
  maxEnvelopeSize: string;
  locale: string | undefined;
  shellId: string | undefined;
  options: Record<string, string>;
  xml: string;
  contentType: string;
  authorization: string | undefined;
  body: XmlElement | undefined;
}

export type ReceiveAnswer =
  | { stdout?: string | Buffer; stderr?: string | Buffer; exitCode?: number }
  | { timeout: true; delayMs?: number }
  | { fault: FaultSpec };

export interface FakeCommand {
  shellId: string;
  commandId: string;
  commandLine: string;
  stdin: Buffer;
  stdinEnded: boolean;
  receives: number;
  terminated: boolean;
}

export interface FaultSpec {
  code: 'Sender' | 'Receiver';
  subcode: string;
  wsmanCode: number;
  message: string;
  status?: number;
}

export const FAULTS = {
  timedOut: {
    code: 'Receiver',
    subcode: 'TimedOut',
    wsmanCode: 2150858793,
    message:
      'The WS-Management service cannot complete the operation within the time specified in OperationTimeout.  ',
  },
  shellNotFound: {
    code: 'Sender',
    subcode: 'InvalidSelectors',
    wsmanCode: 2150858843,
    message:
      'The request for the Windows Remote Shell with ShellId 00000000-0000-0000-0000-000000000000 failed because the shell was not found on the server. Possible causes are: the specified ShellId is incorrect or the shell no longer exists on the server. Provide the correct ShellId or create a new shell and retry the operation. ',
  },
  accessDenied: {
    code: 'Sender',
    subcode: 'AccessDenied',
    wsmanCode: 5,
    message: 'Access is denied. ',
  },
} satisfies Record<string, FaultSpec>;

export interface FakeServerOptions {
  tls?: { key: string; cert: string };
  users: Record<string, string>;
  /** Which schemes the server accepts (and offers in WWW-Authenticate). */
  accept: { basic?: boolean; negotiate?: boolean };
  /** What runs a command: called at its first Receive (stdin is complete by then); answers every Receive by index. */
  onCommand?: (cmd: FakeCommand) => (receiveIndex: number) => ReceiveAnswer;
  /** Called before each SOAP action; a FaultSpec answers with that fault instead. */
  intercept?: (req: RecordedRequest) => FaultSpec | undefined;
  /** Close the connection after this many authenticated SOAP answers (tests re-authentication). */
  closeAfterAnswers?: number;
  /** Answer encrypted requests in clear text (a broken or hostile server). */
  answerInClear?: boolean;
  /** Expected NTLM channel binding application data (HTTPS); required when set. */
  channelBindings?: Buffer;
}

interface ConnState {
  id: number;
  ntlm?: NtlmServerContext;
  session?: NtlmSession | null;
  authenticated: boolean;
  answers: number;
}

const HEAD = `<s:Envelope xml:lang="en-US" xmlns:s="${NS.s}" xmlns:a="${NS.a}" xmlns:x="${NS.x}" xmlns:w="${NS.w}" xmlns:rsp="${NS.rsp}" xmlns:p="${NS.p}">`;

function header(action: string, relatesTo: string): string {
  return `<s:Header><a:Action>${action}</a:Action><a:MessageID>uuid:${randomUUID().toUpperCase()}</a:MessageID><a:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:To><a:RelatesTo>${relatesTo}</a:RelatesTo></s:Header>`;
}

export function faultXml(f: FaultSpec, relatesTo: string): string {
  return `${HEAD}${header('http://schemas.dmtf.org/wbem/wsman/1/wsman/fault', relatesTo)}<s:Body><s:Fault><s:Code><s:Value>s:${f.code}</s:Value><s:Subcode><s:Value>w:${f.subcode}</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang="en-US">${f.message}</s:Text></s:Reason><s:Detail><f:WSManFault xmlns:f="http://schemas.microsoft.com/wbem/wsman/1/wsmanfault" Code="${f.wsmanCode}" Machine="sqlnode1.lab.local"><f:Message>${f.message}</f:Message></f:WSManFault></s:Detail></s:Fault></s:Body></s:Envelope>`;
}

export class FakeWinrmServer {
  readonly requests: RecordedRequest[] = [];
  readonly shells = new Set<string>();
  readonly commands = new Map<string, FakeCommand>();
  /** Authorization headers seen (to check what travelled), per request including handshakes. */
  readonly authHeaders: Array<string | undefined> = [];
  /** Every request body as it arrived on the wire. */
  readonly rawBodies: Buffer[] = [];
  connections = 0;
  readonly #o: FakeServerOptions;
  readonly #server: http.Server;
  readonly #sockets = new Set<net.Socket>();
  readonly #state = new WeakMap<net.Socket, ConnState>();
  readonly #plans = new Map<string, (i: number) => ReceiveAnswer>();

  constructor(o: FakeServerOptions) {
    this.#o = o;
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void this.#handle(req, res, Buffer.concat(chunks)).catch((e: unknown) => {
          res.writeHead(599).end(String(e));
        });
      });
    };
    this.#server = o.tls
      ? https.createServer({ key: o.tls.key, cert: o.tls.cert }, handler)
      : http.createServer(handler);
    this.#server.keepAliveTimeout = 120_000;
    this.#server.on(o.tls ? 'secureConnection' : 'connection', (s: net.Socket) => {
      this.connections++;
      this.#sockets.add(s);
      this.#state.set(s, { id: this.connections, authenticated: false, answers: 0 });
      s.on('close', () => this.#sockets.delete(s));
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((r) => this.#server.listen(0, '127.0.0.1', r));
    const addr = this.#server.address();
    if (!addr || typeof addr === 'string') throw new Error('no port');
    return addr.port;
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }

  /** Requests of one WS-Man operation (create, command, send, receive, signal, delete). */
  ops(operation?: string): RecordedRequest[] {
    return operation ? this.requests.filter((r) => r.operation === operation) : this.requests;
  }

  #offer(): string[] {
    const out: string[] = [];
    if (this.#o.accept.negotiate) out.push('Negotiate');
    if (this.#o.accept.basic) out.push('Basic realm="WSMAN"');
    return out;
  }

  #unauthorized(res: http.ServerResponse, extra?: string): void {
    res.writeHead(401, {
      'WWW-Authenticate': extra ? [extra] : this.#offer(),
      'Content-Length': '0',
    });
    res.end();
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    const socket = req.socket;
    const state = this.#state.get(socket) ?? { id: -1, authenticated: false, answers: 0 };
    const auth = req.headers.authorization;
    this.authHeaders.push(auth);
    this.rawBodies.push(body);
    if (req.url !== '/wsman' || req.method !== 'POST') {
      res.writeHead(404).end();
      return;
    }
    // --- authentication
    if (auth?.startsWith('Basic ')) {
      const [user, ...pw] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
      if (!this.#o.accept.basic || user === undefined || this.#o.users[user] !== pw.join(':'))
        return this.#unauthorized(res);
    } else if (auth && /^(Negotiate|NTLM) /i.test(auth)) {
      if (!this.#o.accept.negotiate) return this.#unauthorized(res);
      const token = Buffer.from(auth.replace(/^\S+\s+/, ''), 'base64');
      const type = token.readUInt32LE(8);
      if (type === 1) {
        state.ntlm = new NtlmServerContext({
          computerName: 'SQLNODE1',
          domainName: 'LAB',
          ...(this.#o.channelBindings
            ? { channelBindings: this.#o.channelBindings, requireChannelBindings: true }
            : {}),
        });
        state.authenticated = false;
        const challenge = state.ntlm.challenge(token);
        return this.#unauthorized(res, `Negotiate ${challenge.toString('base64')}`);
      }
      if (!state.ntlm) return this.#unauthorized(res);
      try {
        const result = state.ntlm.authenticate(token, (id) => {
          const pw =
            this.#o.users[id.domain ? `${id.domain}\\${id.user}` : id.user] ??
            this.#o.users[id.user];
          return pw === undefined ? undefined : { password: pw };
        });
        state.session = result.session;
        state.authenticated = true;
      } catch {
        state.ntlm = undefined;
        return this.#unauthorized(res);
      }
      if (body.length === 0) {
        res.writeHead(200, { 'Content-Length': '0' }).end();
        return;
      }
    } else if (!state.authenticated) {
      return this.#unauthorized(res);
    }
    // --- the SOAP message
    const encrypted = isSpnegoEncrypted(req.headers['content-type']);
    if (!this.#o.tls && state.session && !encrypted && !auth?.startsWith('Basic ')) {
      res.writeHead(400).end('encryption required');
      return;
    }
    const xml =
      encrypted && state.session
        ? decryptBody(state.session, body).plaintext.toString('utf8')
        : body.toString('utf8');
    const answer = await this.#soap(xml, state, req);
    const payload = Buffer.from(answer.xml, 'utf8');
    state.answers++;
    const close =
      this.#o.closeAfterAnswers !== undefined && state.answers >= this.#o.closeAfterAnswers;
    const headers: Record<string, string> = close ? { Connection: 'close' } : {};
    if (encrypted && state.session && !this.#o.answerInClear) {
      const sealed = encryptBody(state.session, payload);
      res.writeHead(answer.status, {
        ...headers,
        'Content-Type': SPNEGO_ENCRYPTED_CONTENT_TYPE,
        'Content-Length': String(sealed.length),
      });
      res.end(sealed);
    } else {
      res.writeHead(answer.status, {
        ...headers,
        'Content-Type': 'application/soap+xml;charset=UTF-8',
        'Content-Length': String(payload.length),
      });
      res.end(payload);
    }
    if (close) socket.end();
  }

  async #soap(
    xml: string,
    state: ConnState,
    req: http.IncomingMessage,
  ): Promise<{ status: number; xml: string }> {
    const root = parseXml(xml);
    const h = child(root, NS.s, 'Header');
    const body = child(root, NS.s, 'Body');
    const action = child(h, NS.a, 'Action')?.text ?? '';
    const messageId = child(h, NS.a, 'MessageID')?.text ?? '';
    const options: Record<string, string> = {};
    for (const o of descendants(child(h, NS.w, 'OptionSet'), NS.w, 'Option'))
      options[o.attrs.Name ?? ''] = o.text;
    const rec: RecordedRequest = {
      connection: state.id,
      action,
      operation: (action.split('/').pop() ?? '').toLowerCase(),
      messageId,
      resourceUri: child(h, NS.w, 'ResourceURI')?.text ?? '',
      operationTimeout: child(h, NS.w, 'OperationTimeout')?.text ?? '',
      maxEnvelopeSize: child(h, NS.w, 'MaxEnvelopeSize')?.text ?? '',
      locale: child(h, NS.w, 'Locale')?.attrs[`{${NS.xml}}lang`],
      shellId: descendants(h, NS.w, 'Selector').find((s) => s.attrs.Name === 'ShellId')?.text,
      options,
      xml,
      contentType: req.headers['content-type'] ?? '',
      authorization: req.headers.authorization,
      body,
    };
    this.requests.push(rec);
    const injected = this.#o.intercept?.(rec);
    if (injected) return { status: injected.status ?? 500, xml: faultXml(injected, messageId) };
    const ok = (responseAction: string, inner: string): { status: number; xml: string } => ({
      status: 200,
      xml: `${HEAD}${header(responseAction, messageId)}<s:Body>${inner}</s:Body></s:Envelope>`,
    });
    const fault = (f: FaultSpec): { status: number; xml: string } => ({
      status: f.status ?? 500,
      xml: faultXml(f, messageId),
    });
    if (rec.operation !== 'create' && (!rec.shellId || !this.shells.has(rec.shellId)))
      return fault(FAULTS.shellNotFound);
    switch (rec.operation) {
      case 'create': {
        const id = randomUUID().toUpperCase();
        this.shells.add(id);
        return ok(
          'http://schemas.xmlsoap.org/ws/2004/09/transfer/CreateResponse',
          `<x:ResourceCreated><a:Address>http://sqlnode1:5985/wsman</a:Address><a:ReferenceParameters><w:ResourceURI>http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd</w:ResourceURI><w:SelectorSet><w:Selector Name="ShellId">${id}</w:Selector></w:SelectorSet></a:ReferenceParameters></x:ResourceCreated><rsp:Shell xmlns:rsp="${NS.rsp}"><rsp:ShellId>${id}</rsp:ShellId><rsp:ResourceUri>http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd</rsp:ResourceUri><rsp:Owner>LAB\\admin</rsp:Owner><rsp:ClientIP>127.0.0.1</rsp:ClientIP><rsp:IdleTimeOut>PT7200.000S</rsp:IdleTimeOut><rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams><rsp:ShellRunTime>P0DT0H0M0S</rsp:ShellRunTime><rsp:ShellInactivity>P0DT0H0M0S</rsp:ShellInactivity></rsp:Shell>`,
        );
      }
      case 'delete':
        if (rec.shellId) this.shells.delete(rec.shellId);
        return ok('http://schemas.xmlsoap.org/ws/2004/09/transfer/DeleteResponse', '');
      case 'command': {
        const id = randomUUID().toUpperCase();
        const line = descendants(body, NS.rsp, 'Command')[0]?.text ?? '';
        this.commands.set(id, {
          shellId: rec.shellId ?? '',
          commandId: id,
          commandLine: line,
          stdin: Buffer.alloc(0),
          stdinEnded: false,
          receives: 0,
          terminated: false,
        });
        return ok(
          'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandResponse',
          `<rsp:CommandResponse><rsp:CommandId>${id}</rsp:CommandId></rsp:CommandResponse>`,
        );
      }
      case 'send': {
        const stream = descendants(body, NS.rsp, 'Stream')[0];
        const cmd = this.commands.get(stream?.attrs.CommandId ?? '');
        if (!cmd || !stream)
          return fault({
            ...FAULTS.shellNotFound,
            subcode: 'InvalidParameter',
            wsmanCode: 2150858842,
          });
        cmd.stdin = Buffer.concat([cmd.stdin, Buffer.from(stream.text.trim(), 'base64')]);
        if (stream.attrs.End === 'true') cmd.stdinEnded = true;
        return ok(
          'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/SendResponse',
          '<rsp:SendResponse/>',
        );
      }
      case 'receive': {
        const commandId = descendants(body, NS.rsp, 'DesiredStream')[0]?.attrs.CommandId ?? '';
        const cmd = this.commands.get(commandId);
        if (!cmd)
          return fault({
            ...FAULTS.shellNotFound,
            subcode: 'InvalidParameter',
            wsmanCode: 2150858842,
          });
        let plan = this.#plans.get(commandId);
        if (!plan) {
          plan = this.#o.onCommand?.(cmd) ?? (() => ({ stdout: '', exitCode: 0 }));
          this.#plans.set(commandId, plan);
        }
        const a = plan(cmd.receives++);
        if ('timeout' in a) {
          if (a.delayMs) await new Promise((r) => setTimeout(r, a.delayMs));
          return fault(FAULTS.timedOut);
        }
        if ('fault' in a) return fault(a.fault);
        const stream = (name: string, data: string | Buffer | undefined): string =>
          data === undefined || data.length === 0
            ? ''
            : `<rsp:Stream Name="${name}" CommandId="${commandId}">${Buffer.from(data).toString('base64')}</rsp:Stream>`;
        const done = a.exitCode !== undefined;
        const state = done
          ? `<rsp:Stream Name="stdout" CommandId="${commandId}" End="true"></rsp:Stream><rsp:Stream Name="stderr" CommandId="${commandId}" End="true"></rsp:Stream><rsp:CommandState CommandId="${commandId}" State="http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/Done"><rsp:ExitCode>${a.exitCode}</rsp:ExitCode></rsp:CommandState>`
          : `<rsp:CommandState CommandId="${commandId}" State="http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/Running"></rsp:CommandState>`;
        return ok(
          'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/ReceiveResponse',
          `<rsp:ReceiveResponse>${stream('stdout', a.stdout)}${stream('stderr', a.stderr)}${state}</rsp:ReceiveResponse>`,
        );
      }
      case 'signal': {
        const id = descendants(body, NS.rsp, 'Signal')[0]?.attrs.CommandId ?? '';
        const cmd = this.commands.get(id);
        if (cmd) cmd.terminated = true;
        return ok(
          'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/SignalResponse',
          '<rsp:SignalResponse/>',
        );
      }
      default:
        return fault({
          code: 'Sender',
          subcode: 'ActionNotSupported',
          wsmanCode: 2150858757,
          message: `Unknown action ${action}`,
        });
    }
  }
}

/** What the client sent on stdin for a runPowerShell: the script and its parameters. */
export function decodePowerShellStdin(stdin: Buffer): { script: string; params: unknown } {
  const [s, p] = stdin.toString('ascii').split(/\r?\n/).filter(Boolean);
  return {
    script: Buffer.from(s ?? '', 'base64').toString('utf8'),
    params: JSON.parse(Buffer.from(p ?? '', 'base64').toString('utf8')) as unknown,
  };
}

/**
 * The script and parameters of a runPowerShell that travelled inline: the runner, script and
 * JSON parameters, NUL-separated and raw-DEFLATEd in the -EncodedCommand stub. Null when the
 * command line carries no such blob (they went on stdin).
 */
export function decodeInlinePowerShell(
  commandLine: string,
): { runner: string; script: string; params: unknown } | null {
  const encoded = /-EncodedCommand (\S+)/.exec(commandLine)?.[1] ?? '';
  const text = Buffer.from(encoded, 'base64').toString('utf16le');
  const blob = /FromBase64String\('([A-Za-z0-9+/=]+)'\)/.exec(text)?.[1];
  if (!blob) return null;
  const [runner = '', script = '', json = 'null'] = inflateRawSync(Buffer.from(blob, 'base64'))
    .toString('utf8')
    .split('\0');
  return { runner, script, params: JSON.parse(json) as unknown };
}

/** What a runPowerShell sent, wherever it travelled (inline in the command line, or stdin). */
export function decodePowerShellRun(
  commandLine: string,
  stdin: Buffer,
): { script: string; params: unknown; inline: boolean } {
  const inline = decodeInlinePowerShell(commandLine);
  if (inline) return { script: inline.script, params: inline.params, inline: true };
  return { ...decodePowerShellStdin(stdin), inline: false };
}

/** The nonce the bootstrap on the command line carries (what a real run would print). */
export function bootstrapNonce(commandLine: string): string {
  const encoded = /-EncodedCommand (\S+)/.exec(commandLine)?.[1] ?? '';
  const script = Buffer.from(encoded, 'base64').toString('utf16le');
  return /\$__n='([0-9a-f]+)'/.exec(script)?.[1] ?? '';
}

/** Simulates the bootstrap's stdout for a result value. */
export function resultStdout(commandLine: string, value: unknown, stray = ''): string {
  const n = bootstrapNonce(commandLine);
  return `##WINRM-START:${n}\r\n${stray}\r\n##WINRM-RESULT:${n}:${Buffer.from(JSON.stringify(value)).toString('base64')}\r\n`;
}

export function errorStdout(commandLine: string, record: Record<string, unknown>): string {
  const n = bootstrapNonce(commandLine);
  return `##WINRM-START:${n}\r\n\r\n##WINRM-ERROR:${n}:${Buffer.from(JSON.stringify(record)).toString('base64')}\r\n`;
}

/**
 * One fake server for the test file, over TLS with the test PKI's server certificate: handed to
 * `set` with its port once listening, closed after the file's tests.
 */
export function fakeServerPerFile(
  options: Omit<FakeServerOptions, 'tls'>,
  set: (started: { pki: TestPki; fake: FakeWinrmServer; port: number }) => void,
): void {
  beforeAll(async () => {
    const pki = await testPki();
    const fake = new FakeWinrmServer({ tls: pki.server, ...options });
    set({ pki, fake, port: await fake.listen() });
    return () => fake.close();
  });
}

/**
 * For test files that start fake servers and clients per test: the test PKI, handed to `set`
 * before the file's tests, and the list of closers that runs after each test, last added first.
 */
export function closersPerTest(set: (pki: TestPki) => void): Array<() => Promise<void>> {
  const cleanup: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    set(await testPki());
  });
  afterEach(async () => {
    while (cleanup.length > 0) await cleanup.pop()?.();
  });
  return cleanup;
}
