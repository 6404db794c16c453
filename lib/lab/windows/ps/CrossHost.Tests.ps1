# Pester 5: state changed on one simulated host is seen (or, for host-local state, not seen) from
# the others. Each check runs in its own pwsh session "on" a host, set up as the lab's WinRM
# executor sets one up (LAB_* environment of windowsSessionEnv, then windowsPrelude's
# Import-Module), against a throwaway lab (test-server.ts) this file starts and stops itself.

BeforeAll {
    $script:Module = Join-Path $PSScriptRoot 'LabWindows.psm1'
    # pwsh as a dotnet global tool runs under the dotnet host ([Environment]::ProcessPath is dotnet).
    $script:Pwsh = (Get-Command pwsh -CommandType Application -ErrorAction Ignore | Select-Object -First 1).Source
    if (-not $script:Pwsh) { $script:Pwsh = Join-Path $HOME '.dotnet/tools/pwsh' }
    . (Join-Path $PSScriptRoot 'TestLab.ps1')
    $script:Api = Start-TestLab 'half-done'

    function Start-HostSession([string]$HostName, [string]$Script) {
        # A new pwsh per check, as the lab's executor starts one per command: nothing carries over
        # between hosts except through the lab's state.
        $p = [System.Diagnostics.ProcessStartInfo]::new($script:Pwsh)
        $prelude = "`$env:LAB_HOST = '$HostName'; Import-Module -Name '$($script:Module -replace "'", "''")' -DisableNameChecking -ErrorAction Stop"
        $body = "$prelude`n`$ErrorActionPreference = 'Stop'`n& { $Script } | ConvertTo-Json -Depth 4 -Compress"
        foreach ($a in '-NoProfile', '-NonInteractive', '-EncodedCommand', [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($body))) { $p.ArgumentList.Add($a) }
        $p.Environment['LAB_HOST'] = $HostName
        $p.Environment['LAB_API_URL'] = $script:Api.url
        $p.Environment['LAB_API_TOKEN'] = $script:Api.token
        $p.Environment['LAB_REMOTE'] = '1'
        $p.Environment['LAB_AUTH'] = 'ntlm'
        $p.Environment['LAB_USER'] = 'LAB\wizard'
        $p.Environment['TERM'] = 'dumb'
        $p.RedirectStandardOutput = $true
        $p.RedirectStandardError = $true
        $p.UseShellExecute = $false
        $proc = [System.Diagnostics.Process]::Start($p)
        [pscustomobject]@{ Host = $HostName; Process = $proc; Out = $proc.StandardOutput.ReadToEndAsync(); Err = $proc.StandardError.ReadToEndAsync() }
    }

    function Receive-HostSession($Session) {
        $Session.Process.WaitForExit()
        $out = $Session.Out.GetAwaiter().GetResult()
        $err = $Session.Err.GetAwaiter().GetResult()
        if ($Session.Process.ExitCode -ne 0) { throw "on $($Session.Host) (exit $($Session.Process.ExitCode)): $err" }
        if ([string]::IsNullOrWhiteSpace($out)) { return $null }
        $out | ConvertFrom-Json
    }

    # The same script on several hosts at once; answers by host name.
    function Invoke-OnHosts([string[]]$HostName, [string]$Script) {
        $sessions = foreach ($h in $HostName) { Start-HostSession $h $Script }
        $answers = [ordered]@{}
        foreach ($s in $sessions) { $answers[$s.Host] = Receive-HostSession $s }
        $answers
    }

    function Invoke-OnHost([string]$HostName, [string]$Script) { (Invoke-OnHosts $HostName $Script)[$HostName] }

    $script:Nodes = 'SQLNODE1', 'SQLNODE2'
    $script:SeeRole = "`$g = Get-ClusterGroup -Name SSISMASTER; [pscustomobject]@{ computer = `$env:COMPUTERNAME; owner = [string]`$g.OwnerNode; state = [string]`$g.State; service = [string](Get-Service SSISScaleOutMaster160).Status }"
}

AfterAll {
    Stop-TestLab
}

Describe 'The cluster is one state, seen alike from every node' {
    BeforeAll { $null = Send-Lab 'reset half-done' }

    It 'before the move, SQLNODE1 and SQLNODE2 both see SSISMASTER online on SQLNODE1' {
        $seen = Invoke-OnHosts $script:Nodes $script:SeeRole
        $seen['SQLNODE1'].computer | Should -Be 'SQLNODE1'
        $seen['SQLNODE2'].computer | Should -Be 'SQLNODE2'
        foreach ($n in $script:Nodes) {
            "$n sees $($seen[$n].owner)/$($seen[$n].state)" | Should -Be "$n sees SQLNODE1/Online"
        }
        # The Generic Service runs on the owner only.
        $seen['SQLNODE1'].service | Should -Be 'Running'
        $seen['SQLNODE2'].service | Should -Be 'Stopped'
    }

    It 'Move-ClusterGroup run on SQLNODE1 changes the owner that SQLNODE2 sees, and moves the service' {
        $moved = Invoke-OnHost SQLNODE1 "Move-ClusterGroup -Name SSISMASTER -Node SQLNODE2 | ForEach-Object { [pscustomobject]@{ owner = [string]`$_.OwnerNode; state = [string]`$_.State } }"
        $moved.owner | Should -Be 'SQLNODE2'
        $seen = Invoke-OnHosts $script:Nodes $script:SeeRole
        foreach ($n in $script:Nodes) {
            "$n sees $($seen[$n].owner)/$($seen[$n].state)" | Should -Be "$n sees SQLNODE2/Online"
        }
        $seen['SQLNODE2'].service | Should -Be 'Running'
        $seen['SQLNODE1'].service | Should -Be 'Stopped'
    }

    It 'moving it back from SQLNODE2 is seen on SQLNODE1' {
        $null = Invoke-OnHost SQLNODE2 'Move-ClusterGroup -Name SSISMASTER -Node SQLNODE1'
        $seen = Invoke-OnHosts $script:Nodes $script:SeeRole
        foreach ($n in $script:Nodes) {
            "$n sees $($seen[$n].owner)" | Should -Be "$n sees SQLNODE1"
        }
        $seen['SQLNODE1'].service | Should -Be 'Running'
    }
}

Describe 'Host-local state stays on its host; -ComputerName reaches the other' {
    BeforeAll { $null = Send-Lab 'reset half-done' }

    It 'a certificate imported on SQLNODE1 is in its store only, and its file on its C: only' {
        $made = Invoke-OnHost SQLNODE1 @'
$c = New-SelfSignedCertificate -DnsName 'crosshost.lab.test' -CertStoreLocation Cert:\LocalMachine\My
$null = New-Item -ItemType Directory -Force -Path 'C:\Temp'
$null = Export-Certificate -Cert "Cert:\LocalMachine\My\$($c.Thumbprint)" -FilePath 'C:\Temp\crosshost.cer'
$i = Import-Certificate -FilePath 'C:\Temp\crosshost.cer' -CertStoreLocation Cert:\LocalMachine\Root
[pscustomobject]@{ thumbprint = $c.Thumbprint; imported = $i.Thumbprint }
'@
        $made.thumbprint | Should -Match '^[0-9A-F]{40}$'
        $made.imported | Should -Be $made.thumbprint
        $probe = "[pscustomobject]@{ root = (Test-Path 'Cert:\LocalMachine\Root\$($made.thumbprint)'); my = (Test-Path 'Cert:\LocalMachine\My\$($made.thumbprint)'); file = (Test-Path 'C:\Temp\crosshost.cer') }"
        $seen = Invoke-OnHosts $script:Nodes $probe
        "$($seen['SQLNODE1'].root)/$($seen['SQLNODE1'].my)/$($seen['SQLNODE1'].file)" | Should -Be 'True/True/True'
        "$($seen['SQLNODE2'].root)/$($seen['SQLNODE2'].my)/$($seen['SQLNODE2'].file)" | Should -Be 'False/False/False'
    }

    It 'Stop-Service on SQLNODE1 leaves the same service on SQLNODE2 as it was' {
        $before = Invoke-OnHost SQLNODE2 '[string](Get-Service SSISScaleOutMaster160).StartType'
        $null = Invoke-OnHost SQLNODE1 'Stop-Service -Name SSISScaleOutMaster160; Set-Service -Name SSISScaleOutMaster160 -StartupType Disabled'
        $seen = Invoke-OnHosts $script:Nodes '$s = Get-Service SSISScaleOutMaster160; "$($s.Status)/$($s.StartType)"'
        $seen['SQLNODE1'] | Should -Be 'Stopped/Disabled'
        $seen['SQLNODE2'] | Should -Be "Stopped/$before"
        $before | Should -Not -Be 'Disabled'
    }

    It 'Install-WindowsFeature -ComputerName SQLNODE2, run on SQLNODE1, is seen by SQLNODE2 only' {
        $feature = 'Telnet-Client'
        $before = Invoke-OnHosts $script:Nodes "[string](Get-WindowsFeature -Name $feature).InstallState"
        "$($before['SQLNODE1'])/$($before['SQLNODE2'])" | Should -Be 'Available/Available'
        $null = Invoke-OnHost SQLNODE1 "Install-WindowsFeature -Name $feature -ComputerName SQLNODE2"
        $after = Invoke-OnHosts $script:Nodes "[string](Get-WindowsFeature -Name $feature).InstallState"
        "$($after['SQLNODE1'])/$($after['SQLNODE2'])" | Should -Be 'Available/Installed'
        # And from SQLNODE1, asking for SQLNODE2 by name gives SQLNODE2's answer.
        Invoke-OnHost SQLNODE1 "[string](Get-WindowsFeature -Name $feature -ComputerName SQLNODE2).InstallState" | Should -Be 'Installed'
    }
}
