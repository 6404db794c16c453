/**
 * TDS packet layer (MS-TDS 2.2.3): 8-byte headers, message reassembly and splitting.
 * A message is one or more packets; the last one carries STATUS EOM.
 */

export const PacketType = {
  SQL_BATCH: 0x01,
  RPC: 0x03,
  TABULAR_RESULT: 0x04,
  ATTENTION: 0x06,
  BULK_LOAD: 0x07,
  TRANSACTION_MANAGER: 0x0e,
  LOGIN7: 0x10,
  SSPI: 0x11,
  PRELOGIN: 0x12,
} as const;

export const PacketStatus = {
  EOM: 0x01,
  IGNORE: 0x02,
  RESET_CONNECTION: 0x08,
  RESET_CONNECTION_SKIP_TRAN: 0x10,
} as const;

export const HEADER_LENGTH = 8;
/** The size every client starts with; LOGIN7 and ENVCHANGE 4 may change it afterwards. */
export const DEFAULT_PACKET_SIZE = 4096;
export const MIN_PACKET_SIZE = 512;
export const MAX_PACKET_SIZE = 32767;

export interface TdsMessage {
  type: number;
  payload: Buffer;
  /** The client set IGNORE on the last packet: it cancelled while still sending. */
  ignore: boolean;
  /** RESETCONNECTION / RESETCONNECTIONSKIPTRAN on the first packet. */
  resetConnection: 'none' | 'reset' | 'reset-skip-tran';
}

export class TdsProtocolError extends Error {}

/** Caught values are `unknown`; anything thrown that is not an Error is wrapped in one. */
export function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/**
 * Splits a byte stream into packets and packets into messages. Packets of one message
 * must share a type; anything else means the peer is not speaking TDS, which we report
 * rather than guess at.
 */
export class PacketReader {
  private buffered: Buffer = Buffer.alloc(0);
  private parts: Buffer[] = [];
  private currentType: number | undefined;
  private currentReset: TdsMessage['resetConnection'] = 'none';

  constructor(private readonly onMessage: (message: TdsMessage) => void) {}

  push(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= HEADER_LENGTH) {
      const length = this.buffered.readUInt16BE(2);
      if (length < HEADER_LENGTH) {
        throw new TdsProtocolError(`TDS packet length ${length} is shorter than its header`);
      }
      if (this.buffered.length < length) return;
      const packet = this.buffered.subarray(0, length);
      this.buffered = this.buffered.subarray(length);
      this.onPacket(packet);
    }
  }

  /** Bytes received after the last complete packet (needed when the transport changes). */
  takeRemainder(): Buffer {
    const rest = this.buffered;
    this.buffered = Buffer.alloc(0);
    return rest;
  }

  private onPacket(packet: Buffer): void {
    const type = packet.readUInt8(0);
    const status = packet.readUInt8(1);
    if (this.currentType === undefined) {
      this.currentType = type;
      this.currentReset =
        status & PacketStatus.RESET_CONNECTION
          ? 'reset'
          : status & PacketStatus.RESET_CONNECTION_SKIP_TRAN
            ? 'reset-skip-tran'
            : 'none';
    } else if (type !== this.currentType) {
      throw new TdsProtocolError(
        `TDS packet of type 0x${type.toString(16)} inside a message of type 0x${this.currentType.toString(16)}`,
      );
    }
    this.parts.push(packet.subarray(HEADER_LENGTH));
    if (status & PacketStatus.EOM) {
      const message: TdsMessage = {
        type,
        payload:
          this.parts.length === 1 ? (this.parts[0] ?? Buffer.alloc(0)) : Buffer.concat(this.parts),
        ignore: (status & PacketStatus.IGNORE) !== 0,
        resetConnection: this.currentReset,
      };
      this.parts = [];
      this.currentType = undefined;
      this.currentReset = 'none';
      this.onMessage(message);
    }
  }
}

/**
 * Frames a payload as one message: packets of at most `packetSize` bytes (header
 * included), EOM on the last, the session id in every header, packet ids counting
 * from 1 and wrapping at 256 as SQL Server does.
 */
export function encodeMessage(
  type: number,
  payload: Buffer,
  packetSize: number,
  spid: number,
): Buffer {
  const room = packetSize - HEADER_LENGTH;
  const count = Math.max(1, Math.ceil(payload.length / room));
  const out = Buffer.alloc(payload.length + count * HEADER_LENGTH);
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const chunk = payload.subarray(i * room, (i + 1) * room);
    const last = i === count - 1;
    out.writeUInt8(type, offset);
    out.writeUInt8(last ? PacketStatus.EOM : 0, offset + 1);
    out.writeUInt16BE(chunk.length + HEADER_LENGTH, offset + 2);
    out.writeUInt16BE(spid & 0xffff, offset + 4);
    out.writeUInt8((i + 1) % 256, offset + 6);
    out.writeUInt8(0, offset + 7);
    chunk.copy(out, offset + HEADER_LENGTH);
    offset += HEADER_LENGTH + chunk.length;
  }
  return out;
}

/** The packet size a client asked for in LOGIN7, bounded as SQL Server bounds it (0 = server default). */
export function negotiatePacketSize(requested: number): number {
  if (requested === 0) return DEFAULT_PACKET_SIZE;
  return Math.min(MAX_PACKET_SIZE, Math.max(MIN_PACKET_SIZE, requested));
}
