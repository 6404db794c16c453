// Check builders both master steps use. Pure: they turn a NodeState (what probe read) into
// checks whose evidence is what was read: thumbprints, names, the account, the bound certhash.
import 'server-only';
import type { Check, CheckStatus } from '@/lib/engine/types';
import { ACCOUNT_KIND_TEXT } from './account';
import { settingsDiff, type CertView, type NodeState } from './analyse';
import { withFacts, type CheckWithFacts, type NodeFacts } from './facts';
import { CHECK, idAt } from './ids';

export type CheckEnv = { masterDnsName: string; masterPort: number; masterAccount: string; service: string };

const check = (id: string, host: string, title: string, status: CheckStatus, evidence: string, remediation?: string): Check => ({
  id: idAt(id, host),
  title,
  target: host,
  status,
  evidence,
  ...(remediation && status !== 'pass' ? { remediation } : {}),
});

/** The same checks as `unknown`, naming why the node could not be read. */
export function unknownChecks(host: string, error: string, items: [id: string, title: string][]): Check[] {
  return items.map(([id, title]) =>
    check(id, host, title, 'unknown', `${host} could not be read: ${error}`, 'Check that the node is up and WinRM answers (Prerequisites step), then probe again.'),
  );
}

export function factsFor(s: NodeState, target: string | null): NodeFacts {
  return {
    host: s.host,
    installed: s.service !== null,
    account: s.account?.name ?? null,
    boundThumbprint: s.binding?.thumbprint ?? null,
    appId: s.binding?.appId || null,
    settingsPath: s.settings.path,
    settingsExists: s.settings.bytes !== null,
    settingsThumbprint: s.settings.thumbprint,
    target,
    settingsDiff: s.settings.thumbprint === target && target !== null ? null : settingsDiff(s, target),
  };
}

export function installedCheck(s: NodeState, env: CheckEnv, facts: NodeFacts, remediation: string): CheckWithFacts {
  const svc = s.service;
  const c = svc
    ? check(CHECK.installed, s.host, `${env.service} is installed`, 'pass', `${svc.name}: ${svc.state}, start ${svc.startMode}, logon ${svc.startName}`)
    : check(CHECK.installed, s.host, `${env.service} is installed`, 'fail', `No service ${env.service} on ${s.host} (Win32_Service)`, remediation);
  return withFacts(c, facts);
}

export function accountCheck(s: NodeState, env: CheckEnv): Check {
  const title = `${env.service} runs under a domain account`;
  const a = s.account!;
  const evidence = `StartName = ${a.name || '(empty)'} (${ACCOUNT_KIND_TEXT[a.kind]})`;
  if (a.kind !== 'domain') {
    return check(
      CHECK.account,
      s.host,
      title,
      'fail',
      evidence,
      `In HA the master service must run under a domain account that can log in to SSISDB on every replica; ${a.name} is a different principal on each node. Change it to ${env.masterAccount} (Win32_Service.Change) and restart the service.`,
    );
  }
  if (a.name.toLowerCase() !== env.masterAccount.toLowerCase()) {
    return check(CHECK.account, s.host, title, 'warn', `${evidence}; the deployment names ${env.masterAccount}`, `Use one account on every master node, or correct the inventory.`);
  }
  return check(CHECK.account, s.host, title, 'pass', evidence);
}

const namesText = (c: CertView) => (c.names.length ? c.names.join(', ') : 'no names');

/** The bound certificate names the master service DNS host name (CN or SAN). */
export function coversCheck(s: NodeState, env: CheckEnv, remediation: string): Check {
  const title = `The certificate bound on port ${env.masterPort} names ${env.masterDnsName}`;
  if (!s.binding) return check(CHECK.covers, s.host, title, 'fail', `Nothing is bound on 0.0.0.0:${env.masterPort} (netsh http show sslcert)`, remediation);
  if (!s.bound) {
    return check(CHECK.covers, s.host, title, 'fail', `certhash ${s.binding.thumbprint} is bound, but LocalMachine\\${s.binding.store} has no such certificate`, remediation);
  }
  const evidence = `Bound certhash ${s.bound.thumbprint} names ${namesText(s.bound)}`;
  if (!s.bound.covers) return check(CHECK.covers, s.host, title, 'fail', `${evidence}; ${env.masterDnsName} is not among them`, remediation);
  if (!s.bound.validNow) return check(CHECK.covers, s.host, title, 'fail', `${evidence}; but it is not valid now`, remediation);
  return check(CHECK.covers, s.host, title, 'pass', evidence);
}

/** The bound certificate is `expected` (when given), in LocalMachine\Root with its key, bound from Root. */
export function boundCheck(s: NodeState, env: CheckEnv, expected: string | null, title: string, remediation: string): Check {
  const id = expected ? CHECK.bound : CHECK.inRoot;
  if (!s.binding) return check(id, s.host, title, 'fail', `Nothing is bound on 0.0.0.0:${env.masterPort} (netsh http show sslcert)`, remediation);
  const b = s.binding;
  const bound = `certhash ${b.thumbprint}, certstorename ${b.store}, appid ${b.appId || '(none)'}`;
  const keyed = s.keyed.some((c) => c.thumbprint === b.thumbprint && c.hasPrivateKey);
  const problems = [
    ...(expected && b.thumbprint !== expected ? [`the shared certificate is ${expected}`] : []),
    ...(keyed ? [] : [`${b.thumbprint} is not in LocalMachine\\Root with its private key`]),
    ...(b.store.toLowerCase() === 'root' ? [] : ['HTTP.SYS takes it from another store than Root']),
  ];
  return problems.length
    ? check(id, s.host, title, 'fail', `Bound: ${bound}; ${problems.join('; ')}`, remediation)
    : check(id, s.host, title, 'pass', `Bound: ${bound}, in LocalMachine\\Root with its private key`);
}

export const currentSettingsTitle = (env: CheckEnv) => `${env.service} runs with the current settings`;

/**
 * The service reads MasterSettings.config (and takes the HTTP.SYS binding) only when it starts: a
 * running service whose process started before the file's last write still uses the old settings
 * (a restart failed or never ran). A stopped service is fine: it reads them when it starts, and on
 * a node that is not the owner of the master's cluster role it should stay stopped. Both times are
 * read on the node, from its own clock. A binding change leaves no time Windows shows, so only
 * the file is compared.
 */
export function currentSettingsCheck(s: NodeState, env: CheckEnv): Check {
  const title = currentSettingsTitle(env);
  const state = s.service?.state ?? 'not installed';
  if (state !== 'Running') return check(CHECK.current, s.host, title, 'pass', `${env.service} is ${state}: it reads MasterSettings.config when it starts`);
  const proc = s.process.id ? `process ${s.process.id}` : 'its process';
  if (!s.process.startTime || !s.settingsLastWrite) {
    const missing = !s.process.startTime ? `when ${proc} started (Win32_Process.CreationDate)` : `when ${s.settings.path} was last written`;
    return check(CHECK.current, s.host, title, 'warn', `Running, but ${missing} could not be read`, `If MasterSettings.config or the certificate binding changed since the service started, restart ${env.service}.`);
  }
  const started = Date.parse(s.process.startTime);
  const written = Date.parse(s.settingsLastWrite);
  const evidence = `Running, ${proc} started ${s.process.startTime}; ${s.settings.path} last written ${s.settingsLastWrite} (both ${s.host}'s clock)`;
  if (Number.isNaN(started) || Number.isNaN(written)) return check(CHECK.current, s.host, title, 'warn', evidence, `Restart ${env.service} if its settings changed since it started.`);
  return started < written
    ? check(
        CHECK.current,
        s.host,
        title,
        'fail',
        `${evidence}: the service still uses the settings and binding it read before that write`,
        `${env.service} reads MasterSettings.config and takes the certificate binding only when it starts; the restart after the last change did not happen or failed. The plan restarts it (a stopped service is left stopped).`,
      )
    : check(CHECK.current, s.host, title, 'pass', evidence);
}

/** SSLCertThumbprint in MasterSettings.config equals `expected` (the certificate that should be bound). */
export function settingsCheck(s: NodeState, expected: string | null, expectedText: string, remediation: string): Check {
  const title = `SSLCertThumbprint in MasterSettings.config is the ${expectedText}`;
  const where = s.settings.path;
  if (!s.settings.bytes) {
    return check(CHECK.settings, s.host, title, 'fail', `${where} does not exist`, 'Repair the Scale Out Master installation with SQL Server Setup: the service cannot start without this file.');
  }
  if (s.settings.error) return check(CHECK.settings, s.host, title, 'fail', s.settings.error, 'Fix the file by hand (a backup of it is the place to start): the wizard edits only well-formed files.');
  const evidence = `SSLCertThumbprint = ${s.settings.thumbprint ?? '(missing)'} in ${where}; ${expectedText}: ${expected ?? '(none)'}`;
  return s.settings.thumbprint !== null && s.settings.thumbprint === expected
    ? check(CHECK.settings, s.host, title, 'pass', evidence)
    : check(CHECK.settings, s.host, title, 'fail', evidence, remediation);
}
