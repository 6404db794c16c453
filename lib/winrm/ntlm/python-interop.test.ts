import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { NtlmError } from './errors';
import { PYTHON, legacyPythonEnv, pythonCanRun } from './python.test-helper';
import { NtlmServerContext } from './server';
import { decryptBody, encryptBody } from './spnego-http';

/**
 * Cross-check with clients nobody here wrote: Debian's python3-winrm 0.3.0 (pywinrm's Encryption
 * class), requests_ntlm 1.1.0 and ntlm_auth 1.4.0 as the client, our NtlmServerContext as the server.
 * Skipped where /usr/bin/python3 lacks them.
 */
const PEER = path.join(__dirname, 'testdata', 'pywinrm_peer.py');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ntlm-interop-'));
const env = legacyPythonEnv(dir);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const AVAILABLE = pythonCanRun(env, 'ntlm_auth, winrm.encryption');

type Reply = Record<string, string | undefined>;

class PywinrmPeer {
  readonly #proc: ChildProcessWithoutNullStreams;
  readonly #lines: string[] = [];
  #waiter: ((line: string) => void) | undefined;
  #stderr = '';

  constructor(username: string, password: string) {
    this.#proc = spawn(PYTHON, [PEER], { env });
    this.#proc.stderr.on('data', (d: Buffer) => (this.#stderr += d.toString()));
    readline.createInterface({ input: this.#proc.stdout }).on('line', (line) => {
      const waiter = this.#waiter;
      this.#waiter = undefined;
      if (waiter) waiter(line);
      else this.#lines.push(line);
    });
    this.send({ username, password });
  }

  send(obj: Record<string, string>): void {
    this.#proc.stdin.write(`${JSON.stringify(obj)}\n`);
  }

  async next(): Promise<Reply> {
    const queued = this.#lines.shift();
    const line =
      queued ??
      (await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`pywinrm peer did not answer: ${this.#stderr}`)),
          10_000,
        );
        this.#waiter = (l) => {
          clearTimeout(timer);
          resolve(l);
        };
      }));
    return JSON.parse(line) as Reply;
  }

  async field(name: string): Promise<Buffer> {
    const reply = await this.next();
    const value = reply[name];
    if (value === undefined) throw new Error(`pywinrm peer answered ${JSON.stringify(reply)}`);
    return Buffer.from(value, 'base64');
  }

  close(): void {
    this.#proc.stdin.end();
  }
}

const ACCOUNTS: Record<string, string> = { 'lab\\alice': 'Pa55w0rd!', '\\vagrant': 'vagrant' };

async function authenticate(username: string, password: string) {
  const peer = new PywinrmPeer(username, password);
  const server = new NtlmServerContext({
    computerName: 'SQLNODE1',
    domainName: 'LAB',
    dnsDomainName: 'lab.local',
  });
  const challenge = server.challenge(await peer.field('negotiate'));
  peer.send({ challenge: challenge.toString('base64') });
  const auth = await peer.field('authenticate');
  const run = () =>
    server.authenticate(auth, ({ user, domain }) => {
      const known = ACCOUNTS[`${domain}\\${user}`.toLowerCase()];
      return known === undefined ? undefined : { password: known };
    });
  return { peer, run };
}

describe.skipIf(!AVAILABLE)(
  'interoperability with Debian pywinrm + requests_ntlm + ntlm_auth',
  () => {
    it.each([
      ['LAB\\alice', 'Pa55w0rd!'],
      ['vagrant', 'vagrant'],
    ])(
      'authenticates %s and exchanges encrypted WinRM bodies both ways',
      async (username, password) => {
        const { peer, run } = await authenticate(username, password);
        try {
          const result = run();
          expect(result.micVerified).toBe(true);
          const session = result.session;
          if (!session) throw new Error('no session');
          for (let i = 0; i < 4; i++) {
            const request = Buffer.from(
              `<?xml version="1.0" encoding="utf-8"?><env:Envelope n="${i}">${'x'.repeat(i * 3000)}</env:Envelope>`,
            );
            peer.send({ wrap: request.toString('base64') });
            expect(decryptBody(session, await peer.field('body')).plaintext.equals(request)).toBe(
              true,
            );

            const response = Buffer.from(
              `<s:Envelope><s:Body>reply ${i} ünïcödé</s:Body></s:Envelope>`,
              'utf8',
            );
            peer.send({ unwrap: encryptBody(session, response).toString('base64') });
            expect((await peer.field('plaintext')).equals(response)).toBe(true);
          }
        } finally {
          peer.close();
        }
      },
    );

    it('refuses a wrong password with NTLM_AUTH_FAILED', async () => {
      const { peer, run } = await authenticate('LAB\\alice', 'not-the-password');
      peer.close();
      const error = (() => {
        try {
          run();
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(NtlmError);
      expect(error).toMatchObject({
        code: 'NTLM_AUTH_FAILED',
        message: expect.stringContaining('LAB\\alice'),
      });
    });

    it('each side rejects the other side’s tampered body', async () => {
      const { peer, run } = await authenticate('LAB\\alice', 'Pa55w0rd!');
      try {
        const session = run().session;
        if (!session) throw new Error('no session');
        peer.send({ wrap: Buffer.from('<request/>').toString('base64') });
        const body = await peer.field('body');
        body.writeUInt8(body.readUInt8(body.length - 30) ^ 1, body.length - 30);
        expect(() => decryptBody(session, body)).toThrow(
          expect.objectContaining({ code: 'NTLM_BAD_SIGNATURE' }),
        );

        const reply = encryptBody(session, Buffer.from('<response/>'));
        reply.writeUInt8(reply.readUInt8(reply.length - 30) ^ 1, reply.length - 30);
        peer.send({ unwrap: reply.toString('base64') });
        expect((await peer.next()).error).toMatch(/signature checksum does not match/);
      } finally {
        peer.close();
      }
    });
  },
);
