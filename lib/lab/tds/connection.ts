/**
 * One client connection: PRELOGIN → (TLS) → LOGIN7 → requests, with ATTENTION handled
 * out of band while a request is running.
 */

import type { Socket } from 'node:net';
import type { SecureContext } from 'node:tls';
import { SupportedTdsVersions, TDS_7_4, parseLogin7 } from './login7';
import { loginErrorClass, loginErrorText, loginResponse } from './login-response';
import {
  DEFAULT_PACKET_SIZE,
  PacketReader,
  PacketType,
  TdsProtocolError,
  asError,
  encodeMessage,
  negotiatePacketSize,
} from './packet';
import type { TdsMessage } from './packet';
import { buildPreloginResponse, decideEncryption, parsePrelogin } from './prelogin';
import type { EncryptionDecision } from './prelogin';
import { doneOnly, errorResponse } from './response';
import { DescriptorSource, Session } from './session';
import { respond } from './requests';
import { resetSession } from './session-requests';
import { TlsEngine } from './tls';
import { DoneStatus } from './tokens';
import type {
  EncryptionMode,
  LoginError,
  ServerMessage,
  SqlServerVersion,
  TdsHandler,
  TdsServerOptions,
} from './types';

export interface ConnectionShared<TContext> {
  options: TdsServerOptions<TContext>;
  version: SqlServerVersion;
  secureContext: SecureContext | undefined;
  descriptors: DescriptorSource;
}

type Phase = 'prelogin' | 'tls-handshake' | 'login' | 'logged-in' | 'closing';

interface InFlight {
  abort: AbortController;
  /** Set once a response (or the attention acknowledgement) went out for this request. */
  answered: boolean;
}

export class TdsConnection<TContext> {
  private readonly reader: PacketReader;
  private phase: Phase = 'prelogin';
  private encryption: EncryptionDecision['mode'] = 'off';
  private tls: TlsEngine | undefined;
  /** Where incoming socket bytes go: the TDS packet reader, or the TLS engine. */
  private wire: 'plain' | 'tls' = 'plain';
  private packetSize = DEFAULT_PACKET_SIZE;
  private readonly queue: TdsMessage[] = [];
  private busy = false;
  private inFlight: InFlight | undefined;
  private session: Session<TContext> | undefined;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    readonly spid: number,
    private readonly shared: ConnectionShared<TContext>,
  ) {
    this.reader = new PacketReader((m) => this.onMessage(m));
    socket.setNoDelay(true);
    socket.on('data', (data: Buffer) => this.onSocketData(data));
    socket.on('error', () => this.onClose());
    socket.on('close', () => this.onClose());
  }

  private get handler(): TdsHandler<TContext> {
    return this.shared.options.handler;
  }

  /** What the session ended up with ('refuse' never reaches a login). */
  private get encryptionMode(): EncryptionMode {
    return this.encryption === 'on' || this.encryption === 'login-only' ? this.encryption : 'off';
  }

  private report(error: Error, where: string): void {
    this.shared.options.onError?.(error, where);
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** The context the handler's authenticate gave the session; undefined before a login. */
  get sessionContext(): TContext | undefined {
    return this.session?.context;
  }

  private onSocketData(data: Buffer): void {
    if (this.wire === 'tls') {
      this.tls?.feedRaw(data);
      return;
    }
    this.feedPackets(data);
  }

  private feedPackets(data: Buffer): void {
    try {
      this.reader.push(data);
    } catch (e) {
      this.fail(asError(e), 'packet');
    }
  }

  private fail(error: Error, where: string): void {
    this.report(error, where);
    this.socket.destroy();
  }

  private write(payload: Buffer, type: number = PacketType.TABULAR_RESULT): void {
    if (this.closed) return;
    const bytes = encodeMessage(type, payload, this.packetSize, this.spid);
    if (this.wire === 'tls' && this.tls) this.tls.write(bytes);
    else this.socket.write(bytes);
  }

  /** Ends the session after the last response (failed login): TLS close_notify first if TLS is on. */
  private end(): void {
    this.phase = 'closing';
    if (this.wire === 'tls' && this.tls) this.tls.end();
    else this.socket.end();
  }

  private onMessage(message: TdsMessage): void {
    if (message.type === PacketType.ATTENTION) {
      this.onAttention();
      return;
    }
    this.queue.push(message);
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (let m = this.queue.shift(); m && !this.closed; m = this.queue.shift()) {
        try {
          await this.process(m);
        } catch (e) {
          this.fail(asError(e), `message 0x${m.type.toString(16)}`);
        }
      }
    } finally {
      this.busy = false;
    }
  }

  private async process(m: TdsMessage): Promise<void> {
    switch (this.phase) {
      case 'prelogin':
        return this.onPrelogin(m);
      case 'tls-handshake':
        if (m.type !== PacketType.PRELOGIN)
          throw new TdsProtocolError(
            `expected a TLS handshake packet, got 0x${m.type.toString(16)}`,
          );
        this.tls?.feedHandshake(m.payload);
        return;
      case 'login':
        return this.onLogin(m);
      case 'logged-in':
        return this.onRequest(m);
      case 'closing':
        // Anything after a refusal or a failed login: SQL Server just drops the connection.
        this.socket.destroy();
        return;
    }
  }

  private onPrelogin(m: TdsMessage): void {
    if (m.type !== PacketType.PRELOGIN) {
      // A TDS 4.2/5.0 login (FreeTDS's fallback) or garbage: SQL Server just hangs up.
      throw new TdsProtocolError(`expected PRELOGIN, got message type 0x${m.type.toString(16)}`);
    }
    const client = parsePrelogin(m.payload);
    const decision = decideEncryption(
      client.encryption,
      this.shared.secureContext !== undefined,
      this.shared.options.forceEncryption ?? false,
    );
    this.encryption = decision.mode;
    // FreeTDS rejects a PRELOGIN reply that is not a TABULAR_RESULT message.
    this.write(buildPreloginResponse(this.shared.version, decision.reply));
    if (decision.mode === 'refuse') {
      this.phase = 'closing';
      return;
    }
    if (decision.mode === 'off' || !this.shared.secureContext) {
      this.phase = 'login';
      return;
    }
    this.phase = 'tls-handshake';
    this.tls = new TlsEngine(this.shared.secureContext, {
      sendFlight: (flight) => this.write(flight, PacketType.PRELOGIN),
      established: () => {
        // Leftover bytes would already be TLS; the client waits for our flight, so normally none.
        const rest = this.reader.takeRemainder();
        this.wire = 'tls';
        this.phase = 'login';
        if (rest.length > 0) this.tls?.feedRaw(rest);
      },
      writeRaw: (data) => {
        if (!this.closed) this.socket.write(data);
      },
      cleartext: (data) => this.feedPackets(data),
      ended: () => this.socket.end(),
      error: (err) => this.fail(err, 'tls'),
    });
  }

  private async onLogin(m: TdsMessage): Promise<void> {
    if (this.encryption === 'login-only' && this.tls) {
      // Login-only encryption: the client drops TLS right after LOGIN7 (no close_notify),
      // so the response and everything after it is plaintext.
      this.tls.detach();
      this.tls = undefined;
      this.wire = 'plain';
    }
    const { options } = this.shared;
    if (m.type !== PacketType.LOGIN7) {
      throw new TdsProtocolError(`expected LOGIN7, got message type 0x${m.type.toString(16)}`);
    }
    const login = parseLogin7(m.payload);
    if (login.tdsVersion < TDS_7_4 && !SupportedTdsVersions.has(login.tdsVersion)) {
      throw new TdsProtocolError(`unsupported TDS version 0x${login.tdsVersion.toString(16)}`);
    }
    const tdsVersion = login.tdsVersion > TDS_7_4 ? TDS_7_4 : login.tdsVersion;
    // The handler sees the login without its secrets.
    const { password: _password, changePassword: _changePassword, ...publicLogin } = login;
    void _password;
    void _changePassword;

    const refuse = (errors: readonly LoginError[]): void => {
      const messages: ServerMessage[] = errors.map((e) => ({
        number: e.number,
        state: e.state ?? 1,
        class: e.class ?? loginErrorClass(e.number),
        message:
          e.message ??
          loginErrorText(e.number, login.userName, login.database) ??
          `Login failed (${e.number}).`,
        line: 1,
      }));
      this.write(errorResponse(messages, options.serverName));
      this.end();
    };

    if (login.integratedSecurity || login.sspi.length > 0) {
      // The lab is a SQL-authentication-only server: Windows logins fail as they do from an untrusted domain.
      refuse([{ number: 18452 }]);
      return;
    }

    let auth;
    try {
      auth = await options.authenticate(login, {
        remoteAddress: this.socket.remoteAddress ?? '',
        remotePort: this.socket.remotePort ?? 0,
        encryption: this.encryptionMode,
      });
    } catch (e) {
      this.report(asError(e), 'authenticate');
      refuse([{ number: 18456 }]);
      return;
    }
    if (!auth.ok) {
      refuse([auth.error].flat());
      return;
    }

    const database = auth.database ?? (login.database || 'master');
    const packetSize = negotiatePacketSize(login.packetSize);
    this.session = new Session<TContext>(
      this.spid,
      publicLogin,
      this.socket.remoteAddress ?? '',
      this.encryptionMode,
      database,
      auth.context,
      options.serverName,
      this.shared.descriptors,
    );
    this.write(
      loginResponse({
        serverName: options.serverName,
        database,
        language: login.language || 'us_english',
        packetSize,
        tdsVersion,
        version: this.shared.version,
        requestedFeatures: new Set(login.features.keys()),
      }),
    );
    // The new size applies to packets after the one carrying the ENVCHANGE.
    this.packetSize = packetSize;
    this.phase = 'logged-in';
  }

  private onAttention(): void {
    if (this.phase !== 'logged-in') return;
    const current = this.inFlight;
    if (current && !current.answered) {
      current.answered = true;
      current.abort.abort(new Error('cancelled by the client (ATTENTION)'));
      // tedious reads one message as the (discarded) response to the cancelled request
      // and only then looks for the acknowledgement in the next one, so both must be sent.
      this.write(doneOnly(DoneStatus.FINAL));
    }
    this.write(doneOnly(DoneStatus.ATTN));
  }

  private async onRequest(m: TdsMessage): Promise<void> {
    const session = this.session;
    if (!session) throw new TdsProtocolError('request before login');
    if (m.ignore) {
      // The client cancelled while still sending: discard and answer with an empty message.
      this.write(Buffer.alloc(0));
      return;
    }
    const prefix =
      m.resetConnection !== 'none'
        ? await resetSession(session, this.handler, m.resetConnection === 'reset')
        : undefined;
    const inFlight: InFlight = { abort: new AbortController(), answered: false };
    this.inFlight = inFlight;
    try {
      const response = await respond(
        m,
        session,
        {
          serverName: this.shared.options.serverName,
          handler: this.handler,
          report: (e, w) => this.report(e, w),
        },
        inFlight.abort.signal,
        prefix,
      );
      if (!inFlight.answered && response) {
        inFlight.answered = true;
        this.write(response);
      }
    } finally {
      if (this.inFlight === inFlight) this.inFlight = undefined;
    }
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.phase = 'closing';
    this.tls?.destroy();
    this.inFlight?.abort.abort(new Error('connection closed'));
    const session = this.session;
    if (!session) return;
    void (async () => {
      try {
        if (session.transactionCount > 0) {
          // SQL Server rolls back what a dropped connection left open.
          session.transaction('rollback');
          await this.handler.transaction?.(
            { action: 'rollback', name: '', isolationLevel: 0, implicit: true },
            session,
          );
        }
        this.handler.disconnect?.(session);
      } catch (e) {
        this.report(asError(e), 'disconnect');
      }
    })();
  }
}
