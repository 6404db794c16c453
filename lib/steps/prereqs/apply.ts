import 'server-only';
// Runs the one operation this step automates: Install-WindowsFeature on one node. Idempotent (an
// installed feature gives NoChangeNeeded) and never restarts the node: RestartNeeded is reported.
import { z } from 'zod';
import type { ApplyContext, Operation } from '@/lib/engine/types';
import { psScript } from '@/lib/powershell/scripts';
import type { StepContext } from '../context';
import { INSTALL_OP, installOpId } from './ids';

export const INSTALL_SCRIPT = 'prereqs-install-clustering.ps1';

const installResult = z.object({
  success: z.boolean(),
  restartNeeded: z.string(),
  exitCode: z.string(),
  installed: z.array(z.string()),
});

export async function apply(ctx: StepContext, op: Operation, run: ApplyContext): Promise<string> {
  if (op.kind === 'manual') throw new Error(`"${op.summary}" is a manual operation: the wizard does not run it.`);
  const node = ctx.inventory.masters.find((m) => m.hostName.toUpperCase() === op.target.toUpperCase());
  // The id is rebuilt from the target, so a stored operation cannot point the script elsewhere.
  if (!op.id.startsWith(`${INSTALL_OP}@`) || !node || op.id !== installOpId(node.hostName)) throw new Error(`Unknown operation ${op.id} for step prereqs`);
  run.log(node.hostName, 'Install-WindowsFeature -Name Failover-Clustering -IncludeManagementTools (no restart)');
  const { value: r, warnings } = await ctx.winrm(node.hostName).runPowerShell(psScript(INSTALL_SCRIPT), {
    schema: installResult,
    signal: run.signal,
    timeoutMs: 30 * 60_000,
  });
  for (const w of warnings) run.log(node.hostName, w, 'warn');
  if (!r.success) throw new Error(`Install-WindowsFeature failed on ${node.hostName} (ExitCode ${r.exitCode}).`);
  const what = r.installed.length ? `installed ${r.installed.join(', ')}` : 'nothing to install';
  const restart =
    r.restartNeeded === 'No'
      ? 'no restart needed'
      : `RestartNeeded: ${r.restartNeeded}: restart ${node.hostName} yourself when it suits (the wizard never restarts a node)`;
  if (r.restartNeeded !== 'No') run.log(node.hostName, restart, 'warn');
  return `${node.hostName}: ${what} (ExitCode ${r.exitCode}); ${restart}.`;
}
