// The checks of step 2 on the primary node, from what probe read. Pure.
import 'server-only';
import type { Check } from '@/lib/engine/types';
import { fitCertificate, type NodeState } from '../master-shared/analyse';
import { accountCheck, boundCheck, coversCheck, currentSettingsCheck, currentSettingsTitle, factsFor, installedCheck, settingsCheck, unknownChecks, type CheckEnv } from '../master-shared/checks';
import { CHECK } from '../master-shared/ids';

export const primaryCheckTitles = (env: CheckEnv): [string, string][] => [
  [CHECK.installed, `${env.service} is installed`],
  [CHECK.account, `${env.service} runs under a domain account`],
  [CHECK.covers, `The certificate bound on port ${env.masterPort} names ${env.masterDnsName}`],
  [CHECK.inRoot, 'The bound certificate is in LocalMachine\\Root with its private key'],
  [CHECK.settings, 'SSLCertThumbprint in MasterSettings.config is the bound certificate'],
  [CHECK.current, currentSettingsTitle(env)],
];

export function primaryChecks(s: NodeState, env: CheckEnv): Check[] {
  const target = fitCertificate(s);
  const installed = installedCheck(
    s,
    env,
    factsFor(s, target),
    'Install the Scale Out Master on the primary with SQL Server Setup: the manual operation gives the ConfigurationFile.ini and the command line. Its certificate must name the master service DNS host name.',
  );
  if (!s.service) return [installed];
  const certFix = `Workers connect to https://${env.masterDnsName}:${env.masterPort} and only trust a certificate naming that host. The plan ${
    target ? `uses certificate ${target} (already in Root and naming it)` : `makes a new certificate naming ${env.masterDnsName}`
  }, binds it on the port (keeping the appid), writes its thumbprint into MasterSettings.config and restarts the service.`;
  return [
    installed,
    accountCheck(s, env),
    coversCheck(s, env, certFix),
    boundCheck(s, env, null, 'The bound certificate is in LocalMachine\\Root with its private key', certFix),
    settingsCheck(s, s.binding?.thumbprint ?? null, 'bound certificate', certFix),
    currentSettingsCheck(s, env),
  ];
}

export { unknownChecks };
