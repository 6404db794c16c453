// The config step's plan: pure, from the checks and the facts they carry. Per node whose
// SqlServerName is wrong: the file edit (with its diff), then a restart where the service runs
// (the role owner, or without a role every node where it is running), nowhere else.
import 'server-only';
import type { Check, Operation } from '@/lib/engine/types';
import { psScript } from '@/lib/powershell/scripts';
import type { StepContext } from '@/lib/steps/context';
import { idAt } from '../master-shared/ids';
import { showScript } from '../master-shared/op-script';
import { CHECK, configFactsOf, OP, targetValue, type ConfigFacts } from './checks';
import { loginOps } from './login-ops';
import { configEnv, masterHosts } from './probe';

type Ctx = Pick<StepContext, 'inventory' | 'services'>;
const script = (file: string, host: string, params: Parameters<typeof showScript>[2]) => showScript(file, host, params, psScript(file));

export function settingsOp(ctx: Ctx, facts: ConfigFacts): Operation {
  const target = targetValue(configEnv(ctx));
  return {
    id: idAt(OP.settings, facts.host),
    target: facts.host,
    kind: 'file-edit',
    summary: `Set SqlServerName to ${target} (was ${facts.current ?? 'missing'}) in ${facts.settingsPath} on ${facts.host} (backup first)`,
    script: script('master-write-settings.ps1', facts.host, {
      Path: facts.settingsPath,
      ExpectedSha256: { runtime: 'SHA-256 of the file as read just before' },
      ContentBase64: { runtime: `the file with only SqlServerName changed to ${target} (lib/settings)` },
    }),
    ...(facts.diff ? { diff: facts.diff } : {}),
    risk: 'medium',
  };
}

export function restartOp(ctx: Ctx, facts: ConfigFacts): Operation {
  const svc = ctx.services.master;
  return {
    id: idAt(OP.restart, facts.host),
    target: facts.host,
    kind: 'powershell',
    summary: facts.roleOwner
      ? `Cycle the cluster role of ${svc} on ${facts.host}, its owner node, so the master reads the new SqlServerName`
      : `Restart ${svc} on ${facts.host} so it reads the new SqlServerName`,
    script: script('config-restart.ps1', facts.host, { ServiceName: svc }),
    risk: 'medium',
  };
}

/** The master account's logins and SSISDB user first: the edits make the master depend on them. */
export function plan(ctx: Ctx, checks: Check[]): Operation[] {
  return [...loginOps(ctx, checks), ...settingsOps(ctx, checks)];
}

function settingsOps(ctx: Ctx, checks: Check[]): Operation[] {
  return masterHosts(ctx).flatMap((host): Operation[] => {
    const check = checks.find((c) => c.id === idAt(CHECK.sqlServerName, host));
    if (!check || check.status !== 'fail') return [];
    const facts = configFactsOf(check);
    if (!facts?.diff) return [];
    return facts.runsHere ? [settingsOp(ctx, facts), restartOp(ctx, facts)] : [settingsOp(ctx, facts)];
  });
}
