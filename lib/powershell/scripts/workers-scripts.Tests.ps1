# Pester 5 tests of the workers-*.ps1 scripts (step 9) against the lab's simulated Windows:
# a throwaway lab (lib/lab/windows/test-server.ts) this file starts and stops itself.

BeforeAll {
    $script:Root = (Resolve-Path (Join-Path $PSScriptRoot '../../..')).Path
    . (Join-Path $script:Root 'lib/lab/windows/ps/TestLab.ps1')
    $null = Start-TestLab 'fresh'
    Save-TestSession
    function Invoke-Workers([string]$Name, [hashtable]$Params) { & (Join-Path $PSScriptRoot "workers-$Name.ps1") @Params }
    function Get-Sha([byte[]]$B) { ([BitConverter]::ToString([Security.Cryptography.SHA256]::HashData($B)) -replace '-', '').ToLowerInvariant() }
    $script:Svc = 'SSISScaleOutWorker160'
    $script:Settings = 'C:\Program Files\Microsoft SQL Server\160\DTS\Binn\WorkerSettings.config'
    # What the wizard reads from a master node: the shared certificate's public DER.
    Enter-LabHost 'SQLNODE1'
    $script:MasterCert = Get-ChildItem Cert:\LocalMachine\Root | Where-Object { $_.HasPrivateKey -and $_.Subject -match 'SSISMASTER' } | Select-Object -First 1
    $script:MasterThumb = $script:MasterCert.Thumbprint
    $script:MasterDer = [Convert]::ToBase64String($script:MasterCert.RawData)
}

AfterAll {
    Restore-TestSession
    Stop-TestLab
}

Describe 'workers-probe.ps1' {
    BeforeAll { $null = Send-Lab 'reset fresh' }

    It 'reads the worker service, its settings bytes, its own certificate and the Root thumbprints' {
        Enter-LabHost 'WORKER1'
        $r = Invoke-Workers 'probe' @{ ServiceName = $script:Svc; Folder = '160' }
        $r.computerName | Should -Be 'WORKER1'
        $r.service.name | Should -Be $script:Svc
        $r.service.state | Should -Be 'Running'
        $r.settingsPath | Should -Be $script:Settings
        $xml = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($r.settingsBase64))
        $own = ([regex]::Match($xml, '<WorkerHttpsCertThumbprint>(\w{40})</WorkerHttpsCertThumbprint>')).Groups[1].Value
        $mine = @($r.myCerts) | Where-Object thumbprint -eq $own
        $mine.hasPrivateKey | Should -BeTrue
        # Only the public part travels: the DER loads as a certificate without a key.
        $c = [Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadCertificate([Convert]::FromBase64String($mine.der))
        $c.Thumbprint | Should -Be $own
        $c.HasPrivateKey | Should -BeFalse
        @($r.rootThumbprints) | Should -Not -Contain $script:MasterThumb
    }

    It 'reports a host without the worker (no service, no file) without failing' {
        Enter-LabHost 'SQLNODE1'
        $r = Invoke-Workers 'probe' @{ ServiceName = $script:Svc; Folder = '160' }
        $r.service | Should -BeNullOrEmpty
        $r.settingsBase64 | Should -BeNullOrEmpty
        @($r.rootThumbprints) | Should -Contain $script:MasterThumb
    }

    It 'refuses a service name that could break out of the WQL filter' {
        { Invoke-Workers 'probe' @{ ServiceName = "x' OR Name='y"; Folder = '160' } } | Should -Throw
    }
}

Describe 'workers-trust.ps1' {
    BeforeAll {
        $null = Send-Lab 'reset fresh'
        Enter-LabHost 'WORKER1'
        $w = Invoke-Workers 'probe' @{ ServiceName = $script:Svc; Folder = '160' }
        $script:Worker = @($w.myCerts)[0]
    }

    It 'puts the worker certificate into Root on a master node once, and leaves no file behind' {
        Enter-LabHost 'SQLNODE2'
        Test-Path "Cert:\LocalMachine\Root\$($script:Worker.thumbprint)" | Should -BeFalse
        $cert = @{ thumbprint = $script:Worker.thumbprint; der = $script:Worker.der; from = 'WORKER1' }
        $r = Invoke-Workers 'trust' @{ Certificates = @($cert) }
        @($r.imported) | Should -Be @($script:Worker.thumbprint)
        (Get-Item "Cert:\LocalMachine\Root\$($script:Worker.thumbprint)").HasPrivateKey | Should -BeFalse
        $again = Invoke-Workers 'trust' @{ Certificates = @($cert) }
        @($again.imported).Count | Should -Be 0
        @($again.present) | Should -Be @($script:Worker.thumbprint)
        @(Get-ChildItem $env:TEMP -Filter 'ssis-worker-*.cer' -ErrorAction SilentlyContinue).Count | Should -Be 0
    }

    It 'refuses a certificate that is not the one named, and a malformed thumbprint' {
        Enter-LabHost 'SQLNODE1'
        { Invoke-Workers 'trust' @{ Certificates = @(@{ thumbprint = ('A' * 40); der = $script:Worker.der; from = 'WORKER1' }) } } | Should -Throw '*certificate of WORKER1 is not*'
        { Invoke-Workers 'trust' @{ Certificates = @(@{ thumbprint = 'x; rm'; der = $script:Worker.der; from = 'WORKER1' }) } } | Should -Throw '*Not a certificate thumbprint*'
    }
}

Describe 'workers-attach.ps1' {
    BeforeAll { $null = Send-Lab 'reset fresh'; Enter-LabHost 'WORKER1' }

    It 'refuses when the settings file changed since it was read, and changes nothing' {
        $before = Get-Content -LiteralPath $script:Settings -AsByteStream -Raw
        { Invoke-Workers 'attach' @{ ServiceName = $script:Svc; MasterThumbprint = $script:MasterThumb; MasterCertBase64 = $script:MasterDer; SettingsPath = $script:Settings; ExpectedSha256 = ('0' * 64); ContentBase64 = 'AA=='; Restart = $true } } |
            Should -Throw '*changed*since it was read*'
        (Get-Content -LiteralPath $script:Settings -AsByteStream -Raw).Length | Should -Be $before.Length
        @(Get-ChildItem (Split-Path $script:Settings) -Filter '*.bak').Count | Should -Be 0
        Test-Path "Cert:\LocalMachine\Root\$($script:MasterThumb)" | Should -BeFalse
    }

    It 'refuses a path that is not WorkerSettings.config' {
        { Invoke-Workers 'attach' @{ ServiceName = $script:Svc; MasterThumbprint = $script:MasterThumb; SettingsPath = 'C:\Windows\win.ini'; ExpectedSha256 = ('0' * 64); ContentBase64 = 'AA==' } } | Should -Throw
    }

    It 'trusts the master certificate, writes the settings after a backup, and restarts the service' {
        $bytes = [byte[]](Get-Content -LiteralPath $script:Settings -AsByteStream -Raw)
        $text = [Text.Encoding]::UTF8.GetString($bytes) -replace '<MasterEndpoint></MasterEndpoint>', '<MasterEndpoint>https://SSISMASTER:8391</MasterEndpoint>' -replace '<MasterHttpsCertThumbprint></MasterHttpsCertThumbprint>', "<MasterHttpsCertThumbprint>$($script:MasterThumb)</MasterHttpsCertThumbprint>"
        $new = [Text.Encoding]::UTF8.GetBytes($text)
        $pidBefore = (Get-CimInstance Win32_Service -Filter "Name='$($script:Svc)'").ProcessId
        $r = Invoke-Workers 'attach' @{ ServiceName = $script:Svc; MasterThumbprint = $script:MasterThumb; MasterCertBase64 = $script:MasterDer; SettingsPath = $script:Settings; ExpectedSha256 = (Get-Sha $bytes); ContentBase64 = [Convert]::ToBase64String($new); Restart = $true }
        $r.imported | Should -BeTrue
        $r.restarted | Should -BeTrue
        $r.status | Should -Be 'Running'
        $r.sha256 | Should -Be (Get-Sha $new)
        (Get-Item "Cert:\LocalMachine\Root\$($script:MasterThumb)").HasPrivateKey | Should -BeFalse
        Get-Content -LiteralPath $script:Settings -Raw | Should -Match '<MasterEndpoint>https://SSISMASTER:8391</MasterEndpoint>'
        (Get-Content -LiteralPath $r.backup -AsByteStream -Raw).Length | Should -Be $bytes.Length
        @(Get-ChildItem (Split-Path $script:Settings) -Filter '*.tmp').Count | Should -Be 0
        @(Get-ChildItem $env:TEMP -Filter 'ssis-master-*.cer' -ErrorAction SilentlyContinue).Count | Should -Be 0
        (Get-CimInstance Win32_Service -Filter "Name='$($script:Svc)'").ProcessId | Should -Not -Be $pidBefore
    }

    It 'a second run with nothing to change imports nothing and writes nothing' {
        $r = Invoke-Workers 'attach' @{ ServiceName = $script:Svc; MasterThumbprint = $script:MasterThumb; MasterCertBase64 = $script:MasterDer; Restart = $false }
        $r.imported | Should -BeFalse
        $r.backup | Should -BeNullOrEmpty
        $r.restarted | Should -BeFalse
    }

    It 'starts a stopped worker service, and refuses to go on without the master certificate it lacks' {
        Stop-Service $script:Svc
        (Invoke-Workers 'attach' @{ ServiceName = $script:Svc; MasterThumbprint = $script:MasterThumb; Restart = $true }).status | Should -Be 'Running'
        { Invoke-Workers 'attach' @{ ServiceName = $script:Svc; MasterThumbprint = ('B' * 40); Restart = $true } } | Should -Throw '*not in LocalMachine\Root on WORKER1 and none was given*'
    }
}
