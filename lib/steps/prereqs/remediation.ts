// The words a DBA reads when a prerequisite fails: what it means and exactly how to fix it. The
// wizard does not create or join clusters, enable Always On or restart anything in this step,
// so these texts are also the scripts of its manual operations.
import type { Failure } from './readings';

const WINRM_BY_LAYER: Record<string, string> = {
  config: 'The deployment\'s WinRM settings cannot work as entered: correct them on the deployment page.',
  dns: 'The wizard\'s server cannot resolve the node\'s name: correct the FQDN, or set a WinRM address override.',
  tcp: 'Nothing answers on the WinRM port: check that the node is up, that WinRM has an HTTPS listener (winrm quickconfig -transport:https) and that the firewall allows the port (5986 by default).',
  tls: 'The node\'s WinRM certificate is not trusted or does not name the node: check the deployment\'s trust settings (CA bundle or pinned thumbprint) against the certificate of the WinRM HTTPS listener (winrm enumerate winrm/config/listener).',
  http: 'WinRM answered with an HTTP error: check the WinRM service and its listener (winrm enumerate winrm/config/listener).',
  auth: 'The node refused the credentials: check the WinRM user name (DOMAIN\\user) and password on the deployment page, that the account is a member of the node\'s local Administrators group, and that the listener allows this authentication (winrm get winrm/config/service/auth).',
  wsman: 'WinRM accepted the connection but refused the request: check the WinRM service and its quotas (winrm get winrm/config).',
  powershell: 'WinRM works, but PowerShell on the node failed to run the probe: see the message.',
  client: 'The call did not complete: probe again; if it keeps failing, see the message.',
};

const SQL_BY_LAYER: Record<string, string> = {
  config: 'The deployment\'s SQL settings cannot work as entered: correct them on the deployment page.',
  dns: 'The wizard\'s server cannot resolve the instance\'s name: correct the FQDN, or set a SQL address override.',
  tcp: 'Nothing answers on the SQL port: check that the SQL Server service runs, that TCP/IP is enabled on the port given in the deployment, and that the firewall allows it.',
  tls: 'The TLS connection to SQL Server failed: check the deployment\'s trust settings against the certificate SQL Server presents (Force Encryption, certificate in SQL Server Configuration Manager).',
  login: 'SQL Server refused the login: check the SQL user and password on the deployment page, the server\'s authentication mode (mixed mode for a SQL login) and that the login is enabled and a sysadmin.',
  database: 'The login worked but the database cannot be opened: check the login\'s default database and permissions.',
  request: 'The connection worked but the query failed: see the message (the login needs VIEW SERVER STATE; sysadmin is expected for the later steps).',
  client: 'The call did not complete: probe again; if it keeps failing, see the message.',
};

export const winrmRemediation = (f: Failure) => WINRM_BY_LAYER[f.layer] ?? WINRM_BY_LAYER.client!;
export const sqlRemediation = (f: Failure) => SQL_BY_LAYER[f.layer] ?? SQL_BY_LAYER.client!;

export function restartRemediation(host: string, pending: string[]): string {
  return [
    `${host} must restart to finish installing ${pending.join(', ')}. The wizard never restarts a node: restart it yourself when it suits.`,
    `If ${host} already runs clustered roles or a SQL Server replica, move them away first (Suspend-ClusterNode -Name ${host} -Drain), then:`,
    `  Restart-Computer -ComputerName ${host} -Force`,
    `After the restart (and Resume-ClusterNode -Name ${host} if you drained it), probe this step again.`,
  ].join('\n');
}

export function installRemediation(host: string, missing: string[], removed: boolean): string {
  const lines = [
    `Install Failover Clustering with its management tools on ${host} (the wizard can do this; it does not restart the node):`,
    '  Install-WindowsFeature -Name Failover-Clustering -IncludeManagementTools',
    `Missing now: ${missing.join(', ')}. Windows usually asks for a restart afterwards.`,
  ];
  if (removed) lines.push('A feature is in state Removed (its files were deleted): add -Source <path to the install media\'s \\sources\\sxs> when you run it.');
  return lines.join('\n');
}

/** How to get a node into the deployment's cluster: join the existing one, or create it. */
export function joinRemediation(host: string, cluster: string, allMasters: string[], clusterNodes: string[] | null, current: string | null): string {
  const clusterExists = clusterNodes !== null;
  const lines: string[] = [];
  if (current) {
    lines.push(
      `${host} is a node of cluster ${current}, not ${cluster}. All master nodes must be nodes of the one cluster named in the deployment.`,
      `If ${current} is the intended cluster, correct the cluster name on the deployment page (and make every master node a node of it).`,
      `Otherwise evict ${host} from ${current} (Remove-ClusterNode -Name ${host} -Cluster ${current}) and add it to ${cluster}:`,
    );
  } else if (clusterExists) {
    lines.push(`${host} is not a node of cluster ${cluster}. Validate, then add it (run on a node of ${cluster}, as a domain administrator):`);
  }
  if (current || clusterExists) {
    lines.push(
      `  Test-Cluster -Node ${[...(clusterNodes ?? []), host].join(',')} -Include 'Inventory','Network','System Configuration'`,
      `  Add-ClusterNode -Cluster ${cluster} -Name ${host} -NoStorage`,
    );
  } else {
    lines.push(
      `No master node is in a cluster yet. Validate the nodes and create cluster ${cluster} (as a domain administrator whose account may create computer objects), with a free static IP address for the cluster name:`,
      `  Test-Cluster -Node ${allMasters.join(',')} -Include 'Inventory','Network','System Configuration'`,
      `  New-Cluster -Name ${cluster} -Node ${allMasters.join(',')} -StaticAddress <free IP address> -NoStorage`,
    );
  }
  lines.push('Creating or joining a cluster is out of the wizard\'s scope; probe this step again afterwards.');
  return lines.join('\n');
}

export function nodeUpRemediation(host: string, cluster: string, state: string): string {
  if (state === 'Paused') return `${host} is paused in cluster ${cluster}: resume it (roles may then move back to it):\n  Resume-ClusterNode -Name ${host} -Cluster ${cluster}`;
  if (state === 'Joining') return `${host} is joining cluster ${cluster}: wait a minute and probe again. If it stays Joining, check the cluster service on ${host} and the network between the nodes.`;
  return [
    `${host} is ${state} in cluster ${cluster}: start its cluster service (on a node of the cluster):`,
    `  Start-ClusterNode -Name ${host} -Cluster ${cluster}`,
    `If it goes down again, read the cluster log: Get-ClusterLog -Node ${host} -TimeSpan 15 -Destination C:\\Temp`,
  ].join('\n');
}

export function hadrRemediation(host: string, instance: string, cluster: string): string {
  const serverInstance = instance.toUpperCase() === 'MSSQLSERVER' ? host : `${host}\\${instance}`;
  const service = instance.toUpperCase() === 'MSSQLSERVER' ? 'SQL Server (MSSQLSERVER)' : `SQL Server (${instance})`;
  return [
    `Always On availability groups are disabled on ${serverInstance}. ${host} must be a node of cluster ${cluster} first. Then either:`,
    `  - SQL Server Configuration Manager on ${host}: SQL Server Services > ${service} > Properties > Always On Availability Groups > tick "Enable Always On Availability Groups" > OK, then restart the ${service} service;`,
    '  - or PowerShell with the SqlServer module (it restarts the SQL Server service itself):',
    `      Enable-SqlAlwaysOn -ServerInstance '${serverInstance}' -Force`,
    'Restarting the instance drops its connections: choose a quiet moment. Probe this step again afterwards.',
  ].join('\n');
}

export function dnsRemediation(name: string, addresses: string[], planned: string[]): string {
  return [
    `DNS already resolves ${name} to ${addresses.join(', ')}, not to the planned ${planned.join(', ') || '(no planned address)'}: another computer (or a stale record) holds the name.`,
    'Choose another name on the deployment page, or, if the record is left over from an earlier attempt, delete it and its computer object in Active Directory.',
  ].join('\n');
}
