import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWinrmServer } from './server';
import {
  ACCOUNTS,
  ACTIONS,
  HOST,
  type RawResponse,
  SHELL_BODY,
  type SoapOptions,
  type Tls,
  basicAuth,
  commandBody,
  makeTls,
  rawRequest,
  receiveBody,
  scriptedExecutor,
  signalBody,
  soapEnvelope,
  tagText,
} from './test-support';
import type { WinrmServer } from './types';

/**
 * WinRS over raw HTTPS requests built here, against a host whose commands the test scripts by
 * hand: response shapes, faults, blocking Receive, chunking, Send, Signal, Delete, quotas.
 */
const [admin, domainAdmin, , operator] = ACCOUNTS;
const GUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

describe('WinRS operations (raw HTTPS + Basic)', () => {
  let tls: Tls;
  let server: WinrmServer;
  let agent: https.Agent;
  const executor = scriptedExecutor();

  beforeAll(async () => {
    tls = await makeTls();
    server = await createWinrmServer({
      hostName: HOST,
      https: { port: 0, cert: tls.cert, key: tls.key },
      accounts: ACCOUNTS,
      executor,
      maxShellsPerUser: 3,
      maxEnvelopeSizeKb: 64,
    });
    agent = new https.Agent({ keepAlive: true, ca: tls.caPem });
  });
  afterAll(async () => {
    agent?.destroy();
    await server?.close();
  });

  type Login = { user: string; password: string };
  const post = (
    action: string,
    o: SoapOptions = {},
    account: Login = admin,
  ): Promise<RawResponse> =>
    rawRequest(server.urls.https ?? '', {
      agent,
      headers: { Authorization: basicAuth(account.user, account.password) },
      body: soapEnvelope(action, o),
    });

  const create = async (o: SoapOptions = {}, account: Login = admin): Promise<string> => {
    const res = await post(ACTIONS.create, { body: SHELL_BODY, ...o }, account);
    expect(res.status).toBe(200);
    return tagText(res.text, 'rsp:ShellId') ?? '';
  };
  const command = async (shellId: string, line: string, o: SoapOptions = {}): Promise<string> => {
    const res = await post(ACTIONS.command, { shellId, body: commandBody(line), ...o });
    expect(res.status).toBe(200);
    return tagText(res.text, 'rsp:CommandId') ?? '';
  };
  const lastRun = () => {
    const run = executor.runs[executor.runs.length - 1];
    if (!run) throw new Error('no command started');
    return run;
  };

  it('Create answers with Windows prefixes, both ShellId forms and the shell properties', async () => {
    const messageId = 'uuid:0a1b2c3d-0000-4000-8000-123456789abc';
    const res = await post(ACTIONS.create, {
      messageId,
      body: SHELL_BODY,
      options: { WINRS_NOPROFILE: 'FALSE', WINRS_CODEPAGE: '65001' },
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/soap+xml;charset=UTF-8');
    expect(res.headers.server).toBe('Microsoft-HTTPAPI/2.0');
    expect(res.text).toMatch(
      /^<s:Envelope xml:lang="en-US" xmlns:s="http:\/\/www.w3.org\/2003\/05\/soap-envelope"/,
    );
    expect(tagText(res.text, 'a:Action')).toBe(`${ACTIONS.create}Response`);
    expect(tagText(res.text, 'a:RelatesTo')).toBe(messageId);
    expect(tagText(res.text, 'a:MessageID')).toMatch(/^uuid:[0-9A-F-]{36}$/);
    const selector = /<w:Selector Name="ShellId">([^<]+)<\/w:Selector>/.exec(res.text)?.[1];
    expect(selector).toMatch(GUID);
    expect(tagText(res.text, 'rsp:ShellId')).toBe(selector);
    expect(tagText(res.text, 'rsp:IdleTimeOut')).toBe('PT7200.000S');
    expect(tagText(res.text, 'rsp:Owner')).toBe('Administrator');
    expect(res.text).toContain('<x:ResourceCreated><a:Address>https://');

    const commandId = await command(selector ?? '', 'powershell -encodedcommand AAAA');
    expect(commandId).toMatch(GUID);
    expect(lastRun().request).toMatchObject({
      hostName: HOST,
      user: 'Administrator',
      command: 'powershell -encodedcommand AAAA',
      arguments: [],
      codepage: 65001,
      viaCmd: true,
    });
    lastRun().finish(0);
    expect((await post(ACTIONS.delete, { shellId: selector })).status).toBe(200);
  });

  it('Receive blocks until output, streams it base64 in order, then says Done with the exit code', async () => {
    const shellId = await create();
    const commandId = await command(shellId, 'anything');
    const run = lastRun();
    setTimeout(() => {
      run.stdout.write('out 1\r\n');
      run.stderr.write('err 1\r\n');
      run.stdout.write('out 2\r\n');
      run.finish(7);
    }, 150);
    const started = Date.now();
    const res = await post(ACTIONS.receive, { shellId, body: receiveBody(commandId) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(120);
    expect(res.status).toBe(200);
    const streams = [
      ...res.text.matchAll(
        /<rsp:Stream Name="(\w+)" CommandId="([^"]+)"( End="true")?>([^<]*)<\/rsp:Stream>/g,
      ),
    ].map((m) => [m[1], Buffer.from(m[4] ?? '', 'base64').toString(), Boolean(m[3])]);
    expect(streams).toEqual([
      ['stdout', 'out 1\r\n', false],
      ['stderr', 'err 1\r\n', false],
      ['stdout', 'out 2\r\n', false],
      ['stdout', '', true],
      ['stderr', '', true],
    ]);
    expect(res.text).toContain(
      `<rsp:CommandState CommandId="${commandId}" State="http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/Done"><rsp:ExitCode>7</rsp:ExitCode></rsp:CommandState>`,
    );
    await post(ACTIONS.delete, { shellId });
  });

  it('Receive with nothing to say within OperationTimeout is the w:TimedOut fault 2150858793', async () => {
    const shellId = await create();
    const commandId = await command(shellId, 'silent');
    const messageId = 'uuid:11111111-1111-4111-8111-111111111111';
    const started = Date.now();
    const res = await post(ACTIONS.receive, {
      shellId,
      messageId,
      operationTimeout: 'PT0.400S',
      body: receiveBody(commandId),
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toBe('application/soap+xml;charset=UTF-8');
    expect(res.text).toContain('xmlns:e="http://schemas.xmlsoap.org/ws/2004/08/eventing"');
    expect(tagText(res.text, 'a:Action')).toBe('http://schemas.dmtf.org/wbem/wsman/1/wsman/fault');
    expect(tagText(res.text, 'a:RelatesTo')).toBe(messageId);
    expect(res.text).toContain(
      '<s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>w:TimedOut</s:Value></s:Subcode></s:Code>',
    );
    expect(res.text).toContain(
      '<f:WSManFault xmlns:f="http://schemas.microsoft.com/wbem/wsman/1/wsmanfault" Code="2150858793" Machine="SQLNODE1">',
    );
    expect(tagText(res.text, 's:Text')).toBe(
      'The WS-Management service cannot complete the operation within the time specified in OperationTimeout.  ',
    );
    lastRun().finish(0);
    await post(ACTIONS.delete, { shellId });
  });

  it('faults: unknown shell 2150858843, malformed XML 2150858817, OperationTimeout over MaxTimeoutms, foreign resource', async () => {
    const unknown = await post(ACTIONS.receive, { shellId: 'NOT-A-SHELL', body: receiveBody('X') });
    expect(unknown.status).toBe(500);
    expect(unknown.text).toContain(
      '<s:Value>s:Sender</s:Value><s:Subcode><s:Value>w:InvalidSelectors</s:Value>',
    );
    expect(unknown.text).toContain('Code="2150858843"');
    expect(unknown.text).toContain(
      'ShellId NOT-A-SHELL failed because the shell was not found on the server.',
    );

    const malformed = await rawRequest(server.urls.https ?? '', {
      agent,
      headers: { Authorization: basicAuth(admin.user, admin.password) },
      body: '<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Header>',
    });
    expect(malformed.status).toBe(500);
    expect(malformed.text).toContain('<s:Value>w:SchemaValidationError</s:Value>');
    expect(malformed.text).toContain('Code="2150858817"');

    const tooLong = await post(ACTIONS.create, { body: SHELL_BODY, operationTimeout: 'PT61S' });
    expect(tooLong.status).toBe(500);
    expect(tooLong.text).toContain('<s:Value>w:UnsupportedTimeout</s:Value>');
    expect(tooLong.text).toContain('Code="2150858764"');

    const psrp = await post(ACTIONS.create, {
      body: SHELL_BODY,
      resourceUri: 'http://schemas.microsoft.com/powershell/Microsoft.PowerShell',
    });
    expect(psrp.text).toContain('Code="2150858752"');
    expect(server.shellCount()).toBe(0);
  });

  it('honours MaxEnvelopeSize: output is split across Receives that each fit; oversized requests get 413', async () => {
    const shellId = await create();
    const commandId = await command(shellId, 'big');
    const payload = Buffer.alloc(60_000, 'abcdefghij');
    lastRun().stdout.write(payload);
    lastRun().finish(0);
    const parts: Buffer[] = [];
    let responses = 0;
    for (let done = false; !done && responses < 20; responses++) {
      const res = await post(ACTIONS.receive, {
        shellId,
        maxEnvelopeSize: 16384,
        body: receiveBody(commandId),
      });
      expect(res.status).toBe(200);
      expect(res.body.length).toBeLessThanOrEqual(16384);
      for (const m of res.text.matchAll(/<rsp:Stream Name="stdout"[^>]*>([^<]*)</g)) {
        parts.push(Buffer.from(m[1] ?? '', 'base64'));
      }
      done = res.text.includes('CommandState/Done');
    }
    expect(responses).toBeGreaterThan(4);
    expect(Buffer.concat(parts).equals(payload)).toBe(true);

    const small = await post(ACTIONS.receive, {
      shellId,
      maxEnvelopeSize: 4096,
      body: receiveBody(commandId),
    });
    expect(small.text).toContain('<s:Value>w:EncodingLimit</s:Value>');

    const huge = await post(ACTIONS.send, {
      shellId,
      body: `<rsp:Send>${'x'.repeat(70 * 1024)}</rsp:Send>`,
    });
    expect(huge.status).toBe(413);
    expect(huge.body.length).toBe(0);
    await post(ACTIONS.delete, { shellId });
  });

  it('a MaxEnvelopeSize above MaxEnvelopeSizekb is capped to it (MS-WSMV 3.1.4.1.7)', async () => {
    const shellId = await create();
    const commandId = await command(shellId, 'big');
    const payload = Buffer.alloc(200_000, 'klmnopqrst');
    lastRun().stdout.write(payload);
    lastRun().finish(0);
    const parts: Buffer[] = [];
    const sizes: number[] = [];
    for (let done = false; !done && sizes.length < 20;) {
      const res = await post(ACTIONS.receive, {
        shellId,
        maxEnvelopeSize: 10 * 1024 * 1024,
        body: receiveBody(commandId),
      });
      expect(res.status).toBe(200);
      sizes.push(res.body.length);
      for (const m of res.text.matchAll(/<rsp:Stream Name="stdout"[^>]*>([^<]*)</g)) {
        parts.push(Buffer.from(m[1] ?? '', 'base64'));
      }
      done = res.text.includes('CommandState/Done');
    }
    // This host's MaxEnvelopeSizekb is 64: ~267 KB of base64 needs at least 5 answers of ≤ 64 KiB.
    expect(sizes.length).toBeGreaterThanOrEqual(5);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(64 * 1024);
    expect(Buffer.concat(parts).equals(payload)).toBe(true);
    await post(ACTIONS.delete, { shellId });
  });

  it('Send feeds stdin (End="true" closes it); Signal ctrl_c ends the command with STATUS_CONTROL_C_EXIT', async () => {
    const shellId = await create();
    const commandId = await command(shellId, 'reads stdin');
    const run = lastRun();
    const stream = (data: string, end: boolean) =>
      `<rsp:Send><rsp:Stream Name="stdin" CommandId="${commandId}"${end ? ' End="true"' : ''}>${Buffer.from(data).toString('base64')}</rsp:Stream></rsp:Send>`;
    const first = await post(ACTIONS.send, { shellId, body: stream('line 1\r\n', false) });
    expect(first.status).toBe(200);
    expect(tagText(first.text, 'a:Action')).toBe(`${ACTIONS.send}Response`);
    await post(ACTIONS.send, { shellId, body: stream('line 2\r\n', true) });
    expect(Buffer.concat(run.stdinData).toString()).toBe('line 1\r\nline 2\r\n');
    expect(run.stdinEnded).toBe(true);

    const ctrlC = await post(ACTIONS.signal, { shellId, body: signalBody(commandId, 'ctrl_c') });
    expect(ctrlC.status).toBe(200);
    expect(ctrlC.text).toContain('<rsp:SignalResponse></rsp:SignalResponse>');
    expect(run.killed).toBe(true);
    const res = await post(ACTIONS.receive, { shellId, body: receiveBody(commandId) });
    expect(tagText(res.text, 'rsp:ExitCode')).toBe('-1073741510');
    await post(ACTIONS.delete, { shellId });
  });

  it('Signal terminate kills the process and forgets the command; Delete fails a waiting Receive with 995', async () => {
    const shellId = await create();
    const commandId = await command(shellId, 'long');
    const run = lastRun();
    expect(
      (await post(ACTIONS.signal, { shellId, body: signalBody(commandId, 'terminate') })).status,
    ).toBe(200);
    expect(run.killed).toBe(true);
    const gone = await post(ACTIONS.receive, { shellId, body: receiveBody(commandId) });
    expect(gone.status).toBe(500);
    expect(gone.text).toContain('command identifier that does not exist');

    const second = await command(shellId, 'long again');
    const waiting = post(ACTIONS.receive, { shellId, body: receiveBody(second) });
    await new Promise((r) => setTimeout(r, 100));
    const deleted = await rawRequest(server.urls.https ?? '', {
      ca: tls.caPem,
      headers: { Authorization: basicAuth(admin.user, admin.password) },
      body: soapEnvelope(ACTIONS.delete, { shellId }),
    });
    expect(deleted.status).toBe(200);
    expect(tagText(deleted.text, 'a:Action')).toBe(`${ACTIONS.delete}Response`);
    const aborted = await waiting;
    expect(aborted.status).toBe(500);
    expect(aborted.text).toContain('Code="995"');
    expect(lastRun().killed).toBe(true);
    expect(server.shellCount()).toBe(0);
  });

  it('an idle shell expires with its processes (its ShellId is then unknown)', async () => {
    const shellId = await create({
      body: '<rsp:Shell><rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams><rsp:IdleTimeOut>PT0.300S</rsp:IdleTimeOut></rsp:Shell>',
    });
    await command(shellId, 'forgotten');
    const run = lastRun();
    await new Promise((r) => setTimeout(r, 600));
    expect(run.killed).toBe(true);
    const res = await post(ACTIONS.delete, { shellId });
    expect(res.text).toContain('Code="2150858843"');
  });

  it('MaxShellsPerUser caps each user separately (fault 2150859173)', async () => {
    const shells = [await create(), await create(), await create()];
    const fourth = await post(ACTIONS.create, { body: SHELL_BODY });
    expect(fourth.status).toBe(500);
    expect(fourth.text).toContain(
      '<s:Value>s:Receiver</s:Value><s:Subcode><s:Value>w:InternalError</s:Value>',
    );
    expect(fourth.text).toContain('Code="2150859173"');
    expect(fourth.text).toContain('maximum number of 3 concurrent shells');
    const others = await create({}, operator);
    await post(ACTIONS.delete, { shellId: others }, operator);
    for (const shellId of shells) await post(ACTIONS.delete, { shellId });
    expect(server.shellCount()).toBe(0);
  });

  it('Basic logs on local accounts only, as Windows does', async () => {
    const domain = await post(
      ACTIONS.create,
      { body: SHELL_BODY },
      { ...domainAdmin, user: `LAB\\${domainAdmin.user}` },
    );
    expect(domain.status).toBe(401);
    const local = await post(
      ACTIONS.create,
      { body: SHELL_BODY },
      { ...admin, user: `${HOST}\\${admin.user}` },
    );
    expect(local.status).toBe(200);
    await post(ACTIONS.delete, { shellId: tagText(local.text, 'rsp:ShellId') });
  });

  it('a command line over 8191 characters fails in cmd.exe without starting anything', async () => {
    const shellId = await create();
    const before = executor.runs.length;
    const longLine = `powershell -encodedcommand ${'A'.repeat(8200)}`;
    const commandId = await command(shellId, longLine);
    expect(executor.runs.length).toBe(before);
    const res = await post(ACTIONS.receive, { shellId, body: receiveBody(commandId) });
    const stderr = /<rsp:Stream Name="stderr"[^>]*>([^<]+)</.exec(res.text)?.[1];
    expect(Buffer.from(stderr ?? '', 'base64').toString()).toBe(
      'The command line is too long.\r\n',
    );
    expect(tagText(res.text, 'rsp:ExitCode')).toBe('1');
    // With WINRS_SKIP_CMD_SHELL=TRUE there is no cmd.exe, and CreateProcess takes 32767 characters.
    await command(shellId, longLine, { options: { WINRS_SKIP_CMD_SHELL: 'TRUE' } });
    expect(executor.runs.length).toBe(before + 1);
    expect(lastRun().request.viaCmd).toBe(false);
    lastRun().finish(0);
    await post(ACTIONS.delete, { shellId });
  });
});
