import { NegotiateFlag, hasFlag } from './flags';
import {
  MessageType,
  buildMessage,
  decodeText,
  encodeText,
  expectHeader,
  newHeader,
  readField,
} from './wire';

/** NEGOTIATE_MESSAGE (MS-NLMP 2.2.1.1). */
export interface NegotiateMessage {
  flags: number;
  /** OEM_DOMAIN_SUPPLIED: the client's domain, in the OEM character set. Empty when absent. */
  domain: string;
  workstation: string;
  version: Buffer | undefined;
}

const WHAT = 'NEGOTIATE';

export function encodeNegotiateMessage(msg: {
  flags: number;
  version?: Buffer;
  domain?: string;
  workstation?: string;
}): Buffer {
  const header = newHeader(msg.version ? 40 : 32, MessageType.NEGOTIATE);
  let flags = msg.flags;
  if (msg.domain) flags |= NegotiateFlag.OEM_DOMAIN_SUPPLIED;
  if (msg.workstation) flags |= NegotiateFlag.OEM_WORKSTATION_SUPPLIED;
  header.writeUInt32LE(flags >>> 0, 12);
  msg.version?.copy(header, 32);
  return buildMessage(header, [
    { at: 16, data: encodeText(msg.domain ?? '', false) },
    { at: 24, data: encodeText(msg.workstation ?? '', false) },
  ]);
}

export function parseNegotiateMessage(msg: Buffer): NegotiateMessage {
  expectHeader(msg, MessageType.NEGOTIATE, 16);
  const flags = msg.readUInt32LE(12);
  // Old clients send only the first 16 bytes; the optional fields count only when flagged.
  const long = msg.length >= 32;
  const domain =
    long && hasFlag(flags, NegotiateFlag.OEM_DOMAIN_SUPPLIED)
      ? decodeText(readField(msg, 16, WHAT, 'DomainName'), false, WHAT, 'DomainName')
      : '';
  const workstation =
    long && hasFlag(flags, NegotiateFlag.OEM_WORKSTATION_SUPPLIED)
      ? decodeText(readField(msg, 24, WHAT, 'Workstation'), false, WHAT, 'Workstation')
      : '';
  const version =
    hasFlag(flags, NegotiateFlag.VERSION) && msg.length >= 40
      ? Buffer.from(msg.subarray(32, 40))
      : undefined;
  return { flags, domain, workstation, version };
}
