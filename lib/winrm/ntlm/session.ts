import crypto from 'node:crypto';
import { NtlmError } from './errors';
import { NegotiateFlag, hasFlag } from './flags';
import { hmacMd5 } from './hashes';
import { deriveSessionKeys } from './keys';
import { Rc4 } from './rc4';

/** Which end of the connection a session belongs to: it picks the outgoing and incoming keys. */
export type NtlmSide = 'client' | 'server';

export interface SealedMessage {
  /** NTLMSSP_MESSAGE_SIGNATURE: version 1, 8-byte checksum, 4-byte sequence number. */
  signature: Buffer;
  sealed: Buffer;
}

export const SIGNATURE_LENGTH = 16;

interface Direction {
  signingKey: Buffer;
  handle: Rc4;
  seq: number;
}

/**
 * NTLM session security with extended session security (MS-NLMP 3.4): one RC4 keystream and one
 * sequence number per direction, kept for the life of the connection. A message that fails to
 * unseal or verify leaves the session where it was, so the peer's next genuine message still opens.
 */
export class NtlmSession {
  readonly side: NtlmSide;
  readonly flags: number;
  readonly #out: Direction;
  readonly #in: Direction;

  constructor(exportedSessionKey: Buffer, flags: number, side: NtlmSide) {
    if (exportedSessionKey.length !== 16)
      throw new RangeError('The exported session key must be 16 bytes');
    if (!hasFlag(flags, NegotiateFlag.EXTENDED_SESSIONSECURITY)) {
      throw new NtlmError(
        'NTLM_UNSUPPORTED',
        'NTLM session security needs extended session security, which was not negotiated',
      );
    }
    this.side = side;
    this.flags = flags >>> 0;
    const keys = deriveSessionKeys(exportedSessionKey, flags);
    const client: Direction = {
      signingKey: keys.clientSigningKey,
      handle: new Rc4(keys.clientSealingKey),
      seq: 0,
    };
    const server: Direction = {
      signingKey: keys.serverSigningKey,
      handle: new Rc4(keys.serverSealingKey),
      seq: 0,
    };
    this.#out = side === 'client' ? client : server;
    this.#in = side === 'client' ? server : client;
  }

  /** GSS_WrapEx: encrypts the message and signs the plaintext. */
  seal(message: Uint8Array): SealedMessage {
    this.#require(NegotiateFlag.SEAL, 'sealing');
    const sealed = this.#out.handle.update(message);
    const signature = this.#signature(
      this.#out.signingKey,
      this.#out.handle,
      this.#out.seq,
      message,
    );
    this.#out.seq = (this.#out.seq + 1) >>> 0;
    return { signature, sealed };
  }

  /** GSS_UnwrapEx: decrypts and verifies; throws NTLM_BAD_SIGNATURE or NTLM_BAD_SEQUENCE. */
  unseal(sealed: Uint8Array, signature: Uint8Array): Buffer {
    this.#require(NegotiateFlag.SEAL, 'sealing');
    const handle = this.#in.handle.clone();
    const message = handle.update(sealed);
    this.#check(handle, message, signature);
    this.#in.handle = handle;
    this.#in.seq = (this.#in.seq + 1) >>> 0;
    return message;
  }

  /** GSS_GetMICEx: a signature over a message sent in the clear. */
  sign(message: Uint8Array): Buffer {
    this.#require(NegotiateFlag.SIGN | NegotiateFlag.SEAL, 'signing');
    const signature = this.#signature(
      this.#out.signingKey,
      this.#out.handle,
      this.#out.seq,
      message,
    );
    this.#out.seq = (this.#out.seq + 1) >>> 0;
    return signature;
  }

  /** GSS_VerifyMICEx: throws NTLM_BAD_SIGNATURE or NTLM_BAD_SEQUENCE. */
  verify(message: Uint8Array, signature: Uint8Array): void {
    this.#require(NegotiateFlag.SIGN | NegotiateFlag.SEAL, 'signing');
    const handle = this.#in.handle.clone();
    this.#check(handle, message, signature);
    this.#in.handle = handle;
    this.#in.seq = (this.#in.seq + 1) >>> 0;
  }

  #require(flags: number, what: string): void {
    if (!hasFlag(this.flags, flags))
      throw new NtlmError('NTLM_BAD_STATE', `NTLM ${what} was not negotiated for this session`);
  }

  #signature(signingKey: Buffer, handle: Rc4, seq: number, message: Uint8Array): Buffer {
    const seqBytes = Buffer.alloc(4);
    seqBytes.writeUInt32LE(seq);
    let checksum = hmacMd5(signingKey, seqBytes, message).subarray(0, 8);
    // With KEY_EXCH the checksum is encrypted with the same keystream, right after the message.
    if (hasFlag(this.flags, NegotiateFlag.KEY_EXCH)) checksum = handle.update(checksum);
    return Buffer.concat([Buffer.from([1, 0, 0, 0]), checksum, seqBytes]);
  }

  #check(handle: Rc4, message: Buffer | Uint8Array, signature: Uint8Array): void {
    const sig = Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength);
    if (sig.length !== SIGNATURE_LENGTH || sig.readUInt32LE(0) !== 1) {
      throw new NtlmError(
        'NTLM_BAD_SIGNATURE',
        `NTLM signature is malformed (${sig.length} bytes, expected a version-1 16-byte signature)`,
      );
    }
    const seq = sig.readUInt32LE(12);
    if (seq !== this.#in.seq) {
      throw new NtlmError(
        'NTLM_BAD_SEQUENCE',
        `NTLM message has sequence number ${seq} but ${this.#in.seq} was expected: it was replayed, reordered or one was lost`,
      );
    }
    const expected = this.#signature(this.#in.signingKey, handle, this.#in.seq, message);
    if (!crypto.timingSafeEqual(expected.subarray(4, 12), sig.subarray(4, 12))) {
      throw new NtlmError(
        'NTLM_BAD_SIGNATURE',
        'NTLM message signature does not match: the message was altered or the session keys differ',
      );
    }
  }
}
