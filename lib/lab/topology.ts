// The simulated estate every scenario starts from: names a DBA would recognise, in one domain.
export const LAB_DOMAIN = 'LAB';
export const LAB_DNS_DOMAIN = 'lab.example';

export type LabTopology = {
  masters: string[];
  workers: string[];
  cluster: string;
  ag: string;
  listener: string;
  masterDns: string;
};

export function labTopology(workerCount = 1, masterCount = 2): LabTopology {
  return {
    masters: Array.from({ length: masterCount }, (_, i) => `SQLNODE${i + 1}`),
    workers: Array.from({ length: workerCount }, (_, i) => `WORKER${i + 1}`),
    cluster: 'SSISCLU',
    ag: 'SSISDB-AG',
    listener: 'SSISLISTENER',
    masterDns: 'SSISMASTER',
  };
}

export const fqdn = (host: string) => `${host.toLowerCase()}.${LAB_DNS_DOMAIN}`;

/** What `npm run lab` writes to <state-dir>/endpoints.json for the wizard, tests and benchmarks. */
export type LabEndpoints = {
  scenario: string;
  stateDir: string;
  caCertPath: string;
  domain: string;
  dnsDomain: string;
  topology: LabTopology;
  credentials: {
    windows: { user: string; password: string };
    sqlAdmin?: { user: string; password: string };
    sqlReader?: { user: string; password: string };
    /** The domain account the Scale Out Master service runs under in the lab. */
    masterService?: { user: string; password: string };
  };
  hosts: Record<string, { fqdn: string; winrm: { https: { host: string; port: number }; http: { host: string; port: number } }; sql?: { host: string; port: number } }>;
  listeners: Record<string, { host: string; port: number }>;
  /** The Scale Out Master endpoint (a real TLS listener while a master serves on the role owner). */
  masterEndpoint?: { name: string; port: number };
  control: { url: string; token: string };
};
