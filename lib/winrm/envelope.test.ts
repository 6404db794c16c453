import { describe, expect, it } from 'vitest';
import {
  ACTION,
  NS,
  buildEnvelope,
  child,
  commandBody,
  createShellBody,
  duration,
  parseXml,
  readCommandId,
  readEnvelope,
  readReceive,
  readShellId,
  sendBody,
  signalBody,
} from './envelope';
import { faultError } from './errors';
import {
  getCmdOutputResponse,
  openShellRequestHeader,
  openShellResponse,
  runCmdResponse,
  shellNotFoundFault,
} from './testdata/pywinrm-canned';

const header = {
  to: 'http://windows-host:5985/wsman',
  action: ACTION.create,
  messageId: 'uuid:11111111-1111-1111-1111-111111111111',
  operationTimeoutSec: 20,
  maxEnvelopeSize: 153600,
  locale: 'en-US',
  options: [
    ['WINRS_NOPROFILE', 'TRUE'],
    ['WINRS_CODEPAGE', '65001'],
  ] as const,
};

describe('request envelopes', () => {
  it('carry the header pywinrm sends, in its order', () => {
    const xml = buildEnvelope(header, createShellBody({ idleTimeoutSec: 120 }));
    const root = parseXml(xml);
    const h = child(root, NS.s, 'Header');
    const names = h?.children.map((c) => c.local);
    expect(names).toEqual([
      'To',
      'ReplyTo',
      'MaxEnvelopeSize',
      'MessageID',
      'Locale',
      'DataLocale',
      'OperationTimeout',
      'ResourceURI',
      'Action',
      'OptionSet',
    ]);
    for (const [name, value] of openShellRequestHeader) {
      const [prefix, local] = name.split(':') as [keyof typeof NS, string];
      expect(child(h, NS[prefix], local)?.text).toBe(value);
    }
    expect(child(h, NS.w, 'ResourceURI')?.attrs.mustUnderstand).toBe('true');
    expect(child(h, NS.a, 'Action')?.attrs.mustUnderstand).toBe('true');
    expect(child(h, NS.w, 'Locale')?.attrs[`{${NS.xml}}lang`]).toBe('en-US');
    expect(child(h, NS.w, 'Locale')?.attrs.mustUnderstand).toBe('false');
    expect(xml).toContain(
      '<w:OptionSet><w:Option Name="WINRS_NOPROFILE">TRUE</w:Option><w:Option Name="WINRS_CODEPAGE">65001</w:Option></w:OptionSet>',
    );
    expect(xml).toContain(
      '<rsp:Shell><rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams><rsp:IdleTimeOut>PT120S</rsp:IdleTimeOut></rsp:Shell>',
    );
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?><env:Envelope')).toBe(true);
  });

  it('escapes text and attributes, so a command line cannot break the XML', () => {
    const body = commandBody('cmd /c echo <a & "b">');
    expect(body).toBe(
      '<rsp:CommandLine><rsp:Command>cmd /c echo &lt;a &amp; &quot;b&quot;&gt;</rsp:Command></rsp:CommandLine>',
    );
    const xml = buildEnvelope({ ...header, action: ACTION.command, shellId: 'A"B' }, body);
    expect(descendantsText(xml, 'Command')).toBe('cmd /c echo <a & "b">');
    expect(xml).toContain('<w:Selector Name="ShellId">A&quot;B</w:Selector>');
  });

  it('writes Send, Signal and durations as Windows expects', () => {
    expect(sendBody('C1', Buffer.from('hi'), true)).toBe(
      '<rsp:Send><rsp:Stream Name="stdin" CommandId="C1" End="true">aGk=</rsp:Stream></rsp:Send>',
    );
    expect(sendBody('C1', Buffer.from('hi'), false)).not.toContain('End=');
    expect(signalBody('C1')).toBe(
      '<rsp:Signal CommandId="C1"><rsp:Code>http://schemas.microsoft.com/wbem/wsman/1/windows/shell/signal/terminate</rsp:Code></rsp:Signal>',
    );
    expect(duration(20)).toBe('PT20S');
    expect(duration(0.5)).toBe('PT0.500S');
  });
});

function descendantsText(xml: string, local: string): string | undefined {
  const walk = (e: ReturnType<typeof parseXml>): string | undefined =>
    e.local === local ? e.text : e.children.map(walk).find((t) => t !== undefined);
  return walk(parseXml(xml));
}

describe('reading Windows answers (pywinrm canned pairs)', () => {
  it('reads the ShellId from the Selector of a CreateResponse', () => {
    const env = readEnvelope(openShellResponse);
    expect(env.action).toBe('http://schemas.xmlsoap.org/ws/2004/09/transfer/CreateResponse');
    expect(env.relatesTo).toBe('uuid:11111111-1111-1111-1111-111111111111');
    expect(readShellId(env.body)).toBe('11111111-1111-1111-1111-111111111113');
  });

  it('reads the ShellId from rsp:ShellId when there is no Selector', () => {
    const xml = `<s:Envelope xmlns:s="${NS.s}" xmlns:rsp="${NS.rsp}"><s:Body><rsp:Shell><rsp:ShellId>ABC</rsp:ShellId></rsp:Shell></s:Body></s:Envelope>`;
    expect(readShellId(readEnvelope(xml).body)).toBe('ABC');
  });

  it('reads the CommandId and the Receive streams, Done and ExitCode', () => {
    expect(readCommandId(readEnvelope(runCmdResponse).body)).toBe(
      '11111111-1111-1111-1111-111111111114',
    );
    const chunk = readReceive(
      readEnvelope(getCmdOutputResponse).body,
      '11111111-1111-1111-1111-111111111114',
    );
    expect(Buffer.concat(chunk.stdout).toString()).toBe('\r\nWindows IP Configuration\r\n\r\n');
    expect(chunk.stderr).toEqual([]);
    expect(chunk).toMatchObject({ done: true, exitCode: 0 });
  });

  it('reads prefixes by namespace, not by name', () => {
    const xml = `<e:Envelope xmlns:e="${NS.s}" xmlns:shell="${NS.rsp}"><e:Body><shell:ReceiveResponse><shell:Stream Name="stderr" CommandId="c">b29wcw==</shell:Stream><shell:CommandState CommandId="c" State="http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/Running"/></shell:ReceiveResponse></e:Body></e:Envelope>`;
    const chunk = readReceive(readEnvelope(xml).body, 'C');
    expect(Buffer.concat(chunk.stderr).toString()).toBe('oops');
    expect(chunk.done).toBe(false);
  });

  it('parses a WS-Man fault into code, subcode, WSManFault code and message', () => {
    const env = readEnvelope(shellNotFoundFault);
    expect(env.fault).toMatchObject({
      code: 'Sender',
      subcode: 'InvalidSelectors',
      wsmanCode: 2150858843,
      machine: 'windows-host',
    });
    expect(env.fault?.message).toMatch(
      /^The request for the Windows Remote Shell with ShellId .* was not found/,
    );
    const err = faultError('sqlnode1', env.fault!, 500);
    expect(err.code).toBe('WSMAN_SHELL_NOT_FOUND');
    expect(err.layer).toBe('wsman');
  });

  it('maps access denied and unknown faults', () => {
    const base = {
      code: 'Sender',
      subcode: 'AccessDenied',
      reason: 'Access is denied.',
      wsmanCode: 5,
      machine: null,
      message: 'Access is denied.',
    };
    const denied = faultError('sqlnode1', base, 500);
    expect(denied.code).toBe('WSMAN_ACCESS_DENIED');
    expect(denied.message).toContain('local administrator');
    expect(
      faultError('h', { ...base, subcode: 'SchemaValidationError', wsmanCode: 2150858817 }, 500)
        .code,
    ).toBe('WSMAN_FAULT');
    expect(faultError('h', { ...base, subcode: 'TimedOut', wsmanCode: 2150858793 }, 500).code).toBe(
      'WSMAN_OPERATION_TIMEOUT',
    );
  });

  it('does not expand entities from a DOCTYPE', () => {
    const hostile = `<!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]><s:Envelope xmlns:s="${NS.s}"><s:Body>&x;</s:Body></s:Envelope>`;
    expect(() => readEnvelope(hostile)).toThrow();
  });
});
