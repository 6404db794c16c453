// "Re-check all" (lib/steps/service.ts probeAllSteps, what the overview's button runs): every step
// module probed at once on a lab deployment, timed, with the round trips each node answered
// (WinRM requests per host and TDS requests per SQL endpoint, read from the lab's GET /state).
import { probeAllSteps } from '@/lib/steps/service';
import type { LabDeployment, Traffic } from './lab-deployment';

export type TrafficDelta = {
  winrm: Record<string, number>;
  /** Per TDS endpoint (each instance, and the listener): batches + RPCs, and logins. */
  tds: Record<string, { requests: number; logins: number }>;
};

export type RecheckRun = { wallMs: number; labCpuS: number; wizardCpuS: number; steps: number; errors: string[]; traffic: TrafficDelta };

/** CPU seconds this process (the wizard's code: probes, WinRM client, SQL client) used since `from`. */
export function wizardCpuSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
}

export function trafficDelta(before: Traffic, after: Traffic): TrafficDelta {
  const winrm = Object.fromEntries(
    Object.entries(after.winrm).map(([h, v]) => [h, v.requests - (before.winrm[h]?.requests ?? 0)]),
  );
  const tds = Object.fromEntries(
    Object.entries(after.tds).map(([n, v]) => [
      n,
      { requests: v.requests - (before.tds[n]?.requests ?? 0), logins: v.logins - (before.tds[n]?.logins ?? 0) },
    ]),
  );
  return { winrm, tds };
}

/** One click of Re-check all. */
export async function recheckAll(d: LabDeployment): Promise<RecheckRun> {
  const before = await d.traffic();
  const cpu0 = d.labCpuSeconds();
  const own0 = process.cpuUsage();
  const t0 = performance.now();
  const results = await probeAllSteps(d.rt, d.id);
  const wallMs = performance.now() - t0;
  const wizardCpuS = wizardCpuSince(own0);
  const labCpuS = d.labCpuSeconds() - cpu0;
  const after = await d.traffic();
  return {
    wallMs,
    labCpuS,
    wizardCpuS,
    steps: results.length,
    errors: results.filter((r) => r.error).map((r) => `${r.slug}: ${r.error}`),
    traffic: trafficDelta(before, after),
  };
}

/** Master nodes one by one, workers as max and mean, SQL per endpoint. */
export function summarize(t: TrafficDelta, masters: string[]): { masters: string; workersMax: number; workersMean: number; sql: string } {
  const workerCounts = Object.entries(t.winrm)
    .filter(([h]) => !masters.includes(h))
    .map(([, n]) => n);
  const mean = workerCounts.length ? workerCounts.reduce((a, b) => a + b, 0) / workerCounts.length : 0;
  return {
    masters: masters.map((m) => `${m} ${t.winrm[m] ?? 0}`).join(', '),
    workersMax: workerCounts.length ? Math.max(...workerCounts) : 0,
    workersMean: mean,
    sql: Object.entries(t.tds)
      .map(([n, v]) => `${n} ${v.requests} (+${v.logins} logins)`)
      .join(', '),
  };
}
