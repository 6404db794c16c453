import { X509Certificate, createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NtlmClientContext,
  SPNEGO_ENCRYPTED_CONTENT_TYPE,
  decryptBody,
  encryptBody,
  tlsServerEndPoint,
} from '../../winrm/ntlm';
import { createWinrmServer } from './server';
import {
  ACCOUNTS,
  ACTIONS,
  HOST,
  SHELL_BODY,
  type Tls,
  basicAuth,
  makeTls,
  rawRequest,
  scriptedExecutor,
  soapEnvelope,
  tagText,
} from './test-support';
import type { WinrmServer } from './types';

/**
 * The listeners' HTTP behaviour: which schemes a 401 offers, Basic only over HTTPS, NTLM bound
 * to its TCP connection, message encryption required over HTTP, channel binding over HTTPS, and
 * the authorization check after authentication. Driven with our own NTLM client context.
 */
const [admin, , reader] = ACCOUNTS;

describe('WinRM listener authentication', () => {
  let tls: Tls;
  let server: WinrmServer;

  beforeAll(async () => {
    tls = await makeTls();
    server = await createWinrmServer({
      hostName: HOST,
      https: { port: 0, cert: tls.cert, key: tls.key },
      http: { port: 0 },
      accounts: ACCOUNTS,
      executor: scriptedExecutor(),
    });
  });
  afterAll(() => server?.close());

  const httpUrl = () => server.urls.http ?? '';
  const httpsUrl = () => server.urls.https ?? '';
  const authenticateHeaders = (rawHeaders: string[]) =>
    rawHeaders.filter(
      (_, i) => i % 2 === 1 && rawHeaders[i - 1]?.toLowerCase() === 'www-authenticate',
    );

  it('a 401 offers Negotiate and Basic over HTTPS, Negotiate alone over HTTP, where Basic is refused', async () => {
    const secure = await new Promise<http.IncomingMessage>((resolve, reject) =>
      https
        .request(httpsUrl(), { method: 'POST', ca: tls.caPem }, resolve)
        .on('error', reject)
        .end(),
    );
    secure.resume();
    expect(secure.statusCode).toBe(401);
    expect(authenticateHeaders(secure.rawHeaders)).toEqual(['Negotiate', 'Basic realm="WSMAN"']);
    expect(secure.headers['content-length']).toBe('0');

    const plain = await rawRequest(httpUrl(), {
      headers: { Authorization: basicAuth(admin.user, admin.password) },
      body: soapEnvelope(ACTIONS.create, { body: SHELL_BODY }),
    });
    expect(plain.status).toBe(401);
    expect(plain.headers['www-authenticate']).toBe('Negotiate');
  });

  it('only POST /wsman exists', async () => {
    const auth = { Authorization: basicAuth(admin.user, admin.password) };
    const other = await rawRequest(httpsUrl().replace('/wsman', '/other'), {
      ca: tls.caPem,
      headers: auth,
    });
    expect(other.status).toBe(404);
    const get = await rawRequest(httpsUrl(), { ca: tls.caPem, method: 'GET', headers: auth });
    expect(get.status).toBe(405);
  });

  it('an authenticated non-administrator gets the AccessDenied fault (HTTP 500, code 5)', async () => {
    const res = await rawRequest(httpsUrl(), {
      ca: tls.caPem,
      headers: { Authorization: basicAuth(reader.user, reader.password) },
      body: soapEnvelope(ACTIONS.create, { body: SHELL_BODY }),
    });
    expect(res.status).toBe(500);
    expect(res.text).toContain(
      '<s:Value>s:Sender</s:Value><s:Subcode><s:Value>w:AccessDenied</s:Value>',
    );
    expect(res.text).toContain('Code="5" Machine="SQLNODE1"');
    expect(tagText(res.text, 's:Text')).toBe('Access is denied. ');
  });

  /** NTLM handshake on one keep-alive connection; returns the client's session. */
  async function handshake(
    url: string,
    agent: http.Agent,
    options: ConstructorParameters<typeof NtlmClientContext>[1] = {},
  ) {
    const client = new NtlmClientContext(
      { user: admin.user, domain: '', password: admin.password },
      options,
    );
    const first = await rawRequest(url, {
      agent,
      headers: { Authorization: `Negotiate ${client.negotiate().toString('base64')}` },
    });
    expect(first.status).toBe(401);
    const challenge = /^Negotiate (.+)$/.exec(String(first.headers['www-authenticate']))?.[1] ?? '';
    const second = await rawRequest(url, {
      agent,
      headers: {
        Authorization: `Negotiate ${client.authenticate(Buffer.from(challenge, 'base64')).toString('base64')}`,
      },
    });
    return { client, response: second };
  }

  it('HTTP: NTLM is bound to the connection and SOAP must be sealed', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const { client, response } = await handshake(httpUrl(), agent);
      expect(response.status).toBe(200);
      const session = client.session;
      const sealed = await rawRequest(httpUrl(), {
        agent,
        headers: { 'Content-Type': SPNEGO_ENCRYPTED_CONTENT_TYPE },
        body: encryptBody(session, Buffer.from(soapEnvelope(ACTIONS.create, { body: SHELL_BODY }))),
      });
      expect(sealed.status).toBe(200);
      expect(sealed.headers['content-type']).toBe(SPNEGO_ENCRYPTED_CONTENT_TYPE);
      const xml = decryptBody(session, sealed.body).plaintext.toString();
      const shellId = tagText(xml, 'rsp:ShellId');
      expect(shellId).toMatch(/^[0-9A-F-]{36}$/);

      // Plain SOAP on the same, authenticated connection: AllowUnencrypted=false.
      const clear = await rawRequest(httpUrl(), {
        agent,
        body: soapEnvelope(ACTIONS.delete, { shellId }),
      });
      expect(clear.status).toBe(500);
      expect(clear.body.length).toBe(0);

      const deleted = await rawRequest(httpUrl(), {
        agent,
        headers: { 'Content-Type': SPNEGO_ENCRYPTED_CONTENT_TYPE },
        body: encryptBody(session, Buffer.from(soapEnvelope(ACTIONS.delete, { shellId }))),
      });
      expect(deleted.status).toBe(200);
      expect(server.shellCount()).toBe(0);

      // A new connection has no logon.
      const fresh = await rawRequest(httpUrl(), {
        headers: { 'Content-Type': SPNEGO_ENCRYPTED_CONTENT_TYPE },
        body: encryptBody(session, Buffer.from(soapEnvelope(ACTIONS.delete, { shellId }))),
      });
      expect(fresh.status).toBe(401);
    } finally {
      agent.destroy();
    }
  });

  it('HTTPS: a channel binding for another certificate is refused, the right one accepted', async () => {
    const der = new X509Certificate(tls.cert).raw;
    const right = tlsServerEndPoint(createHash('sha256').update(der).digest());
    const wrong = tlsServerEndPoint(createHash('sha256').update('another certificate').digest());
    for (const [bindings, status] of [
      [wrong, 401],
      [right, 200],
    ] as const) {
      const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: tls.caPem });
      try {
        const { response } = await handshake(httpsUrl(), agent, { channelBindings: bindings });
        expect(response.status).toBe(status);
      } finally {
        agent.destroy();
      }
    }
  });
});
