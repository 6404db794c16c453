import 'server-only';
import type { Runtime } from '@/lib/runtime';
import { serviceNames, WINRM_TRANSPORTS, type SecretField, type StoredInventory } from '@/lib/inventory/schema';
import { getDeployment, getSecret, secretNamesSet, setSecret } from '@/lib/store/repo';
import type { SqlTarget, SqlTrust } from '@/lib/sql';
import { createWinrmClient, type WinrmClient } from '@/lib/winrm';

/**
 * What a step's probe, plan and apply work with: the inventory, its secrets, and lazily made
 * connections to every target (SQL through lib/sql's pools, PowerShell through one WinRM client
 * per host, reused across a step's scripts). Nothing connects until a step asks.
 */
export type StepContext = {
  deploymentId: string;
  inventory: StoredInventory;
  /** SSISScaleOutMaster<ver>, SSISScaleOutWorker<ver>, and the 140/150/160 folder. */
  services: ReturnType<typeof serviceNames>;
  /** A stored secret: an inventory one, or one a step keeps (e.g. the SSISDB master-key password). */
  secret(name: SecretField | (string & {})): string | undefined;
  /** Stores a secret a step makes (the logging login's password), encrypted like the others. */
  setSecret(name: string, value: string): void;
  /** Every secret value the deployment holds, for masking. */
  secretValues(): string[];
  /** A master node's SQL instance, or the availability group listener. */
  sql(host: string | { listener: true }, database?: string): SqlTarget;
  /** The WinRM client of a master node or worker, made on first use. */
  winrm(host: string): WinrmClient;
  close(): Promise<void>;
};

export function createStepContext(rt: Pick<Runtime, 'db' | 'box'>, deploymentId: string): StepContext {
  const deployment = getDeployment(rt.db, deploymentId);
  if (!deployment) throw new Error(`No deployment ${deploymentId}`);
  const inv = deployment.inventory;
  const secret = (name: string) => getSecret(rt.db, rt.box, deploymentId, name);
  const sqlTrust: SqlTrust =
    inv.trustMode === 'ca'
      ? { mode: 'ca', caPem: inv.trustCaPem }
      : inv.trustMode === 'thumbprint'
        ? { mode: 'thumbprint', thumbprint: inv.trustThumbprint }
        : { mode: inv.trustMode };
  const clients = new Map<string, WinrmClient>();

  return {
    deploymentId,
    inventory: inv,
    services: serviceNames(inv.sqlVersion),
    secret,
    setSecret: (name, value) => setSecret(rt.db, rt.box, deploymentId, name, value),
    secretValues: () => [...secretNamesSet(rt.db, deploymentId)].map(secret).filter((v): v is string => !!v),
    sql(host, database = 'master') {
      const auth = { kind: inv.sqlAuth, user: inv.sqlUser, password: secret('sqlPassword') ?? '' } as const;
      if (typeof host === 'object') {
        return { deploymentId, name: inv.listenerName, instance: 'MSSQLSERVER', port: inv.listenerPort, connectAddress: inv.listenerAddress || undefined, database, auth, trust: sqlTrust };
      }
      const node = inv.masters.find((m) => m.hostName.toUpperCase() === host.toUpperCase());
      if (!node) throw new Error(`${host} is not a master node of this deployment`);
      return {
        deploymentId,
        name: node.fqdn || node.hostName,
        instance: node.sqlInstance,
        port: node.sqlPort,
        connectAddress: node.sqlAddress || undefined,
        database,
        auth,
        trust: sqlTrust,
      };
    },
    winrm(host) {
      const key = host.toUpperCase();
      const existing = clients.get(key);
      if (existing) return existing;
      const node = inv.masters.find((m) => m.hostName.toUpperCase() === key);
      const worker = inv.workers.find((w) => w.hostName.toUpperCase() === key);
      if (!node && !worker) throw new Error(`${host} is not a host of this deployment`);
      const https = inv.winrmTransport !== 'http-ntlm';
      const client = createWinrmClient(
        {
          host: node?.fqdn || node?.hostName || worker!.hostName,
          port: WINRM_TRANSPORTS[inv.winrmTransport].defaultPort,
          connectTo: (node?.winrmAddress ?? worker?.winrmAddress) || undefined,
        },
        {
          protocol: https ? 'https' : 'http',
          auth: inv.winrmTransport === 'https-basic' ? 'basic' : 'ntlm',
          user: inv.winrmUser,
          password: secret('winrmPassword') ?? '',
          trust: sqlTrust,
        },
      );
      clients.set(key, client);
      return client;
    },
    async close() {
      await Promise.allSettled([...clients.values()].map((c) => c.close()));
      clients.clear();
    },
  };
}
