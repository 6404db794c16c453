/**
 * The WinRS operations on one host: every SOAP call goes through `call`, which builds the
 * envelope, posts it, and turns faults and odd answers into WinrmErrors (via errors.ts).
 */
import 'server-only';
import {
  ACTION,
  type ParsedEnvelope,
  type WsmanOperation,
  buildEnvelope,
  commandBody,
  createShellBody,
  newMessageId,
  readCommandId,
  readEnvelope,
  readShellId,
  sendBody,
  signalBody,
} from './envelope';
import { commandLineTooLong, faultError, httpStatusError, protocolError } from './errors';
import type { WinrmTransport } from './transport';

export interface WsmanContext {
  transport: WinrmTransport;
  host: string;
  endpointUrl: string;
  operationTimeoutSec: number;
  maxEnvelopeSize: number;
  locale: string;
}

export interface CallOptions {
  shellId?: string;
  options?: ReadonlyArray<readonly [string, string]>;
  /** Overrides the context's OperationTimeout (the Receive loop shortens it near the deadline). */
  operationTimeoutSec?: number;
  signal?: AbortSignal;
  idempotent: boolean;
}

/** Slack over OperationTimeout for the HTTP answer: the server answers a timed-out Receive with a fault. */
const HTTP_SLACK_SEC = 15;

export async function call(
  ctx: WsmanContext,
  op: WsmanOperation,
  body: string,
  o: CallOptions,
): Promise<ParsedEnvelope> {
  const messageId = newMessageId();
  const operationTimeoutSec = o.operationTimeoutSec ?? ctx.operationTimeoutSec;
  const xml = buildEnvelope(
    {
      to: ctx.endpointUrl,
      action: ACTION[op],
      messageId,
      operationTimeoutSec,
      maxEnvelopeSize: ctx.maxEnvelopeSize,
      locale: ctx.locale,
      ...(o.shellId !== undefined ? { shellId: o.shellId } : {}),
      ...(o.options ? { options: o.options } : {}),
    },
    body,
  );
  const res = await ctx.transport.post(xml, {
    timeoutMs: (operationTimeoutSec + HTTP_SLACK_SEC) * 1000,
    idempotent: o.idempotent,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  if (res.xml.trim() === '') {
    if (res.status === 200) return { action: null, relatesTo: null, body: undefined, fault: null };
    throw httpStatusError(ctx.host, res.status, '');
  }
  let env: ParsedEnvelope;
  try {
    env = readEnvelope(res.xml);
  } catch (e) {
    if (res.status !== 200) throw httpStatusError(ctx.host, res.status, res.xml);
    throw protocolError(
      ctx.host,
      `the ${op} answer is not a SOAP envelope (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  if (env.fault) throw faultError(ctx.host, env.fault, res.status);
  if (res.status !== 200) throw httpStatusError(ctx.host, res.status, res.xml);
  // pywinrm asserts this too: an answer to another request means the connection is confused.
  if (env.relatesTo !== null && env.relatesTo.toLowerCase() !== messageId.toLowerCase())
    throw protocolError(
      ctx.host,
      `the ${op} answer relates to ${env.relatesTo}, not to ${messageId}`,
    );
  return env;
}

export interface ShellSettings {
  /** WINRS_CODEPAGE: 65001 (UTF-8) so native output arrives as UTF-8. */
  codepage: number;
  /** WINRS_NOPROFILE=TRUE: do not load the user's profile (faster, no profile side effects). */
  noProfile: boolean;
  /** rsp:IdleTimeOut: the server deletes a shell we abandoned (crash, lost network). */
  idleTimeoutSec: number;
}

export async function openShell(
  ctx: WsmanContext,
  s: ShellSettings,
  signal?: AbortSignal,
): Promise<string> {
  const env = await call(ctx, 'create', createShellBody({ idleTimeoutSec: s.idleTimeoutSec }), {
    options: [
      ['WINRS_NOPROFILE', s.noProfile ? 'TRUE' : 'FALSE'],
      ['WINRS_CODEPAGE', String(s.codepage)],
    ],
    idempotent: true,
    ...(signal ? { signal } : {}),
  });
  const id = readShellId(env.body);
  if (!id) throw protocolError(ctx.host, 'the CreateResponse holds no ShellId');
  return id;
}

export async function deleteShell(
  ctx: WsmanContext,
  shellId: string,
  signal?: AbortSignal,
): Promise<void> {
  await call(ctx, 'delete', '', {
    shellId,
    idempotent: true,
    operationTimeoutSec: 10,
    ...(signal ? { signal } : {}),
  });
}

/** cmd.exe's limit; with WINRS_SKIP_CMD_SHELL=FALSE Windows runs every command through it. */
export const MAX_COMMAND_LINE = 8191;

export async function startCommand(
  ctx: WsmanContext,
  shellId: string,
  commandLine: string,
  o: { pipedStdin: boolean; signal?: AbortSignal },
): Promise<string> {
  if (commandLine.length > MAX_COMMAND_LINE) throw commandLineTooLong(ctx.host, commandLine.length);
  const env = await call(ctx, 'command', commandBody(commandLine), {
    shellId,
    // CONSOLEMODE_STDIN=FALSE makes stdin a pipe, which $input and ReadToEnd need (Ansible does the same).
    options: [
      ['WINRS_CONSOLEMODE_STDIN', o.pipedStdin ? 'FALSE' : 'TRUE'],
      ['WINRS_SKIP_CMD_SHELL', 'FALSE'],
    ],
    idempotent: false,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const id = readCommandId(env.body);
  if (!id) throw protocolError(ctx.host, 'the CommandResponse holds no CommandId');
  return id;
}

/** Room left in an envelope for base64 stdin: MaxEnvelopeSize minus headers, times 3/4. */
export function stdinChunkSize(maxEnvelopeSize: number): number {
  const room = Math.max(4096, maxEnvelopeSize - 8192);
  return Math.floor((room * 3) / 4 / 3) * 3;
}

/** Sends all of stdin in envelope-sized chunks; the last one carries End="true". */
export async function sendStdin(
  ctx: WsmanContext,
  shellId: string,
  commandId: string,
  data: Buffer,
  signal?: AbortSignal,
): Promise<void> {
  const size = stdinChunkSize(ctx.maxEnvelopeSize);
  let offset = 0;
  do {
    const chunk = data.subarray(offset, offset + size);
    offset += chunk.length;
    await call(ctx, 'send', sendBody(commandId, chunk, offset >= data.length), {
      shellId,
      idempotent: false,
      ...(signal ? { signal } : {}),
    });
  } while (offset < data.length);
}

export async function terminateCommand(
  ctx: WsmanContext,
  shellId: string,
  commandId: string,
  signal?: AbortSignal,
): Promise<void> {
  await call(ctx, 'signal', signalBody(commandId), {
    shellId,
    idempotent: true,
    operationTimeoutSec: 10,
    ...(signal ? { signal } : {}),
  });
}
