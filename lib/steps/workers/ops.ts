// The operations of step 9 and what each shows: the checked-in script exactly as it runs, with
// its parameters (values known only at run time say where they come from; no secret is involved:
// only public certificates travel). Operations over several workers carry their list.
import 'server-only';
import type { Operation } from '@/lib/engine/types';
import type { StoredInventory } from '@/lib/inventory/schema';
import { psScript } from '@/lib/powershell/scripts';
import { showScript, type ShownParam } from '../master-shared/op-script';
import { masterAddress } from './analyse';
import { idAt, OP, WORKERS_TARGET } from './ids';
import { WORKER_CONCURRENCY } from './limit';

export type OpEnv = {
  inventory: Pick<StoredInventory, 'masterDnsName' | 'masterPort' | 'masters' | 'listenerName' | 'sqlVersion'>;
  services: { worker: string; folder: string };
};

/** An operation over several workers: the list apply acts on (the plan the user confirmed). */
export type WorkersOperation = Operation & { workers: string[] };

const script = (file: string, host: string, params: Record<string, ShownParam>) => showScript(file, host, params, psScript(file));
const names = (hosts: string[]) => (hosts.length <= 4 ? hosts.join(', ') : `${hosts.slice(0, 3).join(', ')} and ${hosts.length - 3} more`);

export function setupOp(env: OpEnv, host: string): Operation {
  const file = 'C:\\Temp\\SSISScaleOutWorker-ConfigurationFile.ini';
  return {
    id: idAt(OP.setup, host),
    target: host,
    kind: 'manual',
    summary: `Install the Scale Out Worker (${env.services.worker}) on ${host} with SQL Server Setup`,
    script: [
      `# Manual: install the Scale Out Worker on ${host} (the wizard has no installation media).`,
      `# 1. Save this as ${file}:`,
      `#    ; SQL Server ${env.inventory.sqlVersion} Setup: Integration Services Scale Out Worker on ${host}.`,
      '#    [OPTIONS]',
      '#    ACTION="Install"',
      '#    FEATURES=IS_Worker',
      `#    ISWORKERSVCACCOUNT="NT Service\\${env.services.worker}"`,
      '#    ISWORKERSVCSTARTUPTYPE="Automatic"',
      `#    ISWORKERSVCMASTER="${masterAddress(env.inventory)}"`,
      '#    QUIET="True"',
      '#    IACCEPTSQLSERVERLICENSETERMS="True"',
      '# 2. In an elevated PowerShell on the worker, with the SQL Server media at D:\\:',
      `& 'D:\\setup.exe' /Q /ACTION=Install /IACCEPTSQLSERVERLICENSETERMS /CONFIGURATIONFILE="${file}"`,
      '# 3. Back in the wizard: probe again. The wizard then trusts the certificates both ways and writes WorkerSettings.config.',
    ].join('\n'),
    risk: 'medium',
  };
}

export function ownCertOp(host: string): Operation {
  return {
    id: idAt(OP.ownCert, host),
    target: host,
    kind: 'manual',
    summary: `Give the worker on ${host} a client certificate with its private key`,
    script: [
      `# Manual, on ${host} in an elevated PowerShell (Microsoft's "Change a worker cert"):`,
      `$c = New-SelfSignedCertificate -Subject 'CN=${host}' -DnsName '${host}' -CertStoreLocation Cert:\\LocalMachine\\My -FriendlyName SSISScaleOutWorker -KeyExportPolicy Exportable -HashAlgorithm SHA1`,
      '# Let the worker service account read its private key:',
      `winhttpcertcfg.exe -g -c LOCAL_MACHINE\\My -s ${host} -a '<worker service account>'`,
      '# Put $c.Thumbprint into WorkerHttpsCertThumbprint in WorkerSettings.config, restart the worker, then probe again:',
      '# the wizard copies the new certificate to every master node.',
    ].join('\n'),
    risk: 'medium',
  };
}

export function trustOp(master: string, workers: { host: string; thumbprint: string }[]): WorkersOperation {
  return {
    id: idAt(OP.trust, master),
    target: master,
    kind: 'powershell',
    summary: `Trust the certificate${workers.length > 1 ? 's' : ''} of ${names(workers.map((w) => w.host))} in LocalMachine\\Root on ${master}`,
    script: [
      '# Each worker\'s public certificate (DER) is read from its LocalMachine\\My and passes only through the wizard\'s memory:',
      `#   workers-probe.ps1 on each worker, ${WORKER_CONCURRENCY} at a time, then:`,
      ...workers.map((w) => `#   ${w.host}: ${w.thumbprint}`),
      script('workers-trust.ps1', master, { Certificates: { runtime: `${workers.length} public certificate(s) as listed above` } }),
    ].join('\n'),
    risk: 'medium',
    workers: workers.map((w) => w.host),
  };
}

export function attachOp(env: OpEnv, shared: string, workers: { host: string; diff: string | null }[]): WorkersOperation {
  const diff = workers
    .map((w) => w.diff)
    .filter((d): d is string => !!d)
    .join('\n');
  return {
    id: OP.attach,
    target: WORKERS_TARGET,
    kind: 'file-edit',
    summary: `Attach ${names(workers.map((w) => w.host))} to ${masterAddress(env.inventory)}: master certificate ${shared} into LocalMachine\\Root, MasterEndpoint and MasterHttpsCertThumbprint in WorkerSettings.config (backup first), (re)start ${env.services.worker}`,
    script: [
      `# On every worker listed, ${WORKER_CONCURRENCY} at a time: read it again (workers-probe.ps1), compute the edit in the wizard (lib/settings), then:`,
      script('workers-attach.ps1', '<each worker>', {
        ServiceName: env.services.worker,
        MasterThumbprint: shared,
        MasterCertBase64: { runtime: 'the public certificate read from a master node, when the worker lacks it' },
        SettingsPath: { runtime: 'WorkerSettings.config as the worker reports it' },
        ExpectedSha256: { runtime: 'SHA-256 of the file as read just before' },
        ContentBase64: { runtime: 'the file with only MasterEndpoint and MasterHttpsCertThumbprint changed, when they differ' },
        Restart: true,
      }),
    ].join('\n'),
    ...(diff ? { diff } : {}),
    risk: 'medium',
    workers: workers.map((w) => w.host),
  };
}

export function enableOp(env: OpEnv, workers: { host: string; agentId: string | null }[]): WorkersOperation {
  return {
    id: OP.enable,
    target: env.inventory.listenerName,
    kind: 'tsql',
    summary: `Wait for ${names(workers.map((w) => w.host))} to register and send a heartbeat, and enable ${workers.length > 1 ? 'them' : 'it'} in SSISDB`,
    script: [
      `-- Through the listener ${env.inventory.listenerName}, in SSISDB. Until every worker below has a new heartbeat`,
      '-- (LastOnlineTime later than when it was restarted or first read), every 2 s:',
      'SELECT WorkerAgentId, IsEnabled, MachineName, LastOnlineTime FROM catalog.worker_agents;',
      '-- then, for each one that is disabled (workers register disabled):',
      'EXEC catalog.enable_worker_agent @WorkerAgentId = @WorkerAgentId;',
      ...workers.map((w) => `--   ${w.host}: @WorkerAgentId = '${w.agentId ?? `(the row whose MachineName is ${w.host})`}'`),
    ].join('\n'),
    risk: 'low',
    workers: workers.map((w) => w.host),
  };
}
