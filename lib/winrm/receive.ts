/**
 * The Receive loop: ask for output until the command is Done. A Receive blocks on the server for
 * up to OperationTimeout and, when nothing was written meanwhile, answers with the TimedOut fault
 * (2150858793): that means "still running", so we ask again. The loop stops at the caller's
 * deadline; near it, OperationTimeout is shortened so the last Receive does not overshoot.
 */
import 'server-only';
import { readReceive, receiveBody } from './envelope';
import { cancelled, commandTimeout, isWinrmError, protocolError } from './errors';
import { type WsmanContext, call } from './shell';

export interface ReceiveOptions {
  /** Epoch milliseconds after which the command counts as hung. */
  deadline: number;
  /** The timeout the caller asked for (for the message). */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Output beyond this is a runaway command: stop rather than exhaust memory. */
  maxOutputBytes: number;
}

export interface CommandOutput {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number | null;
}

export async function receiveUntilDone(
  ctx: WsmanContext,
  shellId: string,
  commandId: string,
  o: ReceiveOptions,
): Promise<CommandOutput> {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  let total = 0;
  for (;;) {
    if (o.signal?.aborted) throw cancelled(ctx.host);
    const remainingSec = Math.floor((o.deadline - Date.now()) / 1000);
    if (remainingSec < 1) throw commandTimeout(ctx.host, o.timeoutMs);
    const operationTimeoutSec = Math.min(ctx.operationTimeoutSec, remainingSec);
    let chunk;
    try {
      const env = await call(ctx, 'receive', receiveBody(commandId), {
        shellId,
        operationTimeoutSec,
        idempotent: false,
        ...(o.signal ? { signal: o.signal } : {}),
      });
      chunk = readReceive(env.body, commandId);
    } catch (e) {
      if (isWinrmError(e, 'WSMAN_OPERATION_TIMEOUT')) continue;
      throw e;
    }
    for (const b of chunk.stdout) stdout.push(b);
    for (const b of chunk.stderr) stderr.push(b);
    total += [...chunk.stdout, ...chunk.stderr].reduce((n, b) => n + b.length, 0);
    if (total > o.maxOutputBytes)
      throw protocolError(
        ctx.host,
        `the command wrote more than ${Math.round(o.maxOutputBytes / 1048576)} MiB of output; it was stopped`,
      );
    if (chunk.done)
      return {
        stdout: Buffer.concat(stdout),
        stderr: Buffer.concat(stderr),
        exitCode: chunk.exitCode,
      };
  }
}
