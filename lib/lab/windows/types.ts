// The simulated Windows side of the lab: plain, JSON-safe shapes of what the win_* tables hold.
// Names and value sets follow what Windows reports (ServiceController, Win32_Service, the
// FailoverClusters objects, Get-WindowsFeature), so the PowerShell module can hand them on as-is.

/** The lab's Active Directory domain: NetBIOS name and DNS name. */
export const LAB_DOMAIN = 'LAB';
export const LAB_DNS_DOMAIN = 'lab.test';

/** Installed state of a Windows feature (Microsoft.Windows.ServerManager.Commands.InstallState). */
export type FeatureInstallState = 'Available' | 'Installed' | 'InstallPending' | 'UninstallPending' | 'Removed';

/** ServiceControllerStatus names. */
export type ServiceStatus = 'Stopped' | 'StartPending' | 'StopPending' | 'Running' | 'Paused';
/** ServiceStartMode names (Win32_Service.StartMode says "Auto" for Automatic). */
export type ServiceStartType = 'Automatic' | 'Manual' | 'Disabled';

export type ClusterNodeState = 'Up' | 'Down' | 'Paused';
export type ClusterGroupState = 'Online' | 'Offline' | 'Failed' | 'PartialOnline';
export type ClusterResourceState = 'Online' | 'Offline' | 'Failed';
export type ClusterResourceType = 'Network Name' | 'IP Address' | 'Generic Service' | 'SQL Server Availability Group';
/** GroupType of a cluster group (Microsoft.FailoverClusters.PowerShell.GroupType). */
export type ClusterGroupType = 'Cluster' | 'AvailableStorage' | 'GenericService' | 'Unknown';

export interface HostInfo {
  /** NetBIOS computer name, upper case (SQLNODE1). */
  name: string;
  fqdn: string;
  /** NetBIOS domain the host is joined to. */
  domain: string;
  ip: string;
  up: boolean;
  pendingReboot: boolean;
  /** ISO time of the last (simulated) boot. */
  bootTime: string;
}

export interface FeatureState {
  name: string;
  installState: FeatureInstallState;
}

export interface ServiceInfo {
  name: string;
  displayName: string;
  description: string;
  status: ServiceStatus;
  startType: ServiceStartType;
  delayedAutoStart: boolean;
  /** Logon account as Win32_Service.StartName shows it: LocalSystem, NT Service\X, LAB\svc-x. */
  startName: string;
  /** Whether the stored logon password is the account's (checked when the service starts, as SCM does). */
  logonValid: boolean;
  /** Command line, quoted as the SCM stores it. */
  pathName: string;
  processId: number;
}

export type CertStoreName = 'Root' | 'My' | 'CA' | 'TrustedPeople';

export interface StoredCertificate {
  store: CertStoreName;
  thumbprint: string;
  /** Base64 DER. */
  der: string;
  hasPrivateKey: boolean;
  /** KeyExportPolicy Exportable: Export-PfxCertificate may write the key. */
  exportable: boolean;
  friendlyName: string;
}

export interface SslBinding {
  /** `0.0.0.0:8391` as netsh prints it. */
  ipPort: string;
  /** Lower-case hex, as netsh prints it. */
  certHash: string;
  /** `{guid}` in braces, lower case. */
  appId: string;
  certStoreName: string;
  clientCertNegotiation: boolean;
}

export type RegistryValueKind = 'String' | 'ExpandString' | 'DWord' | 'QWord' | 'MultiString' | 'Binary';
export type RegistryData = string | number | string[];

export interface RegistryValue {
  /** Full key without hive abbreviation: `HKEY_LOCAL_MACHINE\SOFTWARE\...`. */
  key: string;
  name: string;
  kind: RegistryValueKind;
  data: RegistryData;
}

export interface ClusterInfo {
  name: string;
  fqdn: string;
  ip: string;
  domain: string;
}

export interface ClusterNodeInfo {
  name: string;
  id: number;
  state: ClusterNodeState;
}

export interface ClusterGroupInfo {
  name: string;
  ownerNode: string;
  state: ClusterGroupState;
  groupType: ClusterGroupType;
  isCoreGroup: boolean;
  /** Preferred owners (Get-ClusterOwnerNode -Group); empty = any node. */
  preferredOwners: string[];
}

export interface ClusterResourceInfo {
  name: string;
  ownerGroup: string;
  resourceType: ClusterResourceType;
  state: ClusterResourceState;
  /** Possible owners (Get-ClusterOwnerNode -Resource); null = every node of the cluster. */
  possibleOwners: string[] | null;
  /** Private properties (Get-ClusterParameter): ServiceName, DnsName, Address, SubnetMask, ... */
  parameters: Record<string, string | number>;
}

export interface DnsRecord {
  /** Lower-case FQDN. */
  name: string;
  ip: string;
}

export interface HostSnapshot extends HostInfo {
  features: FeatureState[];
  services: ServiceInfo[];
  certificates: Array<Omit<StoredCertificate, 'der'> & { subject: string }>;
  sslBindings: SslBinding[];
  registry: RegistryValue[];
  /** Absolute folder that stands for the host's C: drive. */
  driveRoot: string;
}

export interface WindowsSnapshot {
  hosts: HostSnapshot[];
  clusters: Array<
    ClusterInfo & { nodes: ClusterNodeInfo[]; groups: ClusterGroupInfo[]; resources: ClusterResourceInfo[] }
  >;
  dns: DnsRecord[];
}
