import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NtlmClientContext } from './client-context';
import { NtlmError } from './errors';
import { NtlmServerContext } from './server';
import type { SealedMessage } from './session';
import {
  type MessageSealer,
  SPNEGO_ENCRYPTED_CONTENT_TYPE,
  decryptBody,
  encryptBody,
  isSpnegoEncrypted,
} from './spnego-http';

function sessions() {
  const client = new NtlmClientContext({ user: 'alice', domain: 'LAB', password: 'pw' });
  const server = new NtlmServerContext({ computerName: 'SQLNODE1', domainName: 'LAB' });
  const auth = client.authenticate(server.challenge(client.negotiate()));
  const serverSession = server.authenticate(auth, () => ({ password: 'pw' })).session;
  if (!serverSession) throw new Error('no session');
  return { c: client.session, s: serverSession };
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'no error';
  } catch (e) {
    return e instanceof NtlmError ? e.code : String(e);
  }
}

/** A stand-in sealer that does not encrypt, so tests can place chosen bytes in the payload. */
const identity: MessageSealer = {
  seal: (m): SealedMessage => ({ signature: Buffer.alloc(16, 0xab), sealed: Buffer.from(m) }),
  unseal: (sealed) => Buffer.from(sealed),
};

const SOAP = Buffer.from(
  '<?xml version="1.0" encoding="utf-8"?><env:Envelope>é</env:Envelope>',
  'utf8',
);

describe('WinRM SPNEGO HTTP message encryption framing', () => {
  it('writes exactly the layout pywinrm writes', () => {
    const body = encryptBody(identity, SOAP);
    const head =
      '--Encrypted Boundary\r\n' +
      '\tContent-Type: application/HTTP-SPNEGO-session-encrypted\r\n' +
      `\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=${SOAP.length}\r\n` +
      '--Encrypted Boundary\r\n' +
      '\tContent-Type: application/octet-stream\r\n';
    const expected = Buffer.concat([
      Buffer.from(head, 'latin1'),
      Buffer.from([16, 0, 0, 0]),
      Buffer.alloc(16, 0xab),
      SOAP,
      Buffer.from('--Encrypted Boundary--\r\n', 'latin1'),
    ]);
    expect(body).toEqual(expected);
    expect(SPNEGO_ENCRYPTED_CONTENT_TYPE).toBe(
      'multipart/encrypted;protocol="application/HTTP-SPNEGO-session-encrypted";boundary="Encrypted Boundary"',
    );
  });

  it('round-trips requests and responses over real sessions, in order, many times', () => {
    const { c, s } = sessions();
    for (let i = 0; i < 5; i++) {
      const request = Buffer.concat([SOAP, crypto.randomBytes(i * 1000)]);
      const onWire = encryptBody(c, request);
      expect(onWire.includes(SOAP)).toBe(false);
      expect(decryptBody(s, onWire)).toEqual({
        plaintext: request,
        originalContentType: 'application/soap+xml;charset=UTF-8',
      });
      const response = Buffer.from(`<response n="${i}"/>`);
      expect(decryptBody(c, encryptBody(s, response)).plaintext).toEqual(response);
    }
  });

  it('reads the payload by length, so boundary-like bytes inside it do no harm', () => {
    const tricky = Buffer.from(
      'a--Encrypted Boundary\r\n\tContent-Type: application/octet-stream\r\nb--Encrypted Boundary--\r\n',
    );
    expect(decryptBody(identity, encryptBody(identity, tricky)).plaintext).toEqual(tricky);
  });

  it('accepts several parts and a CRLF before the closing boundary', () => {
    const one = encryptBody(identity, Buffer.from('one'));
    const two = encryptBody(identity, Buffer.from('two'));
    const closing = Buffer.from('--Encrypted Boundary--\r\n');
    const joined = Buffer.concat([
      one.subarray(0, one.length - closing.length),
      Buffer.from('\r\n'),
      two,
    ]);
    expect(decryptBody(identity, joined).plaintext.toString()).toBe('onetwo');
  });

  it('a tampered payload fails the signature check', () => {
    const { c, s } = sessions();
    const body = encryptBody(c, SOAP);
    const at = body.length - 30;
    body.writeUInt8(body.readUInt8(at) ^ 0x20, at);
    expect(codeOf(() => decryptBody(s, body))).toBe('NTLM_BAD_SIGNATURE');
  });

  it('a wrong Length, truncation or missing boundary is NTLM_BAD_FRAMING', () => {
    const body = encryptBody(identity, SOAP);
    const wrongLength = Buffer.from(
      body.toString('latin1').replace(`Length=${SOAP.length}`, `Length=${SOAP.length + 1}`),
      'latin1',
    );
    const shorter = Buffer.from(
      body.toString('latin1').replace(`Length=${SOAP.length}`, `Length=${SOAP.length - 1}`),
      'latin1',
    );
    const noOriginal = Buffer.from(
      body.toString('latin1').replace('OriginalContent', 'X-Other'),
      'latin1',
    );
    const credSsp = Buffer.from(
      body
        .toString('latin1')
        .replace('HTTP-SPNEGO-session-encrypted', 'HTTP-CredSSP-session-encrypted'),
      'latin1',
    );
    for (const bad of [
      wrongLength,
      shorter,
      noOriginal,
      credSsp,
      body.subarray(0, body.length - 10),
      body.subarray(0, 40),
      Buffer.from('<not encrypted/>'),
      Buffer.alloc(0),
    ]) {
      expect(codeOf(() => decryptBody(identity, bad))).toBe('NTLM_BAD_FRAMING');
    }
  });

  it('recognises the Content-Type in any parameter order and case', () => {
    expect(isSpnegoEncrypted(SPNEGO_ENCRYPTED_CONTENT_TYPE)).toBe(true);
    expect(
      isSpnegoEncrypted(
        'Multipart/Encrypted; boundary="Encrypted Boundary"; protocol="application/http-spnego-session-encrypted"',
      ),
    ).toBe(true);
    expect(
      isSpnegoEncrypted(
        'multipart/encrypted;protocol="application/HTTP-CredSSP-session-encrypted"',
      ),
    ).toBe(false);
    expect(isSpnegoEncrypted('application/soap+xml;charset=UTF-8')).toBe(false);
    expect(isSpnegoEncrypted(undefined)).toBe(false);
  });
});
