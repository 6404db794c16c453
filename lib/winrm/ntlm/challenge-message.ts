import { type AvPair, decodeAvPairs, encodeAvPairs } from './av-pairs';
import { NegotiateFlag, hasFlag } from './flags';
import {
  MessageType,
  badMessage,
  buildMessage,
  decodeText,
  encodeText,
  expectHeader,
  lowestFieldOffset,
  newHeader,
  readField,
} from './wire';

/** CHALLENGE_MESSAGE (MS-NLMP 2.2.1.2). */
export interface ChallengeMessage {
  flags: number;
  serverChallenge: Buffer;
  /** TargetName, present when REQUEST_TARGET was answered. Empty when absent. */
  targetName: string;
  /** TargetInfo AV pairs without the terminating MsvAvEOL. Empty when TARGET_INFO is not set. */
  targetInfo: AvPair[];
  version: Buffer | undefined;
}

const WHAT = 'CHALLENGE';

export function encodeChallengeMessage(msg: {
  flags: number;
  serverChallenge: Buffer;
  targetName: string;
  targetInfo: readonly AvPair[];
  version?: Buffer;
}): Buffer {
  if (msg.serverChallenge.length !== 8)
    throw new RangeError('The server challenge must be 8 bytes');
  const header = newHeader(msg.version ? 56 : 48, MessageType.CHALLENGE);
  header.writeUInt32LE(msg.flags >>> 0, 20);
  msg.serverChallenge.copy(header, 24);
  msg.version?.copy(header, 48);
  const unicode = hasFlag(msg.flags, NegotiateFlag.UNICODE);
  const withInfo = hasFlag(msg.flags, NegotiateFlag.TARGET_INFO);
  return buildMessage(header, [
    { at: 12, data: msg.targetName ? encodeText(msg.targetName, unicode) : Buffer.alloc(0) },
    { at: 40, data: withInfo ? encodeAvPairs(msg.targetInfo) : Buffer.alloc(0) },
  ]);
}

export function parseChallengeMessage(msg: Buffer): ChallengeMessage {
  expectHeader(msg, MessageType.CHALLENGE, 32);
  const flags = msg.readUInt32LE(20);
  const unicode = hasFlag(flags, NegotiateFlag.UNICODE);
  const targetName = decodeText(
    readField(msg, 12, WHAT, 'TargetName'),
    unicode,
    WHAT,
    'TargetName',
  );
  let targetInfo: AvPair[] = [];
  if (hasFlag(flags, NegotiateFlag.TARGET_INFO)) {
    if (msg.length < 48)
      throw badMessage(WHAT, 'TARGET_INFO is set but the TargetInfo fields are missing');
    targetInfo = decodeAvPairs(readField(msg, 40, WHAT, 'TargetInfo'), WHAT);
  }
  const payloadStart = lowestFieldOffset(msg, msg.length >= 48 ? [12, 40] : [12]);
  const version =
    hasFlag(flags, NegotiateFlag.VERSION) && payloadStart >= 56
      ? Buffer.from(msg.subarray(48, 56))
      : undefined;
  return {
    flags,
    serverChallenge: Buffer.from(msg.subarray(24, 32)),
    targetName,
    targetInfo,
    version,
  };
}
