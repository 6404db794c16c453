// The checks of step 3, from what probe read on the primary and on every secondary. Pure.
import 'server-only';
import type { Check } from '@/lib/engine/types';
import type { NodeState } from '../master-shared/analyse';
import { inRootWithKey } from '../master-shared/analyse';
import { accountCheck, boundCheck, currentSettingsCheck, currentSettingsTitle, factsFor, installedCheck, settingsCheck, unknownChecks, type CheckEnv } from '../master-shared/checks';
import { withFacts } from '../master-shared/facts';
import { CHECK, idAt } from '../master-shared/ids';

export type NodeResult = { host: string; state: NodeState } | { host: string; error: string };

export const ALL_NODES = 'all master nodes';

export const secondaryCheckTitles = (env: CheckEnv): [string, string][] => [
  [CHECK.installed, `${env.service} is installed`],
  [CHECK.inRoot, "The primary's certificate is in LocalMachine\\Root with its private key"],
  [CHECK.account, `${env.service} runs under a domain account`],
  [CHECK.bound, `The primary's certificate is bound on port ${env.masterPort}`],
  [CHECK.settings, "SSLCertThumbprint in MasterSettings.config is the primary's certificate"],
  [CHECK.current, currentSettingsTitle(env)],
];

export function primaryCertCheck(primary: NodeResult, shared: string | null, env: CheckEnv): Check {
  const title = `The primary has a master certificate to share`;
  const base = { id: idAt(CHECK.primaryCert, primary.host), title, target: primary.host };
  if ('error' in primary) {
    return { ...base, status: 'unknown', evidence: `${primary.host} could not be read: ${primary.error}`, remediation: 'The secondaries get the primary\'s certificate: make the primary reachable, then probe again.' };
  }
  const b = primary.state.binding;
  if (shared) {
    return withFacts({ ...base, status: 'pass', evidence: `${primary.host} binds ${shared} (names ${env.masterDnsName}, in Root with its key, = SSLCertThumbprint)` }, factsFor(primary.state, shared));
  }
  return {
    ...base,
    status: 'fail',
    evidence: b ? `${primary.host} binds ${b.thumbprint}, which does not pass step 2 (name, Root store, key or SSLCertThumbprint)` : `Nothing is bound on 0.0.0.0:${env.masterPort} on ${primary.host}`,
    remediation: 'Complete step 2 (Install Scale Out Master on the primary) first: its certificate is the one every secondary gets.',
  };
}

export function nodeChecks(r: NodeResult, shared: string | null, env: CheckEnv): Check[] {
  if ('error' in r) return unknownChecks(r.host, r.error, secondaryCheckTitles(env));
  const s = r.state;
  const installed = installedCheck(
    s,
    env,
    factsFor(s, shared),
    `Install the Scale Out Master on ${s.host} with SQL Server Setup, selecting the primary's certificate (/ISMASTERSVCTHUMBPRINT): the manual operation gives the ConfigurationFile.ini and the command line.`,
  );
  const rootTitle = "The primary's certificate is in LocalMachine\\Root with its private key";
  const rootId = idAt(CHECK.inRoot, s.host);
  const root: Check = !shared
    ? { id: rootId, title: rootTitle, target: s.host, status: 'unknown', evidence: "The primary's certificate is not known yet (see the primary's check)" }
    : inRootWithKey(s, shared)
      ? { id: rootId, title: rootTitle, target: s.host, status: 'pass', evidence: `${shared} in LocalMachine\\Root with its private key` }
      : {
          id: rootId,
          title: rootTitle,
          target: s.host,
          status: 'fail',
          evidence: s.root.has(shared) ? `${shared} is in LocalMachine\\Root without its private key` : `${shared} is not in LocalMachine\\Root (Root holds ${s.keyed.map((c) => c.thumbprint).join(', ') || 'no certificate with a key'})`,
          remediation: "The wizard exports the primary's certificate with its key as a PFX under a one-time password and imports it here (LocalMachine\\Root).",
        };
  if (!s.service) return [installed, root];
  if (!shared) return [installed, root, accountCheck(s, env)];
  const fix = `Every master node must answer workers with the same certificate (${shared}): the plan binds it on the port (keeping the appid), writes it into MasterSettings.config and restarts the service.`;
  return [
    installed,
    root,
    accountCheck(s, env),
    boundCheck(s, env, shared, `The primary's certificate is bound on port ${env.masterPort}`, fix),
    settingsCheck(s, shared, "primary's certificate", fix),
    currentSettingsCheck(s, env),
  ];
}

/** One thumbprint bound and configured on every master node. */
export function allEqualCheck(results: NodeResult[], shared: string | null): Check {
  const base = { id: CHECK.allEqual, title: 'The same certificate is bound and configured on every master node', target: ALL_NODES };
  const rows = results.map((r) =>
    'error' in r ? `${r.host}: unreadable` : `${r.host}: bound ${r.state.binding?.thumbprint ?? 'none'}, SSLCertThumbprint ${r.state.settings.thumbprint ?? 'none'}`,
  );
  const evidence = rows.join('; ');
  if (results.some((r) => 'error' in r) || !shared) return { ...base, status: 'unknown', evidence };
  const equal = results.every((r) => 'state' in r && r.state.binding?.thumbprint === shared && r.state.settings.thumbprint === shared);
  return equal
    ? { ...base, status: 'pass', evidence }
    : { ...base, status: 'fail', evidence, remediation: `Apply the plan: it puts ${shared} on every node.` };
}
