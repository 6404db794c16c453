// Failover drill recovery (issue 8, lib/drill runPhase): on a deployment whose steps 5–9 are
// applied, each phase (master role, availability group, both) in order, as the drill job runs
// them, and the seconds from the move until each aspect of the chain worked again. A phase that
// throws is reported with its error, then tried once more on fresh SQL connections (labelled as
// such), so one failure neither hides the others nor passes for a result.
import { PHASES, runPhase, type PhaseResult } from '@/lib/drill';
import { closeAllPools } from '@/lib/sql';
import { applyContext } from '@/lib/steps/lab-fixture.test-helper';
import type { StepContext } from '@/lib/steps/context';

export const DRILL_POLL_MS = 500;

export type DrillPhaseRun = PhaseResult & { wallMs: number; error?: string; retried?: boolean };

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function drillPhases(ctx: StepContext): Promise<DrillPhaseRun[]> {
  const out: DrillPhaseRun[] = [];
  const once = async (phase: (typeof PHASES)[number]) => {
    const t0 = performance.now();
    const r = await runPhase(ctx, phase, { timeoutMs: 180_000, pollMs: DRILL_POLL_MS }, applyContext());
    return { ...r, wallMs: performance.now() - t0 };
  };
  for (const phase of PHASES) {
    try {
      out.push(await once(phase));
    } catch (e) {
      const error = msg(e);
      console.error(`[bench] drill phase ${phase} failed: ${error}; trying it once more on fresh SQL connections`);
      await closeAllPools();
      try {
        out.push({ ...(await once(phase)), error, retried: true });
      } catch (e2) {
        out.push({ phase, moves: [], recovered: {}, ok: false, checks: [], wallMs: 0, error: `${error}; again on fresh connections: ${msg(e2)}` });
      }
    }
  }
  return out;
}
