/**
 * The Receive loop: ask for output until the command is Done. A Receive blocks on the server for
 * up to OperationTimeout and, when nothing was written meanwhile, answers with the TimedOut fault
 * (2150858793): that means "still running", so we ask again. The loop stops at the caller's
 * deadline; near it, OperationTimeout is shortened so the last Receive does not overshoot.
 */
import 'server-only';
import { readReceive, receiveBody } from './envelope';
import { cancelled, commandTimeout, isWinrmError, outputTooLarge } from './errors';
import { type WsmanContext, call } from './shell';

export interface ReceiveOptions {
  /** Epoch milliseconds after which the command counts as hung. */
  deadline: number;
  /** The timeout the caller asked for (for the message). */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Buffered output beyond this is a runaway command: stop rather than exhaust memory. */
  maxOutputBytes: number;
  /** Streamed streams are handed over piece by piece and never buffered. */
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
}

export interface CommandOutput {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number | null;
  receives: number;
  peakBufferedBytes: number;
  largestChunkBytes: number;
}

const sum = (parts: readonly Buffer[]): number => parts.reduce((n, b) => n + b.length, 0);

export async function receiveUntilDone(
  ctx: WsmanContext,
  shellId: string,
  commandId: string,
  o: ReceiveOptions,
): Promise<CommandOutput> {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  let buffered = 0;
  let receives = 0;
  let peak = 0;
  let largest = 0;
  for (;;) {
    if (o.signal?.aborted) throw cancelled(ctx.host);
    // Milliseconds count: the last Receive waits exactly up to the deadline, not a second short.
    const remainingSec = Math.round(o.deadline - Date.now()) / 1000;
    if (remainingSec < 0.05) throw commandTimeout(ctx.host, o.timeoutMs);
    const operationTimeoutSec = Math.min(ctx.operationTimeoutSec, remainingSec);
    let chunk;
    try {
      receives++;
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
    const piece = sum(chunk.stdout) + sum(chunk.stderr);
    largest = Math.max(largest, piece);
    peak = Math.max(peak, buffered + piece);
    for (const [parts, sink, into] of [
      [chunk.stdout, o.onStdout, stdout],
      [chunk.stderr, o.onStderr, stderr],
    ] as const) {
      if (sink) {
        for (const b of parts) sink(b);
      } else {
        for (const b of parts) into.push(b);
        buffered += sum(parts);
      }
    }
    if (buffered > o.maxOutputBytes) throw outputTooLarge(ctx.host, o.maxOutputBytes);
    if (chunk.done)
      return {
        stdout: Buffer.concat(stdout),
        stderr: Buffer.concat(stderr),
        exitCode: chunk.exitCode,
        receives,
        peakBufferedBytes: peak,
        largestChunkBytes: largest,
      };
  }
}
