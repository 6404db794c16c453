/**
 * TLS the way TDS 7.x does it: the handshake travels inside PRELOGIN messages, then
 * TLS records flow raw on the socket with TDS packets inside them (reference B4).
 *
 * Node has no memory-BIO API, so a server TLSSocket runs over an in-memory Duplex: bytes
 * from the client are pushed into it, and what the TLS engine writes out is either
 * collected into a handshake "flight" (sent as one PRELOGIN message, because tedious
 * expects exactly one response message per flight it sent) or, once established,
 * written straight to the TCP socket.
 */

import { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { constants as cryptoConstants } from 'node:crypto';

const RECORD_CHANGE_CIPHER_SPEC = 20;
const RECORD_ALERT = 21;
const RECORD_HANDSHAKE = 22;
const SERVER_HELLO_DONE = Buffer.from([0x0e, 0x00, 0x00, 0x00]);
/** Safety net if a flight never matches the patterns below (should not happen with TLS 1.2). */
const FLIGHT_QUIET_MS = 200;

/**
 * TLS is capped at 1.2 because tedious caps it there for TDS 7.x and because a TLS 1.3
 * handshake ends with a client flight the server does not answer, which breaks the
 * one-message-per-flight exchange. Session tickets are off so every handshake is a full
 * one with two server flights.
 */
export function createTdsSecureContext(cert: string, key: string): tls.SecureContext {
  return tls.createSecureContext({
    cert,
    key,
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.2',
    secureOptions: cryptoConstants.SSL_OP_NO_TICKET,
  });
}

class MemoryPipe extends Duplex {
  constructor(
    private readonly onOutput: (chunk: Buffer) => void,
    private readonly onEnd: () => void,
  ) {
    super();
  }
  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    this.onOutput(chunk);
    callback();
  }
  override _final(callback: (error?: Error | null) => void): void {
    this.onEnd();
    callback();
  }
  override _read(): void {
    // Data is pushed by feed(); nothing to pull.
  }
  feed(data: Buffer): void {
    this.push(data);
  }
}

/**
 * Is `flight` a complete server flight? TLS 1.2 full handshake: the first flight ends
 * with ServerHelloDone, the second with ChangeCipherSpec + (encrypted) Finished. An
 * alert ends the conversation.
 */
export function flightState(flight: Buffer): 'incomplete' | 'hello-done' | 'finished' | 'alert' {
  let pos = 0;
  let sawChangeCipherSpec = false;
  let handshakeAfterCcs = false;
  let lastType = -1;
  let lastPayload: Buffer = Buffer.alloc(0);
  while (pos + 5 <= flight.length) {
    const type = flight.readUInt8(pos);
    const length = flight.readUInt16BE(pos + 3);
    if (pos + 5 + length > flight.length) return 'incomplete';
    if (type === RECORD_ALERT) return 'alert';
    if (type === RECORD_CHANGE_CIPHER_SPEC) sawChangeCipherSpec = true;
    else if (type === RECORD_HANDSHAKE && sawChangeCipherSpec) handshakeAfterCcs = true;
    lastType = type;
    lastPayload = flight.subarray(pos + 5, pos + 5 + length);
    pos += 5 + length;
  }
  if (pos !== flight.length) return 'incomplete';
  if (handshakeAfterCcs) return 'finished';
  if (!sawChangeCipherSpec && lastType === RECORD_HANDSHAKE && lastPayload.length >= 4) {
    if (lastPayload.subarray(lastPayload.length - 4).equals(SERVER_HELLO_DONE)) return 'hello-done';
  }
  return 'incomplete';
}

export interface TlsEngineEvents {
  /** A complete handshake flight to send wrapped in a PRELOGIN message. */
  sendFlight(flight: Buffer): void;
  /** The final flight went out: from now on bytes on the wire are raw TLS records. */
  established(): void;
  /** Raw TLS bytes to write to the TCP socket (after establishment). */
  writeRaw(data: Buffer): void;
  /** Decrypted bytes from the client (TDS packets). */
  cleartext(data: Buffer): void;
  /** The TLS layer finished its close_notify; the TCP socket can be ended. */
  ended(): void;
  error(err: Error): void;
}

export class TlsEngine {
  private readonly pipe: MemoryPipe;
  private readonly socket: tls.TLSSocket;
  private phase: 'handshake' | 'established' | 'detached' = 'handshake';
  private flight: Buffer[] = [];
  private quietTimer: NodeJS.Timeout | undefined;

  constructor(
    secureContext: tls.SecureContext,
    private readonly events: TlsEngineEvents,
  ) {
    this.pipe = new MemoryPipe(
      (chunk) => this.onOutput(chunk),
      () => {
        if (this.phase === 'established') events.ended();
      },
    );
    this.socket = new tls.TLSSocket(this.pipe, { isServer: true, secureContext });
    this.socket.on('data', (data: Buffer) => {
      if (this.phase !== 'detached') events.cleartext(data);
    });
    this.socket.on('error', (err: Error) => {
      if (this.phase !== 'detached') events.error(err);
    });
  }

  /** Handshake bytes unwrapped from a client PRELOGIN message. */
  feedHandshake(data: Buffer): void {
    this.pipe.feed(data);
  }

  /** Raw TLS bytes from the socket (after establishment). */
  feedRaw(data: Buffer): void {
    if (this.phase !== 'detached') this.pipe.feed(data);
  }

  write(cleartext: Buffer): void {
    this.socket.write(cleartext);
  }

  /** Sends close_notify; `ended` fires when it is out. */
  end(): void {
    this.socket.end();
  }

  /**
   * Drops TLS without a close_notify: after a login-only handshake the client (FreeTDS)
   * simply stops using TLS after the LOGIN7 packet, and so must we.
   */
  detach(): void {
    this.phase = 'detached';
    this.clearQuietTimer();
    this.socket.destroy();
  }

  destroy(): void {
    this.detach();
  }

  private onOutput(chunk: Buffer): void {
    if (this.phase === 'detached') return;
    if (this.phase === 'established') {
      this.events.writeRaw(chunk);
      return;
    }
    this.flight.push(chunk);
    const state = flightState(Buffer.concat(this.flight));
    if (state === 'incomplete') {
      this.clearQuietTimer();
      this.quietTimer = setTimeout(() => this.flushFlight(false), FLIGHT_QUIET_MS);
      return;
    }
    this.flushFlight(state === 'finished');
  }

  private flushFlight(final: boolean): void {
    this.clearQuietTimer();
    const data = Buffer.concat(this.flight);
    this.flight = [];
    if (data.length === 0) return;
    // Switch before sending: the client's next bytes (LOGIN7) are raw TLS and may arrive
    // as soon as the flight leaves.
    if (final) this.phase = 'established';
    this.events.sendFlight(data);
    if (final) this.events.established();
  }

  private clearQuietTimer(): void {
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = undefined;
  }
}
