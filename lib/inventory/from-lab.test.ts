import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LabEndpoints } from '@/lib/lab/topology';
import { labTopology } from '@/lib/lab/topology';
import { inventoryFromLab } from './from-lab';
import { inventorySchema } from './schema';

describe('demo deployment from the lab', () => {
  it('is a valid inventory pointing every host at its lab port, trusting the lab CA', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wizard-lab-'));
    const ca = '-----BEGIN CERTIFICATE-----\nMIIBdummy\n-----END CERTIFICATE-----\n';
    fs.writeFileSync(path.join(dir, 'ca.pem'), ca);
    const ep = (port: number) => ({ host: '127.0.0.1', port });
    const topology = labTopology(2);
    const endpoints: LabEndpoints = {
      scenario: 'fresh',
      stateDir: dir,
      caCertPath: path.join(dir, 'ca.pem'),
      domain: 'LAB',
      dnsDomain: 'lab.example',
      topology,
      credentials: {
        windows: { user: 'LAB\\wizard', password: 'w-pass' },
        sqlAdmin: { user: 'labadmin', password: 's-pass' },
        masterService: { user: 'LAB\\svc-ssismaster', password: 'm-pass' },
      },
      hosts: Object.fromEntries(
        [...topology.masters, ...topology.workers].map((h, i) => [
          h,
          { fqdn: `${h.toLowerCase()}.lab.example`, winrm: { https: ep(6000 + i), http: ep(7000 + i) }, ...(h.startsWith('SQL') ? { sql: ep(8000 + i) } : {}) },
        ]),
      ),
      listeners: { SSISLISTENER: ep(9000) },
      masterEndpoint: { name: 'SSISMASTER', port: 9100 },
      control: { url: 'http://127.0.0.1:1', token: 't' },
    };
    const inv = inventoryFromLab(endpoints);
    const parsed = inventorySchema.safeParse(inv);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(inv.masters.map((m) => [m.hostName, m.winrmAddress, m.sqlAddress])).toEqual([
      ['SQLNODE1', '127.0.0.1:6000', '127.0.0.1:8000'],
      ['SQLNODE2', '127.0.0.1:6001', '127.0.0.1:8001'],
    ]);
    expect(inv.workers).toEqual([
      { hostName: 'WORKER1', winrmAddress: '127.0.0.1:6002' },
      { hostName: 'WORKER2', winrmAddress: '127.0.0.1:6003' },
    ]);
    expect(inv.listenerAddress).toBe('127.0.0.1:9000');
    // The master endpoint is reached on the lab's loopback port; the inventory keeps the real name and port.
    expect([inv.masterDnsName, inv.masterPort, inv.masterAddress]).toEqual(['SSISMASTER', 8391, '127.0.0.1:9100']);
    const withoutMaster: LabEndpoints = { ...endpoints };
    delete withoutMaster.masterEndpoint;
    expect(inventoryFromLab(withoutMaster).masterAddress).toBe('');
    expect(inv.trustCaPem).toBe(ca);
    expect([inv.winrmPassword, inv.sqlPassword]).toEqual(['w-pass', 's-pass']);
    expect([inv.masterAccount, inv.masterAccountPassword]).toEqual(['LAB\\svc-ssismaster', 'm-pass']);
  });
});
