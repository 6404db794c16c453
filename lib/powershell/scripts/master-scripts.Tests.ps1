# Pester 5 tests of the master-*.ps1 scripts (steps 2 and 3) against the lab's simulated Windows:
# a throwaway lab (lib/lab/windows/test-server.ts) this file starts and stops itself.

BeforeAll {
    $script:Root = (Resolve-Path (Join-Path $PSScriptRoot '../../..')).Path
    . (Join-Path $script:Root 'lib/lab/windows/ps/TestLab.ps1')
    $null = Start-TestLab 'fresh'
    Save-TestSession
    function Invoke-Master([string]$Name, [hashtable]$Params) { & (Join-Path $PSScriptRoot "master-$Name.ps1") @Params }
    $script:Svc = 'SSISScaleOutMaster160'
    $script:Settings = 'C:\Program Files\Microsoft SQL Server\160\DTS\Binn\MasterSettings.config'
    $script:AppId = '{7c5b3b7e-6f1a-4d8e-9c25-3e1f0a6b8d42}'
}

AfterAll {
    Restore-TestSession
    Stop-TestLab
}

Describe 'master-probe.ps1' {
    BeforeAll { $null = Send-Lab 'reset fresh'; Enter-LabHost 'SQLNODE1' }

    It 'reads the service account, the settings bytes, the binding and the keyed Root certificates' {
        $r = Invoke-Master 'probe' @{ ServiceName = $script:Svc; Port = 8391; Folder = '160' }
        $r.service.startName | Should -Be 'LAB\svc-ssismaster'
        $r.settingsPath | Should -Be $script:Settings
        $xml = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($r.settingsBase64))
        $hash = ([regex]::Match(($r.netsh -join "`n"), 'Certificate Hash\s*:\s*(\w{40})')).Groups[1].Value.ToUpperInvariant()
        $xml | Should -Match "<SSLCertThumbprint>$hash</SSLCertThumbprint>"
        $r.netshExitCode | Should -Be 0
        $r.boundCert.thumbprint | Should -Be $hash
        $r.boundCert.hasPrivateKey | Should -BeTrue
        @($r.rootCerts | ForEach-Object thumbprint) | Should -Contain $hash
    }

    It 'reports a missing service and a missing binding without failing' {
        $r = Invoke-Master 'probe' @{ ServiceName = 'NoSuchService'; Port = 9999; Folder = '160' }
        $r.service | Should -BeNullOrEmpty
        $r.netshExitCode | Should -Be 1
        $r.boundCert | Should -BeNullOrEmpty
    }

    It 'reads when the service process started and when MasterSettings.config was last written, on one clock' {
        $p = @{ ServiceName = $script:Svc; Port = 8391; Folder = '160' }
        $r = Invoke-Master 'probe' $p
        $r.serviceProcessId | Should -BeGreaterThan 0
        $r.serviceProcessId | Should -Be (Get-CimInstance Win32_Service -Filter "Name='$script:Svc'").ProcessId
        $started = [datetime]::Parse($r.serviceStartTime, [cultureinfo]::InvariantCulture, 'RoundtripKind')
        $written = [datetime]::Parse($r.settingsLastWrite, [cultureinfo]::InvariantCulture, 'RoundtripKind')
        $started.Kind | Should -Be 'Utc'
        $written | Should -Be (Get-Item -LiteralPath $script:Settings).LastWriteTimeUtc
        # As setup leaves it: the service started after its settings were written.
        $started | Should -BeGreaterOrEqual $written

        # The file is written again while the service keeps running: it now predates the file.
        Start-Sleep -Milliseconds 20
        Set-Content -LiteralPath $script:Settings -Value (Get-Content -LiteralPath $script:Settings -Raw) -NoNewline
        $after = Invoke-Master 'probe' $p
        $after.serviceStartTime | Should -Be $r.serviceStartTime
        [datetime]::Parse($after.settingsLastWrite, [cultureinfo]::InvariantCulture, 'RoundtripKind') | Should -BeGreaterThan $started

        # A restart makes a new process that started after the write.
        Start-Sleep -Milliseconds 20
        (Invoke-Master 'restart' @{ ServiceName = $script:Svc }).restarted | Should -BeTrue
        $restarted = Invoke-Master 'probe' $p
        $restarted.serviceProcessId | Should -Not -Be $r.serviceProcessId
        [datetime]::Parse($restarted.serviceStartTime, [cultureinfo]::InvariantCulture, 'RoundtripKind') |
            Should -BeGreaterThan ([datetime]::Parse($after.settingsLastWrite, [cultureinfo]::InvariantCulture, 'RoundtripKind'))
    }

    It 'gives no process start time for a stopped service' {
        Stop-Service $script:Svc
        $r = Invoke-Master 'probe' @{ ServiceName = $script:Svc; Port = 8391; Folder = '160' }
        $r.service.state | Should -Be 'Stopped'
        $r.serviceProcessId | Should -BeNullOrEmpty
        $r.serviceStartTime | Should -BeNullOrEmpty
        $r.settingsLastWrite | Should -Not -BeNullOrEmpty
        Start-Service $script:Svc
    }

    It 'refuses a service name that could break out of the WQL filter' {
        { Invoke-Master 'probe' @{ ServiceName = "x' OR Name='y"; Port = 8391; Folder = '160' } } | Should -Throw
    }
}

Describe 'master-rebind.ps1' {
    BeforeAll { $null = Send-Lab 'reset fresh'; Enter-LabHost 'SQLNODE1' }

    It 'leaves a binding that already has the certificate alone' {
        $t = (Get-ChildItem Cert:\LocalMachine\Root | Select-Object -First 1).Thumbprint
        $r = Invoke-Master 'rebind' @{ Port = 8391; Thumbprint = $t; DefaultAppId = '{00000000-0000-0000-0000-000000000001}' }
        $r.changed | Should -BeFalse
    }

    It 'rebinds keeping the appid, and puts the old binding back when the add fails' {
        $old = (Get-ChildItem Cert:\LocalMachine\Root | Select-Object -First 1).Thumbprint
        $new = (New-SelfSignedCertificate -DnsName 'SSISMASTER' -CertStoreLocation Cert:\LocalMachine\My).Thumbprint
        # Only in My: HTTP.SYS cannot take it from Root, the add fails with 1312.
        { Invoke-Master 'rebind' @{ Port = 8391; Thumbprint = $new; DefaultAppId = '{00000000-0000-0000-0000-000000000001}' } } | Should -Throw '*previous binding was restored*'
        (netsh http show sslcert ipport=0.0.0.0:8391) -join "`n" | Should -Match "Certificate Hash\s*:\s*$($old.ToLowerInvariant())"
        $r = Invoke-Master 'rebind' @{ Port = 8391; Thumbprint = $old; DefaultAppId = '{00000000-0000-0000-0000-000000000001}' }
        $r.changed | Should -BeFalse
        $r.appId | Should -Be $script:AppId
    }
}

Describe 'master-export-pfx.ps1 and master-import-pfx.ps1' {
    BeforeAll { $null = Send-Lab 'reset misconfigured' }

    It 'moves the primary certificate with its key to the secondary, once, and leaves no file behind' {
        Enter-LabHost 'SQLNODE1'
        $t = (Get-ChildItem Cert:\LocalMachine\Root | Where-Object HasPrivateKey | Select-Object -First 1).Thumbprint
        $x = Invoke-Master 'export-pfx' @{ Thumbprint = $t; PfxPassword = 'One-Time-1!' }
        $x.pfxBase64.Length | Should -BeGreaterThan 1000
        @(Get-ChildItem $env:TEMP -Filter 'ssis-master-*.pfx' -ErrorAction SilentlyContinue).Count | Should -Be 0

        Enter-LabHost 'SQLNODE2'
        { Invoke-Master 'import-pfx' @{ Thumbprint = $t; PfxBase64 = $x.pfxBase64; PfxPassword = 'wrong' } } | Should -Throw '*different password*'
        $r = Invoke-Master 'import-pfx' @{ Thumbprint = $t; PfxBase64 = $x.pfxBase64; PfxPassword = 'One-Time-1!' }
        $r.imported | Should -BeTrue
        (Get-Item "Cert:\LocalMachine\Root\$t").HasPrivateKey | Should -BeTrue
        (Invoke-Master 'import-pfx' @{ Thumbprint = $t; PfxBase64 = $x.pfxBase64; PfxPassword = 'One-Time-1!' }).imported | Should -BeFalse
        @(Get-ChildItem $env:TEMP -Filter 'ssis-master-*.pfx' -ErrorAction SilentlyContinue).Count | Should -Be 0
    }
}

Describe 'master-write-settings.ps1' {
    BeforeAll { $null = Send-Lab 'reset fresh'; Enter-LabHost 'SQLNODE1' }

    It 'refuses when the file changed since it was read' {
        { Invoke-Master 'write-settings' @{ Path = $script:Settings; ExpectedSha256 = ('0' * 64); ContentBase64 = 'AA==' } } | Should -Throw '*changed*since it was read*'
    }

    It 'backs up, then replaces the file through a temporary file' {
        $bytes = Get-Content -LiteralPath $script:Settings -AsByteStream -Raw
        $sha = ([BitConverter]::ToString([Security.Cryptography.SHA256]::HashData([byte[]]$bytes)) -replace '-', '').ToLowerInvariant()
        $text = [Text.Encoding]::UTF8.GetString($bytes) -replace '<SSLCertThumbprint>\w+</SSLCertThumbprint>', "<SSLCertThumbprint>$('A' * 40)</SSLCertThumbprint>"
        $r = Invoke-Master 'write-settings' @{ Path = $script:Settings; ExpectedSha256 = $sha; ContentBase64 = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($text)) }
        Get-Content -LiteralPath $script:Settings -Raw | Should -Match "<SSLCertThumbprint>$('A' * 40)</SSLCertThumbprint>"
        (Get-Content -LiteralPath $r.backup -AsByteStream -Raw).Length | Should -Be $bytes.Length
        @(Get-ChildItem (Split-Path $script:Settings) -Filter '*.tmp').Count | Should -Be 0
    }
}

Describe 'master-set-account.ps1 and master-restart.ps1' {
    BeforeAll { $null = Send-Lab 'reset misconfigured'; Enter-LabHost 'SQLNODE2' }

    It 'refuses an account that does not exist, with what Win32_Service.Change said' {
        { Invoke-Master 'set-account' @{ ServiceName = $script:Svc; Account = 'LAB\ghost'; Password = 'x' } } | Should -Throw '*returned 22*'
    }

    It 'changes the logon account and restarts the running service' {
        $r = Invoke-Master 'set-account' @{ ServiceName = $script:Svc; Account = 'LAB\svc-ssismaster'; Password = 'Ssis-Master-2022!' }
        $r.before | Should -Be "NT Service\$script:Svc"
        $r.after | Should -Be 'LAB\svc-ssismaster'
        $r.restarted | Should -BeTrue
        $r.status | Should -Be 'Running'
    }

    It 'restarts a running service and leaves a stopped one stopped' {
        (Invoke-Master 'restart' @{ ServiceName = $script:Svc }).restarted | Should -BeTrue
        Stop-Service $script:Svc
        $r = Invoke-Master 'restart' @{ ServiceName = $script:Svc }
        $r.restarted | Should -BeFalse
        $r.status | Should -Be 'Stopped'
    }
}
