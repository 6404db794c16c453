// Records what a step's probe reads over WinRM: which checked-in script ran on which node, with
// which parameters, and what it returned. Generic: it wraps the StepContext every step module
// already receives, so any step that probes through ctx.winrm(host).runPowerShell is recorded.
import 'server-only';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Check, StepModule } from '@/lib/engine/types';
import type { StepContext } from '@/lib/steps/context';
import type { RunPowerShellOptions, WinrmClient } from '@/lib/winrm';

export type ProbeCall = { node: string; script: string; scriptText: string; params: Record<string, unknown>; value: unknown };

const SCRIPTS_DIR = path.join(process.cwd(), 'lib', 'powershell', 'scripts');

/** The checked-in file a script text came from, else a stable name for an inline script. */
export function scriptNameOf(text: string): string {
  try {
    for (const f of fs.readdirSync(SCRIPTS_DIR)) {
      if (f.endsWith('.ps1') && !f.endsWith('.Tests.ps1') && fs.readFileSync(path.join(SCRIPTS_DIR, f), 'utf8') === text) return f;
    }
  } catch {
    // no scripts folder (a test's cwd): fall through
  }
  return `inline-${crypto.createHash('sha256').update(text).digest('hex').slice(0, 10)}.ps1`;
}

function recordingClient(client: WinrmClient, node: string, calls: ProbeCall[]): WinrmClient {
  return new Proxy(client, {
    get(target, prop) {
      if (prop === 'runPowerShell') {
        return async <T>(script: string, options: RunPowerShellOptions<T> = {}) => {
          const result = await target.runPowerShell<T>(script, options);
          calls.push({ node, script: scriptNameOf(script), scriptText: script, params: { ...(options.params ?? {}) }, value: result.value });
          return result;
        };
      }
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** Probes the step once (read-only) and returns its checks with every WinRM read it made. */
export async function recordProbe(module: StepModule<StepContext>, ctx: StepContext): Promise<{ checks: Check[]; calls: ProbeCall[] }> {
  const calls: ProbeCall[] = [];
  const wrapped: StepContext = { ...ctx, winrm: (host) => recordingClient(ctx.winrm(host), host, calls) };
  const checks = await module.probe(wrapped);
  return { checks, calls };
}
