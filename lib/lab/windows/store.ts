/**
 * Typed reads and writes of the win_* tables and the per-host folders. No physics here (what
 * starting a service or moving a group implies lives in services.ts, cluster.ts, power.ts):
 * this is the one place that knows the table layout.
 */

import crypto, { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import type Database from 'better-sqlite3';

import { WinError } from './errors';
import { ensureWindowsSchema } from './schema';
import type {
  CertStoreName,
  ClusterGroupInfo,
  ClusterGroupState,
  ClusterGroupType,
  ClusterInfo,
  ClusterNodeInfo,
  ClusterResourceInfo,
  ClusterResourceState,
  ClusterResourceType,
  DnsRecord,
  FeatureInstallState,
  FeatureState,
  HostInfo,
  RegistryData,
  RegistryValue,
  RegistryValueKind,
  ServiceInfo,
  ServiceStartType,
  ServiceStatus,
  SslBinding,
  StoredCertificate,
  WindowsSnapshot,
} from './types';

interface HostRow {
  name: string;
  fqdn: string;
  domain: string;
  ip: string;
  up: number;
  pending_reboot: number;
  boot_time: string;
}
interface ServiceRow {
  name: string;
  display_name: string;
  description: string;
  status: string;
  start_type: string;
  delayed_auto_start: number;
  start_name: string;
  logon_valid: number;
  path_name: string;
  process_id: number;
}
interface CertRow {
  store: string;
  thumbprint: string;
  der: Buffer;
  private_key_pem: string | null;
  exportable: number;
  friendly_name: string;
}
interface GroupRow {
  name: string;
  owner_node: string;
  state: string;
  group_type: string;
  is_core: number;
  preferred_owners: string;
}
interface ResourceRow {
  name: string;
  group_name: string;
  resource_type: string;
  state: string;
  possible_owners: string | null;
  parameters: string;
}

/**
 * Registry values whose one copy lives elsewhere in the lab: SQL Server's LoginMode is the SQL
 * side's state (xp_instance_regread/regwrite read and write it there), so the Windows registry
 * shows that copy and writes it there.
 */
export interface RegistryLink {
  /** The host's linked values (each with its canonical key). */
  values(host: string): RegistryValue[];
  /** Takes a write of a linked value; false when (host, key, name) is not linked. */
  write(host: string, key: string, name: string, kind: RegistryValueKind, data: RegistryData): boolean;
}

/** Told of every change of a service's status (SCM, a host going down or booting). */
export type ServiceStatusHook = (host: string, service: ServiceInfo, previous: ServiceStatus) => void | Promise<void>;

const sameKey = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

const sha256 = (text: string): string => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

/** Registry keys are stored with the full hive name; this is the only spelling the tables hold. */
export function canonicalRegistryKey(key: string): string {
  return key
    .replace(/^Registry::/i, '')
    .replace(/^HKLM:?\\?/i, 'HKEY_LOCAL_MACHINE\\')
    .replace(/\\+$/, '')
    .replace(/\\{2,}/g, '\\');
}

export class WindowsStore {
  readonly db: Database.Database;
  /** `<stateDir>/hosts/<HOST>/C` is each host's C: drive. */
  readonly stateDir: string;
  /** Set by the lab (windows-side.ts): LoginMode of each SQL instance. */
  registryLink: RegistryLink | undefined;
  /**
   * Set by the lab (windows-side.ts): the SQL instance behind MSSQLSERVER follows its service.
   * Work it returns (a TDS endpoint closing or listening) is awaited by settled().
   */
  onServiceStatus: ServiceStatusHook | undefined;
  readonly #pending = new Set<Promise<void>>();
  #hookError: unknown;

  constructor(db: Database.Database, stateDir: string) {
    this.db = db;
    this.stateDir = stateDir;
    ensureWindowsSchema(db);
  }

  tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  // ---- hosts -------------------------------------------------------------------------------

  driveRoot(host: string): string {
    return path.join(this.stateDir, 'hosts', host.toUpperCase(), 'C');
  }

  addHost(h: HostInfo): void {
    this.db
      .prepare('INSERT INTO win_hosts (name, fqdn, domain, ip, up, pending_reboot, boot_time) VALUES (?,?,?,?,?,?,?)')
      .run(h.name.toUpperCase(), h.fqdn, h.domain, h.ip, h.up ? 1 : 0, h.pendingReboot ? 1 : 0, h.bootTime);
    fs.mkdirSync(this.driveRoot(h.name), { recursive: true });
  }

  host(name: string): HostInfo | undefined {
    const r = this.db.prepare('SELECT * FROM win_hosts WHERE name = ?').get(name) as HostRow | undefined;
    return r && { name: r.name, fqdn: r.fqdn, domain: r.domain, ip: r.ip, up: r.up === 1, pendingReboot: r.pending_reboot === 1, bootTime: r.boot_time };
  }

  hosts(): HostInfo[] {
    const rows = this.db.prepare('SELECT name FROM win_hosts ORDER BY name').all() as Array<{ name: string }>;
    return rows.map((r) => this.host(r.name)).filter((h): h is HostInfo => h !== undefined);
  }

  requireHost(name: string): HostInfo {
    const h = this.host(name);
    if (!h) throw new WinError(`The lab has no host named '${name}'.`, { id: 'LabUnknownHost', category: 'ObjectNotFound', target: name });
    return h;
  }

  setHostFields(name: string, patch: { up?: boolean; pendingReboot?: boolean; bootTime?: string }): void {
    const h = this.requireHost(name);
    this.db
      .prepare('UPDATE win_hosts SET up = ?, pending_reboot = ?, boot_time = ? WHERE name = ?')
      .run((patch.up ?? h.up) ? 1 : 0, (patch.pendingReboot ?? h.pendingReboot) ? 1 : 0, patch.bootTime ?? h.bootTime, h.name);
  }

  // ---- features ----------------------------------------------------------------------------

  featureState(host: string, name: string): FeatureInstallState {
    const r = this.db.prepare('SELECT install_state FROM win_features WHERE host = ? AND name = ?').get(host, name) as
      | { install_state: FeatureInstallState }
      | undefined;
    return r?.install_state ?? 'Available';
  }

  features(host: string): FeatureState[] {
    const rows = this.db.prepare('SELECT name, install_state FROM win_features WHERE host = ? ORDER BY name').all(host) as Array<{
      name: string;
      install_state: FeatureInstallState;
    }>;
    return rows.map((r) => ({ name: r.name, installState: r.install_state }));
  }

  setFeatureState(host: string, name: string, state: FeatureInstallState): void {
    if (state === 'Available') this.db.prepare('DELETE FROM win_features WHERE host = ? AND name = ?').run(host, name);
    else this.db.prepare('INSERT OR REPLACE INTO win_features (host, name, install_state) VALUES (?,?,?)').run(host, name, state);
  }

  // ---- services ----------------------------------------------------------------------------

  private static service(r: ServiceRow): ServiceInfo {
    return {
      name: r.name,
      displayName: r.display_name,
      description: r.description,
      status: r.status as ServiceStatus,
      startType: r.start_type as ServiceStartType,
      delayedAutoStart: r.delayed_auto_start === 1,
      startName: r.start_name,
      logonValid: r.logon_valid === 1,
      pathName: r.path_name,
      processId: r.process_id,
    };
  }

  services(host: string): ServiceInfo[] {
    const rows = this.db.prepare('SELECT * FROM win_services WHERE host = ? ORDER BY name').all(host) as ServiceRow[];
    return rows.map(WindowsStore.service);
  }

  service(host: string, name: string): ServiceInfo | undefined {
    const r = this.db.prepare('SELECT * FROM win_services WHERE host = ? AND name = ?').get(host, name) as ServiceRow | undefined;
    return r && WindowsStore.service(r);
  }

  putService(host: string, s: ServiceInfo): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO win_services (host, name, display_name, description, status, start_type, delayed_auto_start,
           start_name, logon_valid, path_name, process_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
      )
      .run(host, s.name, s.displayName, s.description, s.status, s.startType, s.delayedAutoStart ? 1 : 0, s.startName, s.logonValid ? 1 : 0, s.pathName, s.processId);
  }

  updateService(host: string, name: string, patch: Partial<ServiceInfo>): ServiceInfo {
    const s = this.service(host, name);
    if (!s) throw new Error(`unreachable: no service ${name} on ${host}`);
    const next = { ...s, ...patch };
    this.putService(host, next);
    if (next.status !== s.status) this.#serviceStatusChanged(host, next, s.status);
    return next;
  }

  #serviceStatusChanged(host: string, service: ServiceInfo, previous: ServiceStatus): void {
    const work = this.onServiceStatus?.(host, service, previous);
    if (!work) return;
    const tracked = work.then(
      () => undefined,
      (e: unknown) => {
        this.#hookError ??= e;
      },
    );
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }

  /**
   * Waits for the work the service hook started (the internal API answers a service operation
   * only after it, as SCM answers once the service reports its new state); throws what failed.
   */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
    const e = this.#hookError;
    this.#hookError = undefined;
    if (e !== undefined) throw e;
  }

  // ---- accounts ----------------------------------------------------------------------------

  addAccount(domain: string, name: string, password: string): void {
    this.db.prepare('INSERT OR REPLACE INTO win_accounts (domain, name, password_sha256) VALUES (?,?,?)').run(domain, name, sha256(password));
  }

  /** The domain's accounts (names only). */
  accounts(): { domain: string; name: string }[] {
    return this.db.prepare('SELECT domain, name FROM win_accounts ORDER BY domain, name').all() as { domain: string; name: string }[];
  }

  /** 'unknown' when the domain has no such account. */
  checkAccountPassword(domain: string, name: string, password: string): 'ok' | 'bad' | 'unknown' {
    const r = this.db.prepare('SELECT password_sha256 FROM win_accounts WHERE domain = ? AND name = ?').get(domain, name) as
      | { password_sha256: string }
      | undefined;
    if (!r) return 'unknown';
    return r.password_sha256 === sha256(password) ? 'ok' : 'bad';
  }

  // ---- certificates ------------------------------------------------------------------------

  private static cert(r: CertRow): StoredCertificate & { privateKeyPem: string | null } {
    return {
      store: r.store as CertStoreName,
      thumbprint: r.thumbprint,
      der: r.der.toString('base64'),
      hasPrivateKey: r.private_key_pem !== null,
      exportable: r.exportable === 1,
      friendlyName: r.friendly_name,
      privateKeyPem: r.private_key_pem,
    };
  }

  certificates(host: string, store: string): Array<StoredCertificate & { privateKeyPem: string | null }> {
    const rows = this.db.prepare('SELECT * FROM win_certificates WHERE host = ? AND store = ? ORDER BY added_seq').all(host, store) as CertRow[];
    return rows.map(WindowsStore.cert);
  }

  certificate(host: string, store: string, thumbprint: string): (StoredCertificate & { privateKeyPem: string | null }) | undefined {
    const r = this.db.prepare('SELECT * FROM win_certificates WHERE host = ? AND store = ? AND thumbprint = ?').get(host, store, thumbprint) as
      | CertRow
      | undefined;
    return r && WindowsStore.cert(r);
  }

  /**
   * Adds a certificate to a LocalMachine store, as CertAddCertificateContextToStore with
   * "replace existing" does: the same thumbprint keeps one entry; a key, once there, stays.
   */
  putCertificate(host: string, store: string, c: { der: Buffer; privateKeyPem?: string | null; exportable?: boolean; friendlyName?: string }): string {
    const thumbprint = crypto.createHash('sha1').update(c.der).digest('hex').toUpperCase();
    const old = this.certificate(host, store, thumbprint);
    const seq = (this.db.prepare('SELECT COALESCE(MAX(added_seq), 0) + 1 AS n FROM win_certificates').get() as { n: number }).n;
    this.db
      .prepare(
        'INSERT OR REPLACE INTO win_certificates (host, store, thumbprint, der, private_key_pem, exportable, friendly_name, added_seq) VALUES (?,?,?,?,?,?,?,?)',
      )
      .run(
        host,
        store,
        thumbprint,
        c.der,
        c.privateKeyPem ?? old?.privateKeyPem ?? null,
        (c.privateKeyPem ? c.exportable === true : old?.exportable === true) ? 1 : 0,
        c.friendlyName ?? old?.friendlyName ?? '',
        seq,
      );
    return thumbprint;
  }

  removeCertificate(host: string, store: string, thumbprint: string): boolean {
    return this.db.prepare('DELETE FROM win_certificates WHERE host = ? AND store = ? AND thumbprint = ?').run(host, store, thumbprint).changes > 0;
  }

  // ---- HTTP.SYS SSL bindings ---------------------------------------------------------------

  sslBindings(host: string): SslBinding[] {
    const rows = this.db.prepare('SELECT * FROM win_ssl_bindings WHERE host = ? ORDER BY ipport').all(host) as Array<{
      ipport: string;
      certhash: string;
      appid: string;
      certstorename: string;
      client_cert_negotiation: number;
    }>;
    return rows.map((r) => ({
      ipPort: r.ipport,
      certHash: r.certhash,
      appId: r.appid,
      certStoreName: r.certstorename,
      clientCertNegotiation: r.client_cert_negotiation === 1,
    }));
  }

  sslBinding(host: string, ipPort: string): SslBinding | undefined {
    return this.sslBindings(host).find((b) => b.ipPort === ipPort);
  }

  putSslBinding(host: string, b: SslBinding): void {
    this.db
      .prepare('INSERT OR REPLACE INTO win_ssl_bindings (host, ipport, certhash, appid, certstorename, client_cert_negotiation) VALUES (?,?,?,?,?,?)')
      .run(host, b.ipPort, b.certHash.toLowerCase(), b.appId.toLowerCase(), b.certStoreName, b.clientCertNegotiation ? 1 : 0);
  }

  deleteSslBinding(host: string, ipPort: string): boolean {
    return this.db.prepare('DELETE FROM win_ssl_bindings WHERE host = ? AND ipport = ?').run(host, ipPort).changes > 0;
  }

  // ---- registry ----------------------------------------------------------------------------

  createRegistryKey(host: string, key: string): void {
    const parts = canonicalRegistryKey(key).split('\\');
    for (let i = 1; i <= parts.length; i++) {
      this.db.prepare('INSERT OR IGNORE INTO win_registry_keys (host, key) VALUES (?,?)').run(host, parts.slice(0, i).join('\\'));
    }
  }

  registryKeyExists(host: string, key: string): boolean {
    return this.db.prepare('SELECT 1 FROM win_registry_keys WHERE host = ? AND key = ?').get(host, canonicalRegistryKey(key)) !== undefined;
  }

  setRegistryValue(host: string, key: string, name: string, kind: RegistryValueKind, data: RegistryData): void {
    if (this.registryLink?.write(host, canonicalRegistryKey(key), name, kind, data)) return;
    this.createRegistryKey(host, key);
    this.db
      .prepare('INSERT OR REPLACE INTO win_registry_values (host, key, name, kind, data) VALUES (?,?,?,?,?)')
      .run(host, canonicalRegistryKey(key), name, kind, JSON.stringify(data));
  }

  /** The values of a key (or of every key), linked ones included. */
  registryValues(host: string, key?: string): RegistryValue[] {
    const own = this.storedRegistryValues(host, key);
    const k = key === undefined ? undefined : canonicalRegistryKey(key);
    const linked = (this.registryLink?.values(host) ?? []).filter((v) => k === undefined || sameKey(v.key, k));
    if (linked.length === 0) return own;
    const shadowed = (v: RegistryValue) => linked.some((l) => sameKey(l.key, v.key) && sameKey(l.name, v.name));
    const order = (a: RegistryValue, b: RegistryValue) => (a.key === b.key ? (a.name < b.name ? -1 : 1) : a.key < b.key ? -1 : 1);
    return [...own.filter((v) => !shadowed(v)), ...linked].sort(order);
  }

  /** The values the win_* tables hold, without linked ones. */
  storedRegistryValues(host: string, key?: string): RegistryValue[] {
    const rows = (
      key === undefined
        ? this.db.prepare('SELECT * FROM win_registry_values WHERE host = ? ORDER BY key, name').all(host)
        : this.db.prepare('SELECT * FROM win_registry_values WHERE host = ? AND key = ? ORDER BY name').all(host, canonicalRegistryKey(key))
    ) as Array<{ key: string; name: string; kind: RegistryValueKind; data: string }>;
    return rows.map((r) => ({ key: r.key, name: r.name, kind: r.kind, data: JSON.parse(r.data) as RegistryData }));
  }

  registrySubkeys(host: string, key: string): string[] {
    const k = canonicalRegistryKey(key);
    const rows = this.db.prepare('SELECT key FROM win_registry_keys WHERE host = ? AND key LIKE ? ORDER BY key').all(host, `${k}\\%`) as Array<{ key: string }>;
    return rows.map((r) => r.key).filter((c) => !c.slice(k.length + 1).includes('\\'));
  }

  // ---- cluster -----------------------------------------------------------------------------

  addCluster(c: ClusterInfo): void {
    this.db.prepare('INSERT INTO win_clusters (name, fqdn, ip, domain) VALUES (?,?,?,?)').run(c.name, c.fqdn, c.ip, c.domain);
  }

  cluster(name: string): ClusterInfo | undefined {
    return this.db.prepare('SELECT name, fqdn, ip, domain FROM win_clusters WHERE name = ?').get(name) as ClusterInfo | undefined;
  }

  clusters(): ClusterInfo[] {
    return this.db.prepare('SELECT name, fqdn, ip, domain FROM win_clusters ORDER BY name').all() as ClusterInfo[];
  }

  /** The cluster a host is a node of, if any. */
  clusterOfHost(host: string): ClusterInfo | undefined {
    const r = this.db.prepare('SELECT cluster FROM win_cluster_nodes WHERE name = ?').get(host) as { cluster: string } | undefined;
    return r && this.cluster(r.cluster);
  }

  addClusterNode(cluster: string, name: string): void {
    const n = (this.db.prepare('SELECT COALESCE(MAX(node_id), 0) + 1 AS n FROM win_cluster_nodes WHERE cluster = ?').get(cluster) as { n: number }).n;
    this.db.prepare('INSERT INTO win_cluster_nodes (cluster, name, node_id) VALUES (?,?,?)').run(cluster, name.toUpperCase(), n);
  }

  clusterNodes(cluster: string): ClusterNodeInfo[] {
    const rows = this.db
      .prepare(
        `SELECT n.name, n.node_id, n.paused, COALESCE(h.up, 0) AS up FROM win_cluster_nodes n
         LEFT JOIN win_hosts h ON h.name = n.name WHERE n.cluster = ? ORDER BY n.node_id`,
      )
      .all(cluster) as Array<{ name: string; node_id: number; paused: number; up: number }>;
    return rows.map((r) => ({ name: r.name, id: r.node_id, state: r.up !== 1 ? 'Down' : r.paused === 1 ? 'Paused' : 'Up' }));
  }

  private static group(r: GroupRow): ClusterGroupInfo {
    return {
      name: r.name,
      ownerNode: r.owner_node,
      state: r.state as ClusterGroupState,
      groupType: r.group_type as ClusterGroupType,
      isCoreGroup: r.is_core === 1,
      preferredOwners: JSON.parse(r.preferred_owners) as string[],
    };
  }

  clusterGroups(cluster: string): ClusterGroupInfo[] {
    const rows = this.db.prepare('SELECT * FROM win_cluster_groups WHERE cluster = ? ORDER BY is_core DESC, rowid').all(cluster) as GroupRow[];
    return rows.map(WindowsStore.group);
  }

  clusterGroup(cluster: string, name: string): ClusterGroupInfo | undefined {
    const r = this.db.prepare('SELECT * FROM win_cluster_groups WHERE cluster = ? AND name = ?').get(cluster, name) as GroupRow | undefined;
    return r && WindowsStore.group(r);
  }

  putClusterGroup(cluster: string, g: ClusterGroupInfo): void {
    const existing = this.clusterGroup(cluster, g.name);
    if (existing) {
      this.db
        .prepare('UPDATE win_cluster_groups SET owner_node = ?, state = ?, group_type = ?, is_core = ?, preferred_owners = ? WHERE cluster = ? AND name = ?')
        .run(g.ownerNode, g.state, g.groupType, g.isCoreGroup ? 1 : 0, JSON.stringify(g.preferredOwners), cluster, g.name);
    } else {
      this.db
        .prepare('INSERT INTO win_cluster_groups (cluster, name, owner_node, state, group_type, is_core, preferred_owners) VALUES (?,?,?,?,?,?,?)')
        .run(cluster, g.name, g.ownerNode, g.state, g.groupType, g.isCoreGroup ? 1 : 0, JSON.stringify(g.preferredOwners));
    }
  }

  private static resource(r: ResourceRow): ClusterResourceInfo {
    return {
      name: r.name,
      ownerGroup: r.group_name,
      resourceType: r.resource_type as ClusterResourceType,
      state: r.state as ClusterResourceState,
      possibleOwners: r.possible_owners === null ? null : (JSON.parse(r.possible_owners) as string[]),
      parameters: JSON.parse(r.parameters) as Record<string, string | number>,
    };
  }

  clusterResources(cluster: string, group?: string): ClusterResourceInfo[] {
    const rows = (
      group === undefined
        ? this.db.prepare('SELECT * FROM win_cluster_resources WHERE cluster = ? ORDER BY rowid').all(cluster)
        : this.db.prepare('SELECT * FROM win_cluster_resources WHERE cluster = ? AND group_name = ? ORDER BY rowid').all(cluster, group)
    ) as ResourceRow[];
    return rows.map(WindowsStore.resource);
  }

  clusterResource(cluster: string, name: string): ClusterResourceInfo | undefined {
    const r = this.db.prepare('SELECT * FROM win_cluster_resources WHERE cluster = ? AND name = ?').get(cluster, name) as ResourceRow | undefined;
    return r && WindowsStore.resource(r);
  }

  putClusterResource(cluster: string, r: ClusterResourceInfo): void {
    this.db
      .prepare(
        `INSERT INTO win_cluster_resources (cluster, name, group_name, resource_type, state, possible_owners, parameters) VALUES (?,?,?,?,?,?,?)
         ON CONFLICT (cluster, name) DO UPDATE SET group_name = excluded.group_name, resource_type = excluded.resource_type,
           state = excluded.state, possible_owners = excluded.possible_owners, parameters = excluded.parameters`,
      )
      .run(cluster, r.name, r.ownerGroup, r.resourceType, r.state, r.possibleOwners === null ? null : JSON.stringify(r.possibleOwners), JSON.stringify(r.parameters));
  }

  // ---- DNS ---------------------------------------------------------------------------------

  /** Registers an A record; a short name gets the lab's DNS suffix. */
  registerDns(name: string, ip: string, suffix: string): void {
    const fqdn = name.includes('.') ? name : `${name}.${suffix}`;
    this.db.prepare('INSERT OR REPLACE INTO win_dns_records (name, ip) VALUES (?,?)').run(fqdn.toLowerCase(), ip);
  }

  resolveDns(name: string, suffix: string): DnsRecord | undefined {
    const n = name.replace(/\.$/, '');
    const candidates = n.includes('.') ? [n] : [`${n}.${suffix}`];
    for (const c of candidates) {
      const r = this.db.prepare('SELECT name, ip FROM win_dns_records WHERE name = ?').get(c) as DnsRecord | undefined;
      if (r) return r;
    }
    return undefined;
  }

  dnsRecords(): DnsRecord[] {
    return this.db.prepare('SELECT name, ip FROM win_dns_records ORDER BY name').all() as DnsRecord[];
  }

  // ---- meta --------------------------------------------------------------------------------

  meta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM win_meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT OR REPLACE INTO win_meta (key, value) VALUES (?,?)').run(key, value);
  }

  // ---- snapshot ----------------------------------------------------------------------------

  snapshot(): WindowsSnapshot {
    return {
      hosts: this.hosts().map((h) => ({
        ...h,
        features: this.features(h.name),
        services: this.services(h.name),
        certificates: (['Root', 'My', 'CA', 'TrustedPeople'] as const).flatMap((store) =>
          this.certificates(h.name, store).map((c) => ({
            store: c.store,
            thumbprint: c.thumbprint,
            hasPrivateKey: c.hasPrivateKey,
            exportable: c.exportable,
            friendlyName: c.friendlyName,
            subject: new X509Certificate(Buffer.from(c.der, 'base64')).subject.split('\n').reverse().join(', '),
          })),
        ),
        sslBindings: this.sslBindings(h.name),
        registry: this.registryValues(h.name),
        driveRoot: this.driveRoot(h.name),
      })),
      clusters: this.clusters().map((c) => ({
        ...c,
        nodes: this.clusterNodes(c.name),
        groups: this.clusterGroups(c.name),
        resources: this.clusterResources(c.name),
      })),
      dns: this.dnsRecords(),
    };
  }
}
