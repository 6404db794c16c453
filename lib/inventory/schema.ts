import { z } from 'zod';
import {
  addressOverride,
  domainAccount,
  ipAddress,
  isFqdn,
  isIp,
  isPemCertificate,
  netbiosName,
  port,
} from './rules';
import { cleanThumbprint, tryNormalizeThumbprint } from '../certs/thumbprint';

export const SQL_VERSIONS = {
  '2017': { folder: '140', major: 14 },
  '2019': { folder: '150', major: 15 },
  '2022': { folder: '160', major: 16 },
} as const;
export type SqlVersion = keyof typeof SQL_VERSIONS;

export const WINRM_TRANSPORTS = {
  'https-basic': { label: 'HTTPS + Basic', defaultPort: 5986 },
  'https-ntlm': { label: 'HTTPS + NTLM', defaultPort: 5986 },
  'http-ntlm': { label: 'HTTP + NTLM message encryption', defaultPort: 5985 },
} as const;
export type WinrmTransport = keyof typeof WINRM_TRANSPORTS;

export const TRUST_MODES = {
  system: 'The system trust store',
  ca: 'A trusted CA bundle (PEM)',
  thumbprint: 'A pinned certificate thumbprint',
  insecure: 'Skip verification (unsafe)',
} as const;

/** Secret inputs: empty means "keep what is stored"; never sent back to the browser. */
const secret = z.string().max(1024, { error: 'At most 1024 characters' });
export const SECRET_FIELDS = ['masterAccountPassword', 'winrmPassword', 'sqlPassword'] as const;
export type SecretField = (typeof SECRET_FIELDS)[number];

const masterNodeSchema = z.object({
  hostName: netbiosName('host name'),
  fqdn: z
    .string()
    .trim()
    .refine((v) => v === '' || isFqdn(v), { error: 'The FQDN must be a fully qualified DNS name such as node1.corp.example' }),
  sqlInstance: z
    .string()
    .trim()
    .min(1, { error: 'Enter the SQL instance name (MSSQLSERVER for the default instance)' })
    .regex(/^[A-Za-z_][A-Za-z0-9_$]{0,15}$/, {
      error: 'An instance name starts with a letter or _, then up to 15 letters, digits, _ or $',
    })
    .refine((v) => v.toUpperCase() !== 'DEFAULT', { error: 'DEFAULT is reserved and cannot be an instance name' }),
  sqlPort: port('SQL port'),
  winrmAddress: addressOverride('WinRM address override'),
  sqlAddress: addressOverride('SQL address override'),
});

const workerSchema = z.object({
  hostName: netbiosName('worker host name'),
  winrmAddress: addressOverride('WinRM address override'),
});

export const inventorySchema = z
  .object({
    name: z.string().trim().min(1, { error: 'Give the deployment a name' }).max(80, { error: 'At most 80 characters' }),
    clusterName: netbiosName('cluster name'),
    sqlVersion: z.enum(['2017', '2019', '2022'], { error: 'Choose SQL Server 2017, 2019 or 2022' }),
    masters: z.array(masterNodeSchema).min(2, { error: 'High availability needs two or more master nodes' }).max(16),
    agName: z
      .string()
      .trim()
      .min(1, { error: 'Enter the availability group name' })
      .max(128, { error: 'The availability group name can have at most 128 characters' })
      .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, {
        error: 'The availability group name can contain letters, digits, _ . and - only',
      }),
    listenerName: netbiosName('listener name'),
    listenerPort: port('listener port'),
    listenerAddress: addressOverride('listener address override'),
    listenerIps: z
      .string()
      .trim()
      .min(1, { error: 'Enter the listener IP address(es)' })
      .refine((v) => splitList(v).every(isIp), {
        error: 'Each listener IP must be an IPv4 or IPv6 address (separate several with commas)',
      }),
    masterDnsName: netbiosName('master service DNS host name'),
    masterIp: ipAddress('master service IP'),
    masterPort: port('master port'),
    /** Where to reach the master endpoint instead of <masterDnsName>:<masterPort> (tunnels, the lab); TLS is still checked against the DNS name. */
    masterAddress: addressOverride('master address override'),
    masterAccount: domainAccount('master service account'),
    masterAccountPassword: secret,
    workers: z.array(workerSchema).max(64),
    winrmTransport: z.enum(['https-basic', 'https-ntlm', 'http-ntlm'], { error: 'Choose a WinRM transport' }),
    winrmUser: z.string().trim().min(1, { error: 'Enter the WinRM user name' }).max(256),
    winrmPassword: secret,
    sqlAuth: z.enum(['sql', 'windows'], { error: 'Choose SQL or Windows authentication' }),
    sqlUser: z.string().trim().min(1, { error: 'Enter the SQL user name' }).max(128),
    sqlPassword: secret,
    trustMode: z.enum(['system', 'ca', 'thumbprint', 'insecure'], { error: 'Choose how certificates are trusted' }),
    trustCaPem: z.string().trim().max(65536),
    trustThumbprint: z.string().trim().max(200),
  })
  .superRefine((inv, ctx) => {
    const nodeNames = new Map<string, number>();
    inv.masters.forEach((m, i) => {
      const key = m.hostName.toUpperCase();
      if (nodeNames.has(key)) {
        ctx.addIssue({ code: 'custom', path: ['masters', i, 'hostName'], message: 'Each master node must have its own host name' });
      } else {
        nodeNames.set(key, i);
      }
      if (m.fqdn && m.fqdn.split('.')[0]?.toUpperCase() !== key) {
        ctx.addIssue({ code: 'custom', path: ['masters', i, 'fqdn'], message: 'The FQDN must start with the host name' });
      }
    });
    const named: [string, string, string][] = [
      ['clusterName', inv.clusterName, 'cluster name'],
      ['listenerName', inv.listenerName, 'listener name'],
      ['masterDnsName', inv.masterDnsName, 'master service DNS host name'],
    ];
    for (const [field, value, label] of named) {
      if (nodeNames.has(value.toUpperCase())) {
        ctx.addIssue({ code: 'custom', path: [field], message: `The ${label} must differ from every master node name` });
      }
    }
    for (let a = 0; a < named.length; a++) {
      for (let b = a + 1; b < named.length; b++) {
        const [, va, la] = named[a]!;
        const [fb, vb] = named[b]!;
        if (va.toUpperCase() === vb.toUpperCase()) {
          ctx.addIssue({ code: 'custom', path: [fb], message: `This name is already used as the ${la}` });
        }
      }
    }
    if (splitList(inv.listenerIps).includes(inv.masterIp)) {
      ctx.addIssue({ code: 'custom', path: ['masterIp'], message: 'The master service IP must differ from the listener IPs' });
    }
    const accountDomain = inv.masterAccount.includes('\\') ? inv.masterAccount.split('\\')[0] : undefined;
    if (accountDomain && nodeNames.has(accountDomain.toUpperCase())) {
      ctx.addIssue({
        code: 'custom',
        path: ['masterAccount'],
        message: `${accountDomain}\\… is a local account of that node: use a domain account that every node knows`,
      });
    }
    const workerNames = new Set<string>();
    inv.workers.forEach((w, i) => {
      const key = w.hostName.toUpperCase();
      if (workerNames.has(key)) {
        ctx.addIssue({ code: 'custom', path: ['workers', i, 'hostName'], message: 'This worker is listed twice' });
      }
      workerNames.add(key);
    });
    if (inv.trustMode === 'ca' && !isPemCertificate(inv.trustCaPem)) {
      ctx.addIssue({ code: 'custom', path: ['trustCaPem'], message: 'Paste the CA certificate(s) in PEM form (-----BEGIN CERTIFICATE-----)' });
    }
    if (inv.trustMode === 'thumbprint' && tryNormalizeThumbprint(inv.trustThumbprint) === null) {
      ctx.addIssue({ code: 'custom', path: ['trustThumbprint'], message: 'A thumbprint is 40 hexadecimal characters' });
    }
  })
  .transform((inv) => ({
    ...inv,
    trustThumbprint: cleanThumbprint(inv.trustThumbprint),
  }));

export type InventoryInput = z.input<typeof inventorySchema>;
export type Inventory = z.output<typeof inventorySchema>;
/** What is stored and shown: the inventory without its secret fields. */
export type StoredInventory = Omit<Inventory, SecretField>;

export function splitList(value: string): string[] {
  return value
    .split(/[,;\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function serviceNames(version: SqlVersion) {
  const { folder } = SQL_VERSIONS[version];
  return { master: `SSISScaleOutMaster${folder}`, worker: `SSISScaleOutWorker${folder}`, folder };
}

export function emptyInventory(): InventoryInput {
  return {
    name: '',
    clusterName: '',
    sqlVersion: '2022',
    masters: [emptyMaster(), emptyMaster()],
    agName: '',
    listenerName: '',
    listenerPort: 1433,
    listenerAddress: '',
    listenerIps: '',
    masterDnsName: '',
    masterIp: '',
    masterPort: 8391,
    masterAddress: '',
    masterAccount: '',
    masterAccountPassword: '',
    workers: [],
    winrmTransport: 'https-ntlm',
    winrmUser: '',
    winrmPassword: '',
    sqlAuth: 'sql',
    sqlUser: 'sa',
    sqlPassword: '',
    trustMode: 'system',
    trustCaPem: '',
    trustThumbprint: '',
  };
}

export function emptyMaster(): InventoryInput['masters'][number] {
  return { hostName: '', fqdn: '', sqlInstance: 'MSSQLSERVER', sqlPort: 1433, winrmAddress: '', sqlAddress: '' };
}
