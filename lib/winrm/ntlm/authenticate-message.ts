import { NegotiateFlag, hasFlag } from './flags';
import {
  MessageType,
  buildMessage,
  decodeText,
  encodeText,
  expectHeader,
  lowestFieldOffset,
  newHeader,
  readField,
} from './wire';

/** AUTHENTICATE_MESSAGE (MS-NLMP 2.2.1.3). */
export interface AuthenticateMessage {
  flags: number;
  lmChallengeResponse: Buffer;
  ntChallengeResponse: Buffer;
  domain: string;
  user: string;
  workstation: string;
  encryptedRandomSessionKey: Buffer;
  version: Buffer | undefined;
  /** The 16 bytes at MIC_OFFSET when the header is long enough to hold a MIC (whether one was meant is told by MsvAvFlags). */
  mic: Buffer | undefined;
}

export const MIC_OFFSET = 72;
const WHAT = 'AUTHENTICATE';
const FIELD = { LM: 12, NT: 20, DOMAIN: 28, USER: 36, WORKSTATION: 44, SESSION_KEY: 52 } as const;

export function encodeAuthenticateMessage(msg: {
  flags: number;
  lmChallengeResponse: Buffer;
  ntChallengeResponse: Buffer;
  domain: string;
  user: string;
  workstation: string;
  encryptedRandomSessionKey: Buffer;
  version?: Buffer;
  /** Reserve and write the MIC field (pass zeros to compute the MIC, then patch it in at MIC_OFFSET). */
  mic?: Buffer;
}): Buffer {
  const header = newHeader(msg.mic ? 88 : msg.version ? 72 : 64, MessageType.AUTHENTICATE);
  header.writeUInt32LE(msg.flags >>> 0, 60);
  msg.version?.copy(header, 64);
  msg.mic?.copy(header, MIC_OFFSET);
  const unicode = hasFlag(msg.flags, NegotiateFlag.UNICODE);
  // Payload order as Windows writes it (and MS-NLMP 4.2.4.3 shows).
  return buildMessage(header, [
    { at: FIELD.DOMAIN, data: encodeText(msg.domain, unicode) },
    { at: FIELD.USER, data: encodeText(msg.user, unicode) },
    { at: FIELD.WORKSTATION, data: encodeText(msg.workstation, unicode) },
    { at: FIELD.LM, data: msg.lmChallengeResponse },
    { at: FIELD.NT, data: msg.ntChallengeResponse },
    { at: FIELD.SESSION_KEY, data: msg.encryptedRandomSessionKey },
  ]);
}

export function parseAuthenticateMessage(msg: Buffer): AuthenticateMessage {
  expectHeader(msg, MessageType.AUTHENTICATE, 64);
  const flags = msg.readUInt32LE(60);
  const unicode = hasFlag(flags, NegotiateFlag.UNICODE);
  const text = (at: number, name: string): string =>
    decodeText(readField(msg, at, WHAT, name), unicode, WHAT, name);
  const payloadStart = lowestFieldOffset(msg, Object.values(FIELD));
  return {
    flags,
    lmChallengeResponse: readField(msg, FIELD.LM, WHAT, 'LmChallengeResponse'),
    ntChallengeResponse: readField(msg, FIELD.NT, WHAT, 'NtChallengeResponse'),
    domain: text(FIELD.DOMAIN, 'DomainName'),
    user: text(FIELD.USER, 'UserName'),
    workstation: text(FIELD.WORKSTATION, 'Workstation'),
    encryptedRandomSessionKey: readField(msg, FIELD.SESSION_KEY, WHAT, 'EncryptedRandomSessionKey'),
    version: payloadStart >= 72 ? Buffer.from(msg.subarray(64, 72)) : undefined,
    mic: payloadStart >= 88 ? Buffer.from(msg.subarray(MIC_OFFSET, MIC_OFFSET + 16)) : undefined,
  };
}
