// plan() and the pure check builders from canned readings: no targets.
import { describe, expect, it } from 'vitest';
import type { Check, CheckStatus } from '@/lib/engine/types';
import { exampleInventory } from '@/lib/inventory/example';
import type { Reading } from '../master-shared/node-read';
import { addressCheck, certificateCheck, endpointCheck } from './checks';
import { CHECK } from './names';
import { plan } from './plan';
import type { TlsSeen } from './tls-probe';

const inv = exampleInventory();
const ctx = { inventory: inv };

function checks(over: Partial<Record<string, CheckStatus | Partial<Check>>> = {}): Check[] {
  return [CHECK.address, CHECK.endpoint, CHECK.certificate].map((id) => {
    const base: Check = { id, title: id, target: id === CHECK.address ? 'SQLNODE1' : 'SSISMASTER', status: 'pass', evidence: `read ${id}` };
    const o = over[id];
    return typeof o === 'string' ? { ...base, status: o } : { ...base, ...o };
  });
}

const THUMB = 'A'.repeat(40);
const served = (names: string[], thumbprint = THUMB): Extract<TlsSeen, { ok: true }> => ({
  ok: true,
  connectedTo: '127.0.0.1:18391',
  protocol: 'TLSv1.3',
  chainTrusted: false,
  chainError: 'DEPTH_ZERO_SELF_SIGNED_CERT',
  cert: { thumbprint, subject: `CN=${names[0]}`, issuer: `CN=${names[0]}`, commonNames: names, sanDnsNames: [], sanIpAddresses: [], notAfter: '2031-01-01T00:00:00.000Z' },
});
const bound = (host: string, thumbprint: string | null): Reading => ({
  host,
  ok: true,
  read: {
    computerName: host, service: null, settingsPath: '', settingsBase64: null, netsh: [], netshExitCode: 0, rootThumbprints: [], rootCerts: [],
    boundCert: thumbprint ? { thumbprint, store: 'Root', der: '', hasPrivateKey: true, friendlyName: '', notBefore: '' } : null,
  },
});

describe('master-address plan', () => {
  it('is empty when every check passes, and plans nothing from unknown checks', () => {
    expect(plan(ctx, checks())).toEqual([]);
    expect(plan(ctx, checks({ [CHECK.address]: 'unknown', [CHECK.certificate]: 'warn' }))).toEqual([]);
  });

  it('sets the address with T-SQL on the instance the check read it from, the value as a parameter', () => {
    const ops = plan(ctx, checks({ [CHECK.address]: { status: 'fail', target: 'SQLNODE2' } }));
    expect(ops).toEqual([
      {
        id: 'master.address.set',
        target: 'SQLNODE2',
        kind: 'tsql',
        summary: 'Set the master address to https://SSISMASTER:8391 (catalog.update_master_address)',
        script: "USE [SSISDB];\nEXEC catalog.update_master_address @MasterAddress = @a;\n-- @a = N'https://SSISMASTER:8391'",
        risk: 'low',
      },
    ]);
  });

  it('without an instance holding SSISDB there is nothing to run the address on', () => {
    expect(plan(ctx, checks({ [CHECK.address]: { status: 'fail', target: 'SSISDB-AG' } }))).toEqual([]);
  });

  it('an endpoint that does not answer is a manual operation; the certificate waits for it', () => {
    const ops = plan(ctx, checks({ [CHECK.endpoint]: { status: 'fail', evidence: 'ECONNREFUSED' }, [CHECK.certificate]: 'fail' }));
    expect(ops.map((o) => [o.id, o.kind, o.target])).toEqual([['master.endpoint.online', 'manual', 'SSISMASTER']]);
    expect(ops[0]?.script).toContain('ECONNREFUSED');
    const cert = plan(ctx, checks({ [CHECK.certificate]: 'fail' }));
    expect(cert.map((o) => [o.id, o.kind])).toEqual([['master.certificate.fix', 'manual']]);
  });
});

describe('master-address checks', () => {
  const home = { nodes: [], home: { node: 'SQLNODE1', server: 'SQLNODE1', why: 'the primary replica of SSISDB-AG' } };

  it('compares MASTER_ADDRESS without regard to case or a trailing slash, and names the wrong value', () => {
    expect(addressCheck(inv, { home, address: { ok: true, value: 'https://ssismaster:8391/' } }).status).toBe('pass');
    expect(addressCheck(inv, { home, address: { ok: true, value: 'https://SSISLISTENER:8391' } })).toMatchObject({
      status: 'fail',
      evidence: "SSISDB.catalog.master_properties on SQLNODE1 (the primary replica of SSISDB-AG): MASTER_ADDRESS = 'https://SSISLISTENER:8391', not 'https://SSISMASTER:8391'.",
    });
    expect(addressCheck(inv, { home, address: { ok: true, value: null } }).evidence).toContain('no MASTER_ADDRESS row');
    expect(addressCheck(inv, { home: { nodes: [{ node: 'SQLNODE1', ok: false, error: 'timeout' }] } }).status).toBe('unknown');
  });

  it('passes the shared certificate that names the host, on every node', () => {
    const c = certificateCheck(inv, served(['SSISMASTER', 'SQLNODE1']), [bound('SQLNODE1', THUMB), bound('SQLNODE2', THUMB)]);
    expect(c.status).toBe('pass');
    expect(c.evidence).toContain(`SSISMASTER:8391 served ${THUMB} (CN=SSISMASTER; self-signed; names SSISMASTER, SQLNODE1;`);
  });

  it('fails a certificate that does not name the host, or that another node does not bind', () => {
    expect(certificateCheck(inv, served(['SQLNODE1']), [bound('SQLNODE1', THUMB), bound('SQLNODE2', THUMB)])).toMatchObject({ status: 'fail', evidence: expect.stringContaining('It does not cover SSISMASTER') });
    const other = certificateCheck(inv, served(['SSISMASTER']), [bound('SQLNODE1', THUMB), bound('SQLNODE2', 'B'.repeat(40))]);
    expect(other).toMatchObject({ status: 'fail', evidence: expect.stringContaining('SQLNODE2 binds another certificate') });
    expect(certificateCheck(inv, served(['SSISMASTER']), [bound('SQLNODE1', THUMB), bound('SQLNODE2', null)])).toMatchObject({ status: 'fail', evidence: expect.stringContaining('No binding on SQLNODE2') });
  });

  it('without the nodes to compare with, trust rests on the chain: unknown when it is not trusted', () => {
    const down: Reading = { host: 'SQLNODE1', ok: false, error: 'WinRM refused' };
    expect(certificateCheck(inv, served(['SSISMASTER']), [down]).status).toBe('unknown');
    expect(certificateCheck(inv, { ...served(['SSISMASTER']), chainTrusted: true }, [down]).status).toBe('warn');
  });

  it('an endpoint that refuses the connection fails with the error, and says where it connected', () => {
    const e = endpointCheck({ ...inv, masterAddress: '127.0.0.1:18391' }, { ok: false, connectedTo: '127.0.0.1:18391', error: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:18391' });
    expect(e).toMatchObject({ status: 'fail', evidence: 'Connecting to SSISMASTER:8391 (connected to 127.0.0.1:18391): ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:18391.' });
  });
});
