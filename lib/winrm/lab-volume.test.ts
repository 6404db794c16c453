/**
 * Size against the lab: a 200 KB script (through Send, far over the command-line limit) and a
 * command writing 20 MiB, collected, streamed with bounded memory, and stopped at maxOutputBytes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PWSH_AVAILABLE, encodeScript } from '@/lib/lab/winrm/test-support';
import { type TestLab, rejection, startTestLab } from './lab.test-helper';
import { stdinChunkSize } from './shell';

let t: TestLab;
beforeAll(async () => {
  if (PWSH_AVAILABLE) t = await startTestLab(0);
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const LINES = 20 * 1024;
/** 1023 characters + CRLF per line (the lab writes Windows line ends): 20 MiB + 20 KiB. */
const BIG_OUTPUT = `pwsh -NoProfile -NonInteractive -EncodedCommand ${encodeScript(
  `$s = 'x' * 1023; $w = [Console]::Out; for ($i = 0; $i -lt ${LINES}; $i++) { $w.WriteLine($s) }`,
)}`;
const BIG_BYTES = LINES * 1025;

describe.skipIf(!PWSH_AVAILABLE)('large scripts and large output', () => {
  it('runs a 200 KB script (sent on stdin in envelope-sized pieces)', async () => {
    const body = Array.from({ length: 9000 }, (_, i) => `$v${i} = ${i} # padding padding`).join(
      '\n',
    );
    const script = `${body}\n[pscustomobject]@{ last = $v8999; length = ${body.length} }`;
    expect(script.length).toBeGreaterThan(200_000);
    const c = t.client('SQLNODE1', 'http-ntlm');
    try {
      const r = await c.runPowerShell<{ last: number; length: number }>(script);
      expect(r.value).toEqual({ last: 8999, length: body.length });
      // Command, ≥2 Sends (base64 of 200 KB over ~110 KB pieces), Receive(s), Signal.
      const sends = Math.ceil(((script.length + 40) * 4) / 3 / stdinChunkSize(153_600));
      expect(sends).toBeGreaterThanOrEqual(2);
      expect(r.stats?.requests).toBeGreaterThanOrEqual(1 + sends + 1 + 1);
    } finally {
      await c.close();
    }
  }, 30_000);

  it('collects 20 MiB of output; streamed, the client never holds more than one envelope', async () => {
    const c = t.client('SQLNODE1', 'https-basic');
    try {
      const collected = await c.runCommand(BIG_OUTPUT);
      expect(collected.exitCode).toBe(0);
      expect(Buffer.byteLength(collected.stdout)).toBe(BIG_BYTES);
      expect(collected.stats.peakBufferedBytes).toBe(BIG_BYTES);

      let streamed = 0;
      let lines = 0;
      const streamedRun = await c.runCommand(BIG_OUTPUT, {
        onStdout: (chunk) => {
          streamed += chunk.length;
          for (const b of chunk) if (b === 10) lines++;
        },
      });
      expect(streamedRun.stdout).toBe('');
      expect(streamed).toBe(BIG_BYTES);
      expect(lines).toBe(LINES);
      // One Receive's worth (MaxEnvelopeSize 153600 → ~112 KB of output), not 20 MiB.
      expect(streamedRun.stats.peakBufferedBytes).toBeLessThanOrEqual(120_000);
      expect(streamedRun.stats.receives).toBeGreaterThan(BIG_BYTES / 120_000);
    } finally {
      await c.close();
    }
  }, 60_000);

  it('over maxOutputBytes: OUTPUT_TOO_LARGE, and the command and shell are gone', async () => {
    const c = t.client('SQLNODE1', 'https-ntlm', { maxOutputBytes: 1024 * 1024 });
    try {
      const e = await rejection(c.runCommand(BIG_OUTPUT));
      expect(e.code).toBe('OUTPUT_TOO_LARGE');
      expect(e.message).toMatch(/more than 1 MiB of output.*onStdout/);
      expect((await t.openShells()).SQLNODE1).toBe(0);
    } finally {
      await c.close();
    }
  }, 30_000);
});
