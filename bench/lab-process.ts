// What the benchmarks share: the lab as a child process (`npm run lab`), so client and server do
// not share an event loop or a heap, and a Markdown table for the results.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { LabEndpoints } from '@/lib/lab/topology';

/** Starts the lab (by default scenario fresh, 14 workers) in `stateDir`; resolves once it serves. */
export async function startLabProcess(
  stateDir: string,
  opts: { scenario?: string; workers?: number } = {},
): Promise<{ child: ChildProcess; ep: LabEndpoints }> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=react-server',
      '--import',
      'tsx',
      'lib/lab/main.ts',
      '--scenario',
      opts.scenario ?? 'fresh',
      '--state-dir',
      stateDir,
      '--workers',
      String(opts.workers ?? 14),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the lab exited (${code})`)));
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('Endpoints:')) resolve();
    });
  });
  const ep = JSON.parse(
    fs.readFileSync(path.join(stateDir, 'endpoints.json'), 'utf8'),
  ) as LabEndpoints;
  return { child, ep };
}

export async function stopLabProcess(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

export function table(title: string, head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(`${title}\n${line(head)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
  console.log('');
}
