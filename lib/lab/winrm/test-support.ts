/**
 * Fixtures for the WinRM server tests: a lab CA and host certificate, the pywinrm client driver
 * (Debian python3-winrm 0.3.0 under /usr/bin/python3, NTLM needing OpenSSL's legacy provider for
 * MD4), pwsh on PATH, and a scripted executor for protocol tests that need no PowerShell.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { createLabCa, issueLabCertificate } from '../../certs/generate';
import { PYTHON, legacyPythonEnv, pythonCanRun } from '../../winrm/ntlm/python.test-helper';
import type { CommandExecutor, ExecutorProcess, ExecutorStartRequest } from './types';

export const HOST = 'SQLNODE1';
export { PYTHON };
const CLIENT = path.join(__dirname, 'testdata', 'pywinrm_client.py');

// pwsh is a dotnet global tool; the executor finds it on PATH.
const tools = path.join(os.homedir(), '.dotnet', 'tools');
if (!(process.env.PATH ?? '').split(path.delimiter).includes(tools)) {
  process.env.PATH = `${tools}${path.delimiter}${process.env.PATH ?? ''}`;
}
export const PWSH_AVAILABLE = spawnSync('pwsh', ['-NoProfile', '-Command', 'exit 0']).status === 0;

export const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-winrm-test-'));

export const pythonEnv = legacyPythonEnv(tempDir, 'openssl.cnf', { NO_PROXY: '*', no_proxy: '*' });

export const PYWINRM_AVAILABLE = pythonCanRun(pythonEnv, 'requests_ntlm, winrm');

export const ACCOUNTS = [
  { user: 'Administrator', password: 'Lab!Adm1n', isAdmin: true },
  { user: 'svc_ssis', domain: 'LAB', password: 'Dom@in-Passw0rd', isAdmin: true },
  { user: 'reader', password: 'Just-a-user1', isAdmin: false },
  { user: 'Operator', password: 'Op3rator!pw', isAdmin: true },
] as const;

export interface Tls {
  cert: string;
  key: string;
  caPath: string;
  caPem: string;
}

export async function makeTls(): Promise<Tls> {
  const ca = await createLabCa();
  const leaf = await issueLabCertificate(
    { certificatePem: ca.certificatePem, privateKeyPem: ca.privateKeyPem },
    { dnsNames: [HOST, 'localhost'], ipAddresses: ['127.0.0.1'] },
  );
  const caPath = path.join(tempDir, 'lab-ca.pem');
  fs.writeFileSync(caPath, ca.certificatePem);
  return { cert: leaf.certificatePem, key: leaf.privateKeyPem, caPath, caPem: ca.certificatePem };
}

export type PyAction = Record<string, unknown> & { op: string };
export type PyResult = Record<string, string | number | undefined>;

export interface PyRun {
  results: PyResult[];
  timeouts: number;
}

/** Runs one pywinrm session (a plan of actions) and returns what it saw. */
export function runPywinrm(
  conn: Record<string, unknown>,
  actions: PyAction[],
  o: { dropEnv?: readonly string[] } = {},
): Promise<PyRun> {
  const env: NodeJS.ProcessEnv = { ...pythonEnv };
  for (const name of o.dropEnv ?? []) delete env[name];
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [CLIENT], { env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve(JSON.parse(out) as PyRun);
      } catch {
        reject(new Error(`pywinrm client failed (${code}): ${err || out}`));
      }
    });
    child.stdin.end(JSON.stringify({ conn, actions }));
  });
}

export const b64decode = (v: string | number | undefined): string =>
  Buffer.from(String(v ?? ''), 'base64').toString('utf8');

/** UTF-16LE + base64, as run_ps and our own client encode a script for -EncodedCommand. */
export const encodeScript = (script: string): string =>
  Buffer.from(script, 'utf16le').toString('base64');

export interface ScriptedRun {
  request: ExecutorStartRequest;
  process: ExecutorProcess;
  stdout: PassThrough;
  stderr: PassThrough;
  stdinData: Buffer[];
  stdinEnded: boolean;
  killed: boolean;
  finish(code: number): void;
}

/**
 * An executor whose processes the test drives by hand: it writes their output and decides when
 * they exit. Every start is recorded in `runs`.
 */
export function scriptedExecutor(
  onStart?: (run: ScriptedRun) => void,
): CommandExecutor & { runs: ScriptedRun[] } {
  const runs: ScriptedRun[] = [];
  return {
    runs,
    start(request) {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let resolveExit: (code: number) => void = () => undefined;
      const exit = new Promise<number>((r) => (resolveExit = r));
      const run: ScriptedRun = {
        request,
        stdout,
        stderr,
        stdinData: [],
        stdinEnded: false,
        killed: false,
        process: undefined as unknown as ExecutorProcess,
        finish(code) {
          stdout.end();
          stderr.end();
          resolveExit(code);
        },
      };
      const stdin = new Writable({
        write(chunk: Buffer, _enc, cb) {
          run.stdinData.push(chunk);
          cb();
        },
        final(cb) {
          run.stdinEnded = true;
          cb();
        },
      });
      run.process = {
        stdout,
        stderr,
        stdin,
        exit,
        kill() {
          run.killed = true;
          run.finish(1);
        },
      };
      runs.push(run);
      onStart?.(run);
      return run.process;
    },
  };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

/** One POST (or other method) with node:http(s) through the given keep-alive agent. */
export function rawRequest(
  url: string,
  options: {
    agent?: http.Agent;
    method?: string;
    headers?: Record<string, string>;
    body?: Buffer | string;
    ca?: string;
  } = {},
): Promise<RawResponse> {
  const target = new URL(url);
  const mod = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      target,
      {
        method: options.method ?? 'POST',
        agent: options.agent,
        ca: options.ca,
        headers: {
          'Content-Type': 'application/soap+xml;charset=UTF-8',
          ...options.headers,
        },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => {
          const body = Buffer.concat(parts);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            text: body.toString('utf8'),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export const basicAuth = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

export interface SoapOptions {
  shellId?: string;
  messageId?: string;
  operationTimeout?: string;
  maxEnvelopeSize?: number;
  resourceUri?: string;
  options?: Record<string, string>;
  body?: string;
}

/** A request envelope shaped like pywinrm's (env: prefix, one line). */
export function soapEnvelope(action: string, o: SoapOptions = {}): string {
  const opts = Object.entries(o.options ?? {})
    .map(([k, v]) => `<w:Option Name="${k}">${v}</w:Option>`)
    .join('');
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    '<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" ' +
    'xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:p="http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd" ' +
    'xmlns:rsp="http://schemas.microsoft.com/wbem/wsman/1/windows/shell"><env:Header>' +
    '<a:To>http://windows-host:5985/wsman</a:To>' +
    `<w:MaxEnvelopeSize mustUnderstand="true">${o.maxEnvelopeSize ?? 153600}</w:MaxEnvelopeSize>` +
    `<a:MessageID>${o.messageId ?? `uuid:${randomUUID()}`}</a:MessageID>` +
    `<w:OperationTimeout>${o.operationTimeout ?? 'PT20S'}</w:OperationTimeout>` +
    `<w:ResourceURI mustUnderstand="true">${o.resourceUri ?? 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd'}</w:ResourceURI>` +
    `<a:Action mustUnderstand="true">${action}</a:Action>` +
    (o.shellId
      ? `<w:SelectorSet><w:Selector Name="ShellId">${o.shellId}</w:Selector></w:SelectorSet>`
      : '') +
    (opts ? `<w:OptionSet>${opts}</w:OptionSet>` : '') +
    `</env:Header><env:Body>${o.body ?? ''}</env:Body></env:Envelope>`
  );
}

export const ACTIONS = {
  create: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Create',
  delete: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete',
  command: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Command',
  send: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Send',
  receive: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Receive',
  signal: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Signal',
} as const;

export const SHELL_BODY =
  '<rsp:Shell><rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams></rsp:Shell>';

export const commandBody = (command: string, args: string[] = []): string =>
  `<rsp:CommandLine><rsp:Command>${command}</rsp:Command>${args.map((a) => `<rsp:Arguments>${a}</rsp:Arguments>`).join('')}</rsp:CommandLine>`;

export const receiveBody = (commandId: string): string =>
  `<rsp:Receive><rsp:DesiredStream CommandId="${commandId}">stdout stderr</rsp:DesiredStream></rsp:Receive>`;

export const signalBody = (commandId: string, code: 'terminate' | 'ctrl_c'): string =>
  `<rsp:Signal CommandId="${commandId}"><rsp:Code>http://schemas.microsoft.com/wbem/wsman/1/windows/shell/signal/${code}</rsp:Code></rsp:Signal>`;

/** The text of the first element with this qualified name (prefix as the server writes it). */
export function tagText(xml: string, qname: string): string | undefined {
  const m = new RegExp(`<${qname}(?:\\s[^>]*)?>([^<]*)</${qname}>`).exec(xml);
  return m?.[1];
}
