// Real pwsh scripts against the simulated hosts, checked against the lab state afterwards.

import fs from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { lastJson, runOnHost, startTestLab, type TestLab } from './test-support';

let lab: TestLab;
beforeAll(async () => {
  lab = await startTestLab();
}, 30_000);
afterAll(async () => {
  await lab.close();
});

describe('simulated Windows in real pwsh', () => {
  it('installs Failover-Clustering on WORKER1: restart needed, pending until reboot, tools at once', async () => {
    const r = await runOnHost(
      lab,
      'WORKER1',
      `$r = Install-WindowsFeature -Name Failover-Clustering -IncludeManagementTools 3>$null
       $again = Install-WindowsFeature RSAT-Clustering-PowerShell
       @{ success = $r.Success; restart = "$($r.RestartNeeded)"; exit = "$($r.ExitCode)"; names = @($r.FeatureResult.Name)
          state = "$((Get-WindowsFeature Failover-Clustering).InstallState)"; againExit = "$($again.ExitCode)" } | ConvertTo-Json -Compress`,
    );
    const out = lastJson<{ success: boolean; restart: string; exit: string; names: string[]; state: string; againExit: string }>(r);
    expect(out).toMatchObject({ success: true, restart: 'Yes', exit: 'SuccessRestartRequired', state: 'InstallPending', againExit: 'NoChangeNeeded' });
    expect(out.names).toContain('RSAT-Clustering-PowerShell');
    const store = lab.state.store;
    expect(store.featureState('WORKER1', 'Failover-Clustering')).toBe('InstallPending');
    expect(store.featureState('WORKER1', 'RSAT-Clustering-PowerShell')).toBe('Installed');
    expect(store.host('WORKER1')?.pendingReboot).toBe(true);
    // The reboot finishes the install.
    lab.state.restartHost('WORKER1', 10);
    await new Promise((res) => setTimeout(res, 50));
    expect(store.featureState('WORKER1', 'Failover-Clustering')).toBe('Installed');
    expect(store.host('WORKER1')).toMatchObject({ up: true, pendingReboot: false });
  });

  it('rebinds 8391 with netsh, exports the PFX, and leaves normal paths and unknown commands to pwsh', async () => {
    const thumb = lab.state.store.sslBinding('SQLNODE1', '0.0.0.0:8391')?.certHash.toUpperCase();
    const r = await runOnHost(
      lab,
      'SQLNODE1',
      `$out = @{}
       $out.show = (netsh http show sslcert ipport=0.0.0.0:8391) -join "\`n"
       $null = netsh http delete sslcert ipport=0.0.0.0:8391; $out.del = $LASTEXITCODE
       $out.missing = (netsh http delete sslcert ipport=0.0.0.0:8391) -join "\`n"; $out.missingExit = $LASTEXITCODE
       $out.unquoted = (netsh http add sslcert ipport=0.0.0.0:8391 certhash=${thumb} appid={7c5b3b7e-6f1a-4d8e-9c25-3e1f0a6b8d42} certstorename=Root) -join "\`n"
       $null = netsh http add sslcert ipport=0.0.0.0:8391 certhash=${thumb} appid='{7c5b3b7e-6f1a-4d8e-9c25-3e1f0a6b8d42}' certstorename=Root; $out.add = $LASTEXITCODE
       $out.dup = (netsh http add sslcert ipport=0.0.0.0:8391 certhash=${thumb} appid='{7c5b3b7e-6f1a-4d8e-9c25-3e1f0a6b8d42}' certstorename=Root) -join "\`n"; $out.dupExit = $LASTEXITCODE
       $pw = ConvertTo-SecureString 'Pfx-Pass-1!' -AsPlainText -Force
       $file = Export-PfxCertificate -Cert Cert:\\LocalMachine\\Root\\${thumb} -FilePath C:\\Temp\\master.pfx -Password $pw
       $out.pfx = $file.Name
       $out.cPath = Test-Path 'C:\\Program Files\\Microsoft SQL Server\\160\\DTS\\Binn\\MasterSettings.config'
       $out.realDir = @(Get-ChildItem -LiteralPath '${lab.dir}' -Filter lab.sqlite).Count
       try { Get-ClusterSharedVolume -ErrorAction Stop } catch { $out.unknown = $_.FullyQualifiedErrorId; $out.unknownMsg = $_.Exception.Message }
       $out | ConvertTo-Json -Compress`,
    );
    const out = lastJson<Record<string, string | number | boolean>>(r);
    expect(out['show']).toContain(`Certificate Hash             : ${thumb?.toLowerCase()}`);
    expect(out['del']).toBe(0);
    expect(out['missing']).toContain('The system cannot find the file specified.');
    expect(out['missingExit']).toBe(1);
    expect(out['unquoted']).toContain('Error: 87');
    expect(out['add']).toBe(0);
    expect(out['dup']).toContain('Error: 183');
    expect(out['dup']).toContain('Cannot create a file when that file already exists.');
    expect(out['dupExit']).toBe(1);
    expect(out['pfx']).toBe('master.pfx');
    expect(out['cPath']).toBe(true);
    expect(out['realDir']).toBe(1);
    expect(out['unknown']).toBe('CommandNotFoundException');
    expect(out['unknownMsg']).toContain("The term 'Get-ClusterSharedVolume' is not recognized");
    expect(lab.state.store.sslBinding('SQLNODE1', '0.0.0.0:8391')).toMatchObject({ certHash: thumb?.toLowerCase(), certStoreName: 'Root' });
    expect(fs.existsSync(`${lab.state.store.driveRoot('SQLNODE1')}/Temp/master.pfx`)).toBe(true);
  });

  it('imports the PFX on SQLNODE2: a wrong password is refused, the right one gives the same thumbprint', async () => {
    const pfx = `${lab.state.store.driveRoot('SQLNODE1')}/Temp/master.pfx`;
    fs.mkdirSync(`${lab.state.store.driveRoot('SQLNODE2')}/Temp`, { recursive: true });
    fs.copyFileSync(pfx, `${lab.state.store.driveRoot('SQLNODE2')}/Temp/master.pfx`);
    lab.state.store.tx(() => {
      for (const c of lab.state.store.certificates('SQLNODE2', 'Root')) lab.state.store.removeCertificate('SQLNODE2', 'Root', c.thumbprint);
    });
    const r = await runOnHost(
      lab,
      'SQLNODE2',
      `$out = @{}
       try { Import-PfxCertificate -FilePath C:\\Temp\\master.pfx -CertStoreLocation Cert:\\LocalMachine\\Root -Password (ConvertTo-SecureString 'nope' -AsPlainText -Force) -ErrorAction Stop }
       catch { $out.err = $_.Exception.Message; $out.fqid = $_.FullyQualifiedErrorId }
       $c = Import-PfxCertificate -FilePath C:\\Temp\\master.pfx -CertStoreLocation Cert:\\LocalMachine\\Root -Password (ConvertTo-SecureString 'Pfx-Pass-1!' -AsPlainText -Force)
       $out.thumb = $c.Thumbprint; $out.key = $c.HasPrivateKey; $out.dns = @($c.DnsNameList.Unicode)
       $out | ConvertTo-Json -Compress`,
    );
    const out = lastJson<{ err: string; fqid: string; thumb: string; key: boolean; dns: string[] }>(r);
    expect(out.err).toBe(
      'The PFX file you are trying to import requires either a different password or membership in an Active Directory principal to which it is protected.',
    );
    expect(out.fqid).toBe('System.Security.Cryptography.CryptographicException,Microsoft.CertificateServices.Commands.ImportPfxCertificateCommand');
    const primary = lab.state.store.sslBinding('SQLNODE1', '0.0.0.0:8391')?.certHash.toUpperCase();
    expect(out.thumb).toBe(primary);
    expect(out.key).toBe(true);
    expect(out.dns).toContain('SSISMASTER');
    expect(lab.state.store.certificate('SQLNODE2', 'Root', primary ?? '')).toMatchObject({ hasPrivateKey: true, exportable: false });
  });

  const roleScript = `try {
      $g = Add-ClusterGenericServiceRole -ServiceName SSISScaleOutMaster160 -Name SSISMASTER -StaticAddress 10.0.0.50 -ErrorAction Stop
      @{ ok = $true; owner = "$($g.OwnerNode)"; state = "$($g.State)" } | ConvertTo-Json -Compress
    } catch { @{ ok = $false; msg = $_.Exception.Message; fqid = $_.FullyQualifiedErrorId; cat = "$($_.CategoryInfo.Category)" } | ConvertTo-Json -Compress }`;

  it('Add-ClusterGenericServiceRole fails over WinRM without CredSSP (double hop)', async () => {
    const r = await runOnHost(lab, 'SQLNODE1', roleScript, { remote: true, auth: 'ntlm' });
    const out = lastJson<{ ok: boolean; msg: string; fqid: string; cat: string }>(r);
    expect(out.ok).toBe(false);
    expect(out.msg).toContain('Access is denied.');
    expect(out.fqid).toBe('Add-ClusterGenericServiceRole,Microsoft.FailoverClusters.PowerShell.AddClusterGenericServiceRoleCommand');
    expect(out.cat).toBe('PermissionDenied');
    expect(lab.state.store.clusterGroup('SSISCLU', 'SSISMASTER')).toBeUndefined();
  });

  it('creates the role locally, then Move-ClusterGroup moves the master service to SQLNODE2', async () => {
    const store = lab.state.store;
    store.updateService('SQLNODE2', 'SSISScaleOutMaster160', { status: 'Stopped', startType: 'Manual' });
    const r = await runOnHost(
      lab,
      'SQLNODE1',
      `${roleScript}
       $m = Move-ClusterGroup -Name SSISMASTER -Node SQLNODE2
       $p = Get-ClusterResource | Where-Object { $_.ResourceType.Name -eq 'Generic Service' } | Get-ClusterParameter -Name ServiceName
       @{ owner = $m.OwnerNode.Name; state = "$($m.State)"; svc = $p.Value; ip = (Resolve-DnsName SSISMASTER).IPAddress } | ConvertTo-Json -Compress`,
    );
    const lines = r.stdout.trim().split('\n');
    expect(JSON.parse(lines[lines.length - 2] ?? '{}')).toMatchObject({ ok: true, owner: 'SQLNODE1', state: 'Online' });
    expect(lastJson(r)).toEqual({ owner: 'SQLNODE2', state: 'Online', svc: 'SSISScaleOutMaster160', ip: '10.0.0.50' });
    expect(store.service('SQLNODE1', 'SSISScaleOutMaster160')?.status).toBe('Stopped');
    expect(store.service('SQLNODE2', 'SSISScaleOutMaster160')?.status).toBe('Running');
    expect(store.clusterGroup('SSISCLU', 'SSISMASTER')).toMatchObject({ ownerNode: 'SQLNODE2', state: 'Online' });
  });
});
