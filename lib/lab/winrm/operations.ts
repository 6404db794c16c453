import { type OutputStreamName, RunningCommand } from './command';
import {
  actionNotSupportedFault,
  codePageFault,
  commandNotFoundFault,
  envelopeTooSmallFault,
  missingSelectorFault,
  resourceNotFoundFault,
  responseTooLargeFault,
  schemaFault,
  unsupportedTimeoutFault,
} from './faults';
import { finishedProcess } from './process';
import type { Shell, ShellStore } from './shell';
import {
  Action,
  CMD_RESOURCE_URI,
  NS,
  type WsmanRequest,
  formatDuration,
  newGuid,
  parseDurationMs,
  responseEnvelope,
} from './soap';
import type { CommandExecutor } from './types';
import { child, children, escapeXml, textOf } from './xml';

/** The caller, once authenticated and authorized. */
export interface Principal {
  /** `domain\user` lowercased: the owner key of shells. */
  key: string;
  /** `DOMAIN\user` or `user`, as Windows shows it. */
  displayName: string;
}

export interface OperationContext {
  hostName: string;
  principal: Principal;
  clientIp: string;
  /** This listener's address as Windows reports it in x:ResourceCreated. */
  endpointUrl: string;
  store: ShellStore;
  executor: CommandExecutor;
  maxTimeoutMs: number;
  idleTimeoutMs: number;
  /** The service's MaxEnvelopeSizekb in bytes: the default when a request names none. */
  serviceEnvelopeSize: number;
  /** Fires when the HTTP client goes away (a blocked Receive stops waiting). */
  signal: AbortSignal;
}

const SHELL_NS = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell';
const COMMAND_STATE = `${SHELL_NS}/CommandState`;
const SIGNAL = {
  terminate: `${SHELL_NS}/signal/terminate`,
  ctrlC: `${SHELL_NS}/signal/ctrl_c`,
  ctrlBreak: `${SHELL_NS}/signal/ctrl_break`,
};
/** cmd.exe's longest command line (characters). */
export const CMD_MAX_LINE = 8191;
/** Windows refuses envelopes it could not fit a fault into. */
const MIN_ENVELOPE_SIZE = 8192;
/** Room for the envelope, headers and stream/state elements around Receive's base64 payload. */
const RECEIVE_OVERHEAD = 4096;
/** OEM code pages and UTF-8 that an English Windows Server has installed. */
const CODEPAGES = new Set([
  437, 737, 775, 850, 852, 855, 857, 858, 860, 861, 862, 863, 864, 865, 866, 869, 874, 932, 936,
  949, 950, 1250, 1251, 1252, 1253, 1254, 1255, 1256, 1257, 1258, 20127, 28591, 65000, 65001,
]);

/** Runs one WinRS operation and returns the response envelope, or throws a WsmanFault. */
export async function handleOperation(req: WsmanRequest, ctx: OperationContext): Promise<string> {
  if (!req.resourceUri) throw schemaFault('The w:ResourceURI header is missing.');
  if (req.resourceUri.toLowerCase() !== CMD_RESOURCE_URI) {
    throw resourceNotFoundFault(req.resourceUri);
  }
  if (req.operationTimeoutMs !== undefined && req.operationTimeoutMs > ctx.maxTimeoutMs) {
    throw unsupportedTimeoutFault(ctx.maxTimeoutMs);
  }
  // MS-WSMV 3.1.4.1.7: MaxEnvelopeSizekb applies when the client names no size or a larger one.
  const envelopeSize = Math.min(req.maxEnvelopeSize ?? Infinity, ctx.serviceEnvelopeSize);
  if (envelopeSize < MIN_ENVELOPE_SIZE) throw envelopeTooSmallFault();

  let body: string;
  if (req.action === Action.Create) {
    body = createShell(req, ctx);
  } else {
    const shellId = req.selectors.get('ShellId');
    if (!shellId) throw missingSelectorFault();
    const shell = ctx.store.get(shellId, ctx.principal.key);
    body = await ctx.store.use(shell, () => onShell(req, ctx, shell, envelopeSize));
  }
  const envelope = responseEnvelope(req.action, req.messageId, body);
  const size = Buffer.byteLength(envelope);
  if (size > envelopeSize) throw responseTooLargeFault(size, envelopeSize);
  return envelope;
}

async function onShell(
  req: WsmanRequest,
  ctx: OperationContext,
  shell: Shell,
  envelopeSize: number,
): Promise<string> {
  switch (req.action) {
    case Action.Command:
      return runCommand(req, ctx, shell);
    case Action.Receive:
      return receive(req, ctx, shell, envelopeSize);
    case Action.Send:
      return send(req, shell);
    case Action.Signal:
      return signal(req, shell);
    case Action.Delete:
      ctx.store.delete(shell.id, ctx.principal.key);
      return '';
    default:
      throw actionNotSupportedFault(req.action);
  }
}

function createShell(req: WsmanRequest, ctx: OperationContext): string {
  const spec = child(req.body, NS.rsp, 'Shell');
  if (!spec) throw schemaFault('Create needs an rsp:Shell body.');
  const codepageText = req.options.get('WINRS_CODEPAGE') ?? '437';
  const codepage = Number(codepageText);
  if (!CODEPAGES.has(codepage)) throw codePageFault(codepageText);

  let idleTimeoutMs = ctx.idleTimeoutMs;
  const idleText = textOf(child(spec, NS.rsp, 'IdleTimeOut'));
  if (idleText) {
    const asked = parseDurationMs(idleText);
    if (asked === undefined)
      throw schemaFault(`rsp:IdleTimeOut "${idleText}" is not an xs:duration.`);
    // The service's Winrs\IdleTimeout is a ceiling a client cannot raise.
    idleTimeoutMs = Math.min(asked, ctx.idleTimeoutMs);
  }
  const env: Record<string, string> = {};
  for (const v of children(child(spec, NS.rsp, 'Environment'), NS.rsp, 'Variable')) {
    const name = v.attrs.get('Name');
    if (name) env[name] = v.text;
  }
  const shell = ctx.store.create({
    owner: ctx.principal.key,
    ownerName: ctx.principal.displayName,
    clientIp: ctx.clientIp,
    codepage,
    env,
    workingDirectory: textOf(child(spec, NS.rsp, 'WorkingDirectory')) || undefined,
    idleTimeoutMs,
    inputStreams: textOf(child(spec, NS.rsp, 'InputStreams')) || 'stdin',
    outputStreams: textOf(child(spec, NS.rsp, 'OutputStreams')) || 'stdout stderr',
  });
  const i = shell.init;
  // Both forms: pywinrm reads the Selector, other clients rsp:Shell/rsp:ShellId.
  return (
    '<x:ResourceCreated>' +
    `<a:Address>${escapeXml(ctx.endpointUrl)}</a:Address>` +
    '<a:ReferenceParameters>' +
    `<w:ResourceURI>${CMD_RESOURCE_URI}</w:ResourceURI>` +
    `<w:SelectorSet><w:Selector Name="ShellId">${shell.id}</w:Selector></w:SelectorSet>` +
    '</a:ReferenceParameters></x:ResourceCreated>' +
    '<rsp:Shell>' +
    `<rsp:ShellId>${shell.id}</rsp:ShellId>` +
    `<rsp:ResourceUri>${CMD_RESOURCE_URI}</rsp:ResourceUri>` +
    `<rsp:Owner>${escapeXml(i.ownerName)}</rsp:Owner>` +
    `<rsp:ClientIP>${escapeXml(i.clientIp)}</rsp:ClientIP>` +
    `<rsp:IdleTimeOut>${formatDuration(i.idleTimeoutMs)}</rsp:IdleTimeOut>` +
    `<rsp:InputStreams>${escapeXml(i.inputStreams)}</rsp:InputStreams>` +
    `<rsp:OutputStreams>${escapeXml(i.outputStreams)}</rsp:OutputStreams>` +
    '<rsp:ShellRunTime>P0DT0H0M0S</rsp:ShellRunTime>' +
    '<rsp:ShellInactivity>P0DT0H0M0S</rsp:ShellInactivity>' +
    '</rsp:Shell>'
  );
}

function runCommand(req: WsmanRequest, ctx: OperationContext, shell: Shell): string {
  const line = child(req.body, NS.rsp, 'CommandLine');
  const commandEl = child(line, NS.rsp, 'Command');
  if (!line || !commandEl) throw schemaFault('Command needs rsp:CommandLine/rsp:Command.');
  const command = commandEl.text.trim();
  const args = children(line, NS.rsp, 'Arguments').map((a) => a.text);
  const commandLine = [command, ...args].join(' ');
  const viaCmd = (req.options.get('WINRS_SKIP_CMD_SHELL') ?? 'FALSE').toUpperCase() !== 'TRUE';

  const id = newGuid();
  // cmd.exe refuses lines past 8191 characters before anything runs; the product must not
  // depend on long command lines (send scripts through stdin or in pieces instead).
  const process =
    viaCmd && commandLine.length > CMD_MAX_LINE
      ? finishedProcess(Buffer.alloc(0), Buffer.from('The command line is too long.\r\n'), 1)
      : ctx.executor.start({
          hostName: ctx.hostName,
          user: ctx.principal.displayName,
          command,
          arguments: args,
          commandLine,
          codepage: shell.init.codepage,
          env: shell.init.env,
          workingDirectory: shell.init.workingDirectory,
          viaCmd,
        });
  shell.commands.set(id, new RunningCommand(id, process));
  return `<rsp:CommandResponse><rsp:CommandId>${id}</rsp:CommandId></rsp:CommandResponse>`;
}

function findCommand(shell: Shell, id: string | undefined): RunningCommand {
  const command = id ? shell.commands.get(id) : undefined;
  if (!command) throw commandNotFoundFault();
  return command;
}

async function receive(
  req: WsmanRequest,
  ctx: OperationContext,
  shell: Shell,
  envelopeSize: number,
): Promise<string> {
  const desired = child(child(req.body, NS.rsp, 'Receive'), NS.rsp, 'DesiredStream');
  if (!desired) throw schemaFault('Receive needs rsp:Receive/rsp:DesiredStream.');
  const id = desired.attrs.get('CommandId');
  const command = findCommand(shell, id);
  const names = desired.text.trim().split(/\s+/).filter(Boolean);
  const streams = new Set<OutputStreamName>(
    (names.length ? names : ['stdout', 'stderr']).filter(
      (n): n is OutputStreamName => n === 'stdout' || n === 'stderr',
    ),
  );
  const result = await command.receive({
    timeoutMs: req.operationTimeoutMs ?? ctx.maxTimeoutMs,
    maxBytes: Math.floor(((envelopeSize - RECEIVE_OVERHEAD) * 3) / 4),
    streams,
    signal: ctx.signal,
  });
  const cid = escapeXml(command.id);
  let xml = '<rsp:ReceiveResponse>';
  for (const chunk of result.chunks) {
    xml += `<rsp:Stream Name="${chunk.stream}" CommandId="${cid}">${chunk.data.toString('base64')}</rsp:Stream>`;
  }
  if (result.done) {
    for (const name of streams) {
      xml += `<rsp:Stream Name="${name}" CommandId="${cid}" End="true"></rsp:Stream>`;
    }
    xml +=
      `<rsp:CommandState CommandId="${cid}" State="${COMMAND_STATE}/Done">` +
      `<rsp:ExitCode>${result.exitCode ?? 0}</rsp:ExitCode></rsp:CommandState>`;
  } else {
    xml += `<rsp:CommandState CommandId="${cid}" State="${COMMAND_STATE}/Running"></rsp:CommandState>`;
  }
  return `${xml}</rsp:ReceiveResponse>`;
}

function send(req: WsmanRequest, shell: Shell): string {
  const sendEl = child(req.body, NS.rsp, 'Send');
  const streams = children(sendEl, NS.rsp, 'Stream');
  if (!sendEl || streams.length === 0) throw schemaFault('Send needs rsp:Send/rsp:Stream.');
  for (const s of streams) {
    if ((s.attrs.get('Name') ?? 'stdin') !== shell.init.inputStreams.split(/\s+/)[0]) {
      throw schemaFault(`The shell has no input stream "${s.attrs.get('Name') ?? ''}".`);
    }
    const command = findCommand(shell, s.attrs.get('CommandId'));
    const end = (s.attrs.get('End') ?? 'false').toLowerCase() === 'true';
    command.send(Buffer.from(s.text.trim(), 'base64'), end);
  }
  return '<rsp:SendResponse></rsp:SendResponse>';
}

function signal(req: WsmanRequest, shell: Shell): string {
  const signalEl = child(req.body, NS.rsp, 'Signal');
  const code = textOf(child(signalEl, NS.rsp, 'Code'));
  if (!signalEl || !code) throw schemaFault('Signal needs rsp:Signal/rsp:Code.');
  const command = findCommand(shell, signalEl.attrs.get('CommandId'));
  if (code === SIGNAL.terminate) {
    shell.commands.delete(command.id);
    command.terminate();
  } else if (code === SIGNAL.ctrlC || code === SIGNAL.ctrlBreak) {
    command.interrupt();
  } else {
    throw schemaFault(`Unknown signal code ${code}.`);
  }
  return '<rsp:SignalResponse></rsp:SignalResponse>';
}
