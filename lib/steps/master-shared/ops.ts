// The operations both master steps plan, built from the inventory and the facts probe read.
// Pure apart from reading the checked-in script files, whose text is what the plan shows.
import 'server-only';
import type { Operation } from '@/lib/engine/types';
import type { StoredInventory } from '@/lib/inventory/schema';
import { psScript } from '@/lib/powershell/scripts';
import type { NodeFacts } from './facts';
import { idAt, OP } from './ids';
import { masterCertificateNames } from './names';
import { showScript } from './op-script';
import { masterSetupInstructions, type MasterSetupCertificate } from './setup';

type Inv = Pick<StoredInventory, 'masters' | 'masterDnsName' | 'masterPort' | 'masterAccount' | 'sqlVersion'>;
export type OpEnv = { inventory: Inv; services: { master: string } };

/** The appid a new binding gets when none exists to keep (SSIS setup's own is not documented). */
export const DEFAULT_APPID = '{4dc3e181-e14b-4a21-b022-59fc669b0914}';

const script = (file: string, host: string, params: Parameters<typeof showScript>[2]) => showScript(file, host, params, psScript(file));

export function setupOp(env: OpEnv, host: string, cert: MasterSetupCertificate): Operation {
  return {
    id: idAt(OP.setup, host),
    target: host,
    kind: 'manual',
    summary: `Install the Scale Out Master (${env.services.master}) on ${host} with SQL Server Setup`,
    script: masterSetupInstructions(env.inventory, host, cert),
    risk: 'medium',
  };
}

export function accountOp(env: OpEnv, host: string, current: string | null): Operation {
  return {
    id: idAt(OP.account, host),
    target: host,
    kind: 'powershell',
    summary: `Run ${env.services.master} on ${host} as ${env.inventory.masterAccount}${current ? ` instead of ${current}` : ''}, then restart it`,
    script: script('master-set-account.ps1', host, {
      ServiceName: env.services.master,
      Account: env.inventory.masterAccount,
      Password: { secret: true },
    }),
    risk: 'high',
    confirmPhrase: `change account on ${host}`,
  };
}

export function newCertOp(env: OpEnv, host: string): Operation {
  const cns = masterCertificateNames(env.inventory).map((n) => `CN=${n}`).join(';');
  return {
    id: idAt(OP.newCert, host),
    target: host,
    kind: 'powershell',
    summary: `Make a new master certificate naming ${env.inventory.masterDnsName} and put it in LocalMachine\\Root on ${host}`,
    script: [
      '# In the wizard (lib/certs): a new self-signed master certificate, RSA 2048, SHA-256, valid 5 years, for',
      `#   ${cns}`,
      '# packed as a PFX under a one-time random password that exists only in the wizard\'s memory, then:',
      script('master-import-pfx.ps1', host, {
        Thumbprint: { runtime: 'the new certificate' },
        PfxBase64: { runtime: 'the PFX made in memory' },
        PfxPassword: { secret: true },
        // Exportable: step 3 exports it with its key for the secondary nodes.
        Exportable: true,
      }),
    ].join('\n'),
    risk: 'medium',
  };
}

export function importCertOp(host: string, primary: string, thumbprint: string): Operation {
  return {
    id: idAt(OP.importCert, host),
    target: host,
    kind: 'powershell',
    summary: `Copy the master certificate ${thumbprint} with its private key from ${primary} into LocalMachine\\Root on ${host}`,
    script: [
      '# The PFX and its one-time random password pass only through the wizard\'s memory.',
      script('master-export-pfx.ps1', primary, { Thumbprint: thumbprint, PfxPassword: { secret: true } }),
      '',
      script('master-import-pfx.ps1', host, {
        Thumbprint: thumbprint,
        PfxBase64: { runtime: `the PFX exported from ${primary}` },
        PfxPassword: { secret: true },
        Exportable: false,
      }),
    ].join('\n'),
    risk: 'medium',
  };
}

export function rebindOp(env: OpEnv, host: string, facts: NodeFacts, thumbprint: string | null): Operation {
  const port = env.inventory.masterPort;
  const hash = thumbprint ?? '<new certificate>';
  const appId = facts.appId ?? DEFAULT_APPID;
  return {
    id: idAt(OP.rebind, host),
    target: host,
    kind: 'powershell',
    summary: `Bind ${thumbprint ? `certificate ${thumbprint}` : 'the new certificate'} on 0.0.0.0:${port} (HTTP.SYS) on ${host}, keeping appid ${appId}`,
    script: [
      '# What it runs (the previous binding is put back if the add fails):',
      ...(facts.boundThumbprint ? [`#   netsh http delete sslcert ipport=0.0.0.0:${port}`] : []),
      `#   netsh http add sslcert ipport=0.0.0.0:${port} certhash=${hash} appid='${appId}' certstorename=Root`,
      script('master-rebind.ps1', host, {
        Port: port,
        Thumbprint: thumbprint ?? { runtime: 'the certificate the previous operation made' },
        DefaultAppId: DEFAULT_APPID,
      }),
    ].join('\n'),
    risk: 'high',
    confirmPhrase: `rebind ${host}`,
  };
}

export function settingsOp(host: string, facts: NodeFacts, thumbprint: string | null): Operation {
  return {
    id: idAt(OP.settings, host),
    target: host,
    kind: 'file-edit',
    summary: `Set SSLCertThumbprint to ${thumbprint ?? 'the new certificate'} in ${facts.settingsPath} on ${host} (backup first)`,
    script: script('master-write-settings.ps1', host, {
      Path: facts.settingsPath,
      ExpectedSha256: { runtime: 'SHA-256 of the file as read just before' },
      ContentBase64: { runtime: 'the file with only SSLCertThumbprint changed (lib/settings)' },
    }),
    ...(facts.settingsDiff ? { diff: facts.settingsDiff } : {}),
    risk: 'medium',
  };
}

export function restartOp(env: OpEnv, host: string): Operation {
  return {
    id: idAt(OP.restart, host),
    target: host,
    kind: 'powershell',
    summary: `Restart ${env.services.master} on ${host} so it uses the certificate and settings (left stopped if it is stopped)`,
    script: script('master-restart.ps1', host, { ServiceName: env.services.master }),
    risk: 'medium',
  };
}
