import { PassThrough, Writable } from 'node:stream';
import type { ExecutorProcess } from './types';

/**
 * A process that prints fixed output and exits: what cmd.exe does for the things the lab answers
 * without starting anything (an over-long command line, `echo`, an unsupported program).
 */
export function finishedProcess(stdout: Buffer, stderr: Buffer, exitCode: number): ExecutorProcess {
  const out = new PassThrough();
  const err = new PassThrough();
  const stdin = new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
  // Output goes out on the next tick, after the command has been registered and wired.
  const exit = new Promise<number>((resolve) => {
    setImmediate(() => {
      out.end(stdout);
      err.end(stderr);
      resolve(exitCode);
    });
  });
  return { stdout: out, stderr: err, stdin, exit, kill: () => undefined };
}
