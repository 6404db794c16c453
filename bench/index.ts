// npm run bench — issues 7 and 8 in one run, as Markdown tables: (1) Re-check all on lab
// topologies of 2 master nodes and 1, 8 and 32 workers (BENCH_WORKERS=1,8,32), clicked
// BENCH_CLICKS=4 times each (the first cold; the warm ones are compared by their medians), with
// injected latency per request (BENCH_LATENCY_MS=50, both SQL and WinRM): wall time and round
// trips per node; (2) adding the workers (step 9, after steps 5–8 untimed) at the same latency; (3) the
// failover drill's recovery times per aspect on the 1-worker lab. A benchmark, not a test: the
// lab runs as a child process (its own event loop), and the numbers depend on the machine's load.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHECK } from '@/lib/drill/judge';
import { addWorkers, applyMasterSide, MASTER_SIDE, type AddWorkersRun } from './add-workers';
import { DRILL_POLL_MS, drillPhases, type DrillPhaseRun } from './drill';
import { openLabDeployment } from './lab-deployment';
import { startLabProcess, stopLabProcess, table } from './lab-process';
import { recheckAll, summarize, type RecheckRun } from './recheck-all';

const WORKERS = (process.env.BENCH_WORKERS ?? '1,8,32').split(',').map(Number);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const MASTERS = ['SQLNODE1', 'SQLNODE2'];
/** Clicks of Re-check all per topology: the first cold, the others warm (their median is compared). */
const CLICKS = Math.max(2, Number(process.env.BENCH_CLICKS ?? 4));
const t00 = performance.now();
const progress = (text: string) => console.error(`[bench +${((performance.now() - t00) / 1000).toFixed(0)}s] ${text}`);
const s = (ms: number) => (ms / 1000).toFixed(2);

function median(xs: number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

type PerTopology = { workers: number; recheck: RecheckRun[]; add: AddWorkersRun | null; drill: DrillPhaseRun[] | null; error?: string };

/** Fills `t` as it goes, so what was measured before a failure is still reported. */
async function topology(t: PerTopology): Promise<void> {
  const { workers } = t;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${workers}w-`));
  progress(`starting the lab (half-done, ${workers} worker(s)) in ${dir}`);
  const { child, ep } = await startLabProcess(dir, { scenario: 'half-done', workers });
  const d = openLabDeployment(ep, dir, child.pid);
  try {
    await d.control('/latency', { ms: LATENCY_MS });
    for (let run = 1; run <= CLICKS; run++) {
      progress(`${workers}w: Re-check all, click ${run}`);
      t.recheck.push(await recheckAll(d));
      progress(`${workers}w: Re-check all, click ${run}: ${s(t.recheck.at(-1)!.wallMs)} s`);
    }

    // The master side (steps 5–8), untimed and without injected latency, so step 9 can attach.
    await d.control('/latency', { ms: 0 });
    const ctx = d.context();
    progress(`${workers}w: applying ${MASTER_SIDE.join(', ')} (untimed)`);
    await applyMasterSide(ctx);
    await d.control('/latency', { ms: LATENCY_MS });
    progress(`${workers}w: step 9 (workers), timed`);
    t.add = await addWorkers(d, ctx);
    progress(`${workers}w: step 9: ${s(t.add.wallMs)} s`);

    if (workers === 1) {
      progress(`${workers}w: failover drill (3 phases)`);
      t.drill = await drillPhases(ctx);
    }
  } catch (e) {
    t.error = e instanceof Error ? e.message : String(e);
    progress(`${workers}w: FAILED: ${t.error}`);
  } finally {
    await d.close();
    await stopLabProcess(child);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function report(all: PerTopology[]): void {
  console.log(
    `## npm run bench\n\nNode ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}; ` +
      `lab as a child process, scenario half-done, 2 master nodes; ${LATENCY_MS} ms injected per SQL request and per WinRM request. ` +
      'Lab CPU = CPU seconds of the lab process and of the PowerShell processes under it (its warm hosts, or a pwsh per command with LAB_PWSH_WARM=0), during the timed part; ' +
      'wizard CPU = CPU seconds of this process, which runs the wizard\'s code (probes, plans, WinRM and SQL clients). All of it shares the machine\'s cores.\n',
  );
  const rows: string[][] = [];
  for (const t of all) {
    t.recheck.forEach((r, i) => {
      const sum = summarize(r.traffic, MASTERS);
      rows.push([
        String(t.workers),
        i === 0 ? '1 (cold)' : `${i + 1}`,
        s(r.wallMs),
        r.labCpuS.toFixed(1),
        r.wizardCpuS.toFixed(1),
        sum.masters,
        `${sum.workersMax} / ${sum.workersMean.toFixed(1)}`,
        sum.sql,
        r.errors.length ? r.errors.join('; ') : `none (${r.steps} steps)`,
      ]);
    });
  }
  table(
    '### Re-check all (probeAllSteps: every step module at once)',
    ['Workers', 'Click', 'Wall (s)', 'Lab CPU (s)', 'Wizard CPU (s)', 'WinRM requests per master node', 'WinRM per worker (max / mean)', 'SQL requests per endpoint', 'Step errors'],
    rows,
  );
  const ratio = (pick: (t: PerTopology) => number | undefined, goal: number, what: string) => {
    const one = all.find((t) => t.workers === 1);
    const most = all.reduce((a, b) => (b.workers > a.workers ? b : a), all[0]!);
    const a = one && pick(one);
    const b = pick(most);
    if (!a || !b || most.workers === 1) return;
    const r = b / a;
    console.log(`${what}: ${most.workers} workers / 1 worker = ${r.toFixed(2)} (goal ≤ ${goal}: ${r <= goal ? 'met' : 'NOT met'})`);
  };
  ratio((t) => t.recheck[0]?.wallMs, 1.5, 'Re-check all, cold click');
  ratio((t) => median(t.recheck.slice(1).map((r) => r.wallMs)), 1.5, `Re-check all, warm clicks (median of clicks 2–${CLICKS})`);
  console.log('');

  table(
    `### Adding workers (step 9: probe, plan, apply; steps ${MASTER_SIDE.join(', ')} applied before, untimed)`,
    ['Workers', 'Wall (s)', 'Lab CPU (s)', 'Wizard CPU (s)', 'Operations', 'WinRM requests per master node', 'WinRM per worker (max / mean)', 'SQL requests per endpoint', 'Failing after'],
    all.filter((t) => t.add).map((t) => {
      const a = t.add!;
      const sum = summarize(a.traffic, MASTERS);
      const kinds = [...new Set(a.ops.map((id) => id.split('@')[0]))];
      return [
        String(t.workers),
        s(a.wallMs),
        a.labCpuS.toFixed(1),
        a.wizardCpuS.toFixed(1),
        `${a.ops.length}: ${kinds.join(', ')}`,
        sum.masters,
        `${sum.workersMax} / ${sum.workersMean.toFixed(1)}`,
        sum.sql,
        a.failing.length ? a.failing.join('; ') : 'none',
      ];
    }),
  );
  ratio((t) => t.add?.wallMs, 2, 'Adding workers');
  console.log('');
  for (const t of all.filter((x) => x.error)) console.log(`**${t.workers} workers: the run stopped with an error:** ${t.error}\n`);

  const drill = all.find((t) => t.drill)?.drill;
  if (drill) {
    const ids = [...new Set(drill.flatMap((p) => Object.keys(p.recovered)))];
    const label = (id: string) =>
      id === CHECK.endpoint ? 'Master endpoint (TLS, shared certificate)' : id === CHECK.heartbeat ? 'Master heartbeat' : id === CHECK.logging ? 'Logging login' : id.startsWith('drill:worker:') ? `Worker ${id.slice('drill:worker:'.length)}` : id;
    const sec = (v: number | null | undefined) => (v === null || v === undefined ? 'not recovered' : v.toFixed(1));
    table(
      `### Failover drill recovery (1 worker, after steps 5–9; seconds from the move; polled every ${DRILL_POLL_MS} ms)`,
      ['Aspect', ...drill.map((p) => p.phase)],
      [
        ...ids.map((id) => [label(id), ...drill.map((p) => sec(p.recovered[id]))]),
        ['Phase wall time (s)', ...drill.map((p) => s(p.wallMs))],
        ['All recovered', ...drill.map((p) => (p.ok ? 'yes' : 'NO'))],
        ['Moves', ...drill.map((p) => p.moves.join('; '))],
        ['Error (first try)', ...drill.map((p) => (p.error ? `${p.error}${p.retried ? ' (the numbers above are from a second try on fresh SQL connections)' : ''}` : 'none'))],
      ],
    );
    console.log(
      'The lab writes worker and master heartbeats on a 5 s tick, so the heartbeat and worker recovery times are bounded below by it (up to one tick after the move), not by the wizard.\n',
    );
  }
}

async function main(): Promise<void> {
  const all: PerTopology[] = [];
  for (const workers of WORKERS) {
    const t: PerTopology = { workers, recheck: [], add: null, drill: null };
    all.push(t);
    await topology(t);
    // What is known so far, in case a later topology takes too long to wait for.
    console.error(JSON.stringify(t));
  }
  report(all);
  progress('done');
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
