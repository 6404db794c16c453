// The failover drill (issue 8): move the master role to another node, fail the availability group
// over, then both together; after each move, wait until the whole chain works again and report
// how long each part took. It is shaped like a step (probe, plan, apply) so the engine runs it
// as a job with live progress, but its plan is always the three moves: it is asked for, not
// converged to.
import 'server-only';
import type { ApplyContext, Check, Operation } from '@/lib/engine/types';
import { psScript } from '@/lib/powershell/scripts';
import type { StepContext } from '@/lib/steps/context';
import { diagnoseWorkers } from './diagnose';
import { CHECK, judge, passed, type Baseline } from './judge';
import { agPrimary, clusterRole, failoverAg, failoverSql, nextNode, nodeOfServer, roleName } from './moves';
import { observe, type Observation } from './observe';

export type Phase = 'master-role' | 'ag' | 'both';
export const PHASES: Phase[] = ['master-role', 'ag', 'both'];
export const DRILL_CONFIRM = 'FAILOVER';
const opId = (p: Phase) => `drill:${p}`;

export type DrillOptions = { timeoutMs: number; pollMs: number };
export const DEFAULT_DRILL: DrillOptions = { timeoutMs: 180_000, pollMs: 1000 };

export type PhaseResult = {
  phase: Phase;
  moves: string[];
  /** Seconds from the start of the move until each check first passed; null = never within the timeout. */
  recovered: Record<string, number | null>;
  ok: boolean;
  checks: Check[];
};

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)), { once: true });
  });

async function withCauses(ctx: StepContext, checks: Check[], owner: string | null, signal?: AbortSignal): Promise<Check[]> {
  const offline = checks.filter((c) => c.id.startsWith('drill:worker:') && c.status === 'fail').map((c) => c.target);
  if (!offline.length) return checks;
  const causes = await diagnoseWorkers(ctx, owner, offline, signal);
  return checks.map((c) => (causes.has(c.target) && c.status === 'fail' ? { ...c, remediation: causes.get(c.target)!.text } : c));
}

/**
 * Whether the node running the master now trusts each worker's certificate: a worker that is
 * still "online" from its last heartbeat will be refused (403) at its next one if not.
 */
async function trustChecks(ctx: StepContext, owner: string | null): Promise<Check[]> {
  const workers = ctx.inventory.workers.map((w) => w.hostName);
  if (!workers.length) return [];
  const found = await diagnoseWorkers(ctx, owner, workers);
  return workers.map((w) => {
    const t = found.get(w) ?? { trusted: null, text: 'Not checked.' };
    return {
      id: CHECK.trust(w),
      title: `${owner ?? 'The master'} trusts ${w}'s certificate`,
      target: w,
      status: t.trusted === true ? 'pass' : t.trusted === false ? 'fail' : 'unknown',
      evidence: t.text,
      ...(t.trusted === false ? { remediation: 'Step 9 (workers) imports every worker certificate into LocalMachine\\Root on every master node.' } : {}),
    };
  });
}

/** The chain as it is now: where things run, and whether each part works. */
export async function probeDrill(ctx: StepContext): Promise<Check[]> {
  const [role, primary, o] = await Promise.all([
    clusterRole(ctx).catch((e: unknown) => new Error(msg(e))),
    agPrimary(ctx).catch((e: unknown) => new Error(msg(e))),
    observe(ctx),
  ]);
  const where: Check =
    role instanceof Error || primary instanceof Error
      ? { id: 'drill:placement', title: 'Where the master and SSISDB run', target: ctx.inventory.clusterName, status: 'unknown', evidence: [role, primary].filter((x) => x instanceof Error).map((x) => (x as Error).message).join(' ') }
      : { id: 'drill:placement', title: 'Where the master and SSISDB run', target: ctx.inventory.clusterName, status: role.state.toUpperCase() === 'ONLINE' ? 'pass' : 'fail', evidence: `Master role ${role.group} ${role.state} on ${role.owner}; ${ctx.inventory.agName} primary ${primary}` };
  const owner = role instanceof Error ? null : role.owner;
  return [where, ...(await withCauses(ctx, judge(ctx.inventory, o, null), owner)), ...(await trustChecks(ctx, owner))];
}

/** One phase: baseline, the move(s), then watch until everything recovered or the time is up. */
export async function runPhase(ctx: StepContext, phase: Phase, opts: DrillOptions, run: ApplyContext): Promise<PhaseResult> {
  const inv = ctx.inventory;
  const before = await observe(ctx);
  const baseChecks = judge(inv, before, null);
  if (!passed(baseChecks) || !before.sql.ok) {
    const bad = baseChecks.filter((c) => c.status === 'fail' || c.status === 'unknown');
    throw new Error(`The chain is not healthy before the drill, so a move would prove nothing: ${bad.map((c) => `${c.title} (${c.target}): ${c.evidence}`).join('; ')}`);
  }
  const thumbprint = before.endpoint.ok ? before.endpoint.thumbprint : null;

  const moves: string[] = [];
  const started = Date.now();
  const moveRole = async () => {
    const role = await clusterRole(ctx, undefined, run.signal);
    const to = nextNode(ctx, role.owner, role.nodes);
    if (!to) throw new Error(`The master role ${role.group} cannot move: no other master node is Up (${role.nodes.map((n) => `${n.name} ${n.state}`).join(', ')}).`);
    run.log(roleName(ctx), `Moving the master role ${role.group} from ${role.owner} to ${to}`);
    const after = await clusterRole(ctx, to, run.signal);
    moves.push(`master role ${role.owner} → ${after.owner} (${after.state})`);
    run.log(roleName(ctx), `The master role is ${after.state} on ${after.owner}`);
  };
  const moveAg = async () => {
    const primaryServer = await agPrimary(ctx);
    const from = nodeOfServer(ctx, primaryServer) ?? primaryServer;
    const to = nextNode(ctx, from, []);
    if (!to) throw new Error(`${inv.agName} cannot fail over: no other master node.`);
    run.log(inv.agName, `Failing ${inv.agName} over from ${from} to ${to} (${failoverSql(inv.agName)} on ${to})`);
    await failoverAg(ctx, to, run.signal);
    moves.push(`${inv.agName} primary ${from} → ${to}`);
  };
  if (phase === 'master-role') await moveRole();
  else if (phase === 'ag') await moveAg();
  else await Promise.all([moveRole(), moveAg()]);

  // "Fresh" is measured from when the moves were done, on SQL Server's clock: a heartbeat the
  // old owner wrote while the move was under way proves nothing. SQL may be unreachable for a
  // moment right after a failover; that time counts too.
  let base: Baseline | null = null;
  const recovered: Record<string, number | null> = {};
  let checks: Check[] = [];
  let last: Observation | null = null;
  for (;;) {
    last = await observe(ctx);
    if (!base && last.sql.ok) base = { at: last.sql.now, thumbprint, masterLastOnline: last.sql.masterLastOnline };
    checks = base ? judge(inv, last, base) : judge(inv, last, { at: new Date(8.64e15), thumbprint, masterLastOnline: null });
    const elapsed = (Date.now() - started) / 1000;
    for (const c of checks) {
      if (!(c.id in recovered)) recovered[c.id] = null;
      if (recovered[c.id] === null && (c.status === 'pass' || c.status === 'warn')) {
        recovered[c.id] = Math.round(elapsed * 10) / 10;
        run.log(c.target, `Recovered after ${recovered[c.id]} s: ${c.title}`);
      }
    }
    if (passed(checks) || Date.now() - started >= opts.timeoutMs) break;
    await sleep(opts.pollMs, run.signal);
  }
  const ok = passed(checks);
  if (!ok) {
    const owner = await clusterRole(ctx).then((r) => r.owner).catch(() => null);
    checks = await withCauses(ctx, checks, owner, run.signal);
  }
  return { phase, moves, recovered, ok, checks };
}

const TITLES: Record<string, string> = { [CHECK.endpoint]: 'endpoint', [CHECK.heartbeat]: 'master heartbeat', [CHECK.logging]: 'logging login' };
const label = (id: string) => TITLES[id] ?? id.replace(/^drill:worker:/, '');

export function describePhase(r: PhaseResult, opts: DrillOptions): string {
  const times = Object.entries(r.recovered)
    .map(([id, s]) => `${label(id)} ${s === null ? 'NOT recovered' : `${s} s`}`)
    .join(', ');
  if (r.ok) return `${r.moves.join('; ')}. Recovered: ${times}.`;
  const failing = r.checks.filter((c) => c.status === 'fail' || c.status === 'unknown');
  return `${r.moves.join('; ')}. Not recovered within ${opts.timeoutMs / 1000} s: ${failing
    .map((c) => `${c.target}: ${c.title.toLowerCase()} — ${c.evidence}${c.remediation ? `. ${c.remediation}` : ''}`)
    .join(' | ')}. (${times})`;
}

const SUMMARY: Record<Phase, string> = {
  'master-role': 'Move the master role to another node, then wait until the chain recovers',
  ag: 'Fail the availability group over to another replica, then wait until the chain recovers',
  both: 'Move the master role and fail the availability group over together, then wait until the chain recovers',
};

export function drillPlan(ctx: Pick<StepContext, 'inventory'>): Operation[] {
  const inv = ctx.inventory;
  const scripts: Record<Phase, string> = {
    'master-role': `# on any master node\n${psScript('drill-cluster.ps1')}\n# with -Group ${inv.masterDnsName} -MoveTo <the next master node>`,
    ag: `-- on the secondary replica that becomes primary\n${failoverSql(inv.agName)}`,
    both: `# both moves at once: drill-cluster.ps1 -Group ${inv.masterDnsName} -MoveTo <next node>\n-- and on the next replica:\n${failoverSql(inv.agName)}`,
  };
  // One typed confirmation for the whole drill (on its first move).
  return PHASES.map((p, i) => ({
    id: opId(p),
    target: p === 'ag' ? inv.agName : inv.masterDnsName,
    kind: p === 'ag' ? 'tsql' : 'powershell',
    summary: SUMMARY[p],
    script: scripts[p],
    risk: 'high' as const,
    ...(i === 0 ? { confirmPhrase: DRILL_CONFIRM } : {}),
  }));
}

/** The drill as a step-shaped module for the engine. */
export function drillModule(opts: DrillOptions = DEFAULT_DRILL) {
  return {
    slug: 'drill' as const,
    probe: probeDrill,
    plan: (ctx: StepContext) => drillPlan(ctx),
    async apply(ctx: StepContext, op: Operation, run: ApplyContext): Promise<string> {
      const phase = PHASES.find((p) => opId(p) === op.id);
      if (!phase) throw new Error(`Not a drill operation: ${op.id}`);
      const r = await runPhase(ctx, phase, opts, run);
      const text = describePhase(r, opts);
      if (!r.ok) throw new Error(text);
      return text;
    },
  };
}
