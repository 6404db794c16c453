// The "runs with the current settings" check from readings: pure, no target touched.
import { describe, expect, it } from 'vitest';
import { masterSettingsXml } from '@/lib/lab/windows/hostfiles';
import { analyseNode } from './analyse';
import { currentSettingsCheck } from './checks';
import type { MasterRead } from './read-schema';

const env = { masterDnsName: 'SSISMASTER', masterPort: 8391, masterAccount: 'LAB\\svc-ssismaster', service: 'SSISScaleOutMaster160' };
const PATH = 'C:\\Program Files\\Microsoft SQL Server\\160\\DTS\\Binn\\MasterSettings.config';
const WRITTEN = '2026-11-26T12:00:00.5000000Z';

const read = (state: string, o: Partial<MasterRead> = {}): MasterRead => ({
  computerName: 'SQLNODE2',
  service: { name: env.service, state, startMode: 'Auto', startName: env.masterAccount },
  serviceProcessId: state === 'Running' ? 4108 : null,
  serviceStartTime: state === 'Running' ? '2026-11-26T12:00:01.0000000Z' : null,
  settingsPath: PATH,
  settingsBase64: masterSettingsXml({ port: 8391, thumbprint: 'C'.repeat(40), sqlServerName: 'SQLNODE2' }).toString('base64'),
  settingsLastWrite: WRITTEN,
  netsh: [],
  netshExitCode: 1,
  rootThumbprints: [],
  rootCerts: [],
  boundCert: null,
  ...o,
});
const checkOf = (r: MasterRead) => currentSettingsCheck(analyseNode('SQLNODE2', r, env.masterDnsName), env);

describe('currentSettingsCheck', () => {
  it('passes when the running process started after the last write of MasterSettings.config', () => {
    const c = checkOf(read('Running'));
    expect(c).toMatchObject({ id: 'master-current-settings@SQLNODE2', status: 'pass', target: 'SQLNODE2', title: 'SSISScaleOutMaster160 runs with the current settings' });
    expect(c.evidence).toBe(`Running, process 4108 started 2026-11-26T12:00:01.0000000Z; ${PATH} last written ${WRITTEN} (both SQLNODE2's clock)`);
    expect(c.remediation).toBeUndefined();
  });

  it('fails when the running process started before the last write: the restart did not happen', () => {
    const c = checkOf(read('Running', { serviceStartTime: '2026-11-26T12:00:00.4990000Z' }));
    expect(c.status).toBe('fail');
    expect(c.evidence).toContain('process 4108 started 2026-11-26T12:00:00.4990000Z');
    expect(c.evidence).toContain(`last written ${WRITTEN}`);
    expect(c.remediation).toContain('only when it starts');
  });

  it('passes for a stopped service (a non-owner node of the cluster role), whatever the times', () => {
    const c = checkOf(read('Stopped', { serviceStartTime: null }));
    expect(c.status).toBe('pass');
    expect(c.evidence).toContain('is Stopped');
  });

  it('warns, never guesses, when the start time or the file time could not be read', () => {
    expect(checkOf(read('Running', { serviceStartTime: null }))).toMatchObject({ status: 'warn', evidence: 'Running, but when process 4108 started (Win32_Process.CreationDate) could not be read' });
    // An older probe without the fields.
    const old = read('Running');
    delete old.serviceStartTime;
    delete old.settingsLastWrite;
    expect(checkOf(old).status).toBe('warn');
    expect(checkOf(read('Running', { settingsLastWrite: null, settingsBase64: null })).evidence).toContain(`when ${PATH} was last written`);
  });
});
