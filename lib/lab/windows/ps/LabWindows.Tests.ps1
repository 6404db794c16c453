# Pester 5 tests of the simulated Windows commands, against a throwaway lab (test-server.ts)
# this file starts and stops itself, so the shared runner can run it like any other.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestLab.ps1')
    $first = Start-TestLab 'fresh'
    Save-TestSession
    $env:LAB_HOST = 'SQLNODE1'; $env:LAB_API_URL = $first.url; $env:LAB_API_TOKEN = $first.token; $env:LAB_REMOTE = '0'; $env:LAB_AUTH = 'local'
    Import-Module (Join-Path $PSScriptRoot 'LabWindows.psm1') -DisableNameChecking -Force
}

AfterAll {
    # Leave the Pester session as it was: other test files run in this same process.
    Restore-TestSession
    Stop-TestLab
}

Describe 'Services' {
    BeforeAll { $null = Send-Lab 'reset fresh' }

    It 'Get-Service returns ServiceController-shaped objects' {
        $s = Get-Service -Name SSISScaleOutMaster160
        $s.PSObject.TypeNames[0] | Should -Be 'System.ServiceProcess.ServiceController'
        $s.Name | Should -Be 'SSISScaleOutMaster160'
        $s.Status | Should -Be 'Running'
        $s.StartType | Should -Be 'Automatic'
        $s.UserName | Should -Be 'LAB\svc-ssismaster'
        ($s | ConvertTo-Json -Compress | ConvertFrom-Json).Status | Should -Be 4
    }

    It 'reports a missing service as Windows does, non-terminating' {
        $r = Get-Service -Name NoSuchService -ErrorAction SilentlyContinue -ErrorVariable ev
        $r | Should -BeNullOrEmpty
        $ev[0].FullyQualifiedErrorId | Should -Be 'NoServiceFoundForGivenName,Microsoft.PowerShell.Commands.GetServiceCommand'
        $ev[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        @(Get-Service -Name 'NoSuch*').Count | Should -Be 0
    }

    It 'Stop-Service, Set-Service -StartupType and Start-Service change the state' {
        Stop-Service -Name SSISScaleOutMaster160
        Set-Service -Name SSISScaleOutMaster160 -StartupType Manual
        $s = Get-Service SSISScaleOutMaster160
        "$($s.Status)/$($s.StartType)" | Should -Be 'Stopped/Manual'
        (Start-Service -Name SSISScaleOutMaster160 -PassThru).Status | Should -Be 'Running'
    }

    It 'Win32_Service via CIM: filter, Change return codes, logon failure at the next start' {
        $svc = Get-CimInstance -ClassName Win32_Service -Filter "Name='SSISScaleOutMaster160'"
        $svc.StartName | Should -Be 'LAB\svc-ssismaster'
        $svc.StartMode | Should -Be 'Manual'
        ($svc | Invoke-CimMethod -MethodName Change -Arguments @{ StartName = 'LAB\ghost'; StartPassword = 'x' }).ReturnValue | Should -Be 22
        ($svc | Invoke-CimMethod -MethodName Change -Arguments @{ StartName = 'LAB\svc-ssismaster'; StartPassword = 'wrong' }).ReturnValue | Should -Be 0
        Stop-Service SSISScaleOutMaster160
        { Start-Service SSISScaleOutMaster160 -ErrorAction Stop } | Should -Throw -ErrorId 'CouldNotStartService,Microsoft.PowerShell.Commands.StartServiceCommand'
        { Get-CimInstance -ClassName Win32_Nope } | Should -Throw -ErrorId 'HRESULT 0x80041010,Microsoft.Management.Infrastructure.CimCmdlets.GetCimInstanceCommand'
    }
}

Describe 'Certificates and HTTP.SYS' {
    BeforeAll { $null = Send-Lab 'reset fresh' }

    It 'lists LocalMachine\Root with the provider properties' {
        $certs = @(Get-ChildItem -Path Cert:\LocalMachine\Root)
        $certs.Count | Should -Be 1
        $certs[0].HasPrivateKey | Should -BeTrue
        $certs[0].DnsNameList.Unicode | Should -Contain 'SSISMASTER'
        $certs[0].PSParentPath | Should -Be 'Microsoft.PowerShell.Security\Certificate::LocalMachine\Root'
        Test-Path "Cert:\LocalMachine\Root\$($certs[0].Thumbprint)" | Should -BeTrue
        Test-Path 'Cert:\LocalMachine\Root\0000000000000000000000000000000000000000' | Should -BeFalse
        @(Get-ChildItem Cert:\LocalMachine\Root -DnsName 'SSISMASTER').Count | Should -Be 1
    }

    It 'New-SelfSignedCertificate, then a non-exportable key cannot be exported' {
        $c = New-SelfSignedCertificate -DnsName 'sqlnode1.lab.test' -CertStoreLocation Cert:\LocalMachine\My -KeyExportPolicy NonExportable
        $c.HasPrivateKey | Should -BeTrue
        Test-Path "Cert:\LocalMachine\My\$($c.Thumbprint)" | Should -BeTrue
        $pw = ConvertTo-SecureString 'p@ss-1' -AsPlainText -Force
        { Export-PfxCertificate -Cert $c -FilePath 'C:\Temp\x.pfx' -Password $pw } | Should -Throw 'Cannot export non-exportable private key.'
        Get-ChildItem "Cert:\LocalMachine\My\$($c.Thumbprint)" | Remove-Item
        Test-Path "Cert:\LocalMachine\My\$($c.Thumbprint)" | Should -BeFalse
    }

    It 'Export-Certificate writes a .cer that Import-Certificate takes back' {
        $t = (Get-ChildItem Cert:\LocalMachine\Root)[0].Thumbprint
        $f = Export-Certificate -Cert "Cert:\LocalMachine\Root\$t" -FilePath 'C:\Temp\m.cer'
        $f.Length | Should -BeGreaterThan 100
        (Import-Certificate -FilePath 'C:\Temp\m.cer' -CertStoreLocation Cert:\LocalMachine\CA).Thumbprint | Should -Be $t
    }

    It 'netsh shows a missing binding with exit code 1' {
        $out = netsh http show sslcert ipport=0.0.0.0:9999
        $LASTEXITCODE | Should -Be 1
        $out | Should -Contain 'The system cannot find the file specified.'
    }
}

Describe 'Cluster' {
    BeforeAll { $null = Send-Lab 'reset half-done' }

    It 'shows the nodes, the role and the Generic Service parameter' {
        (Get-ClusterNode).State | Should -Be @('Up', 'Up')
        $g = Get-ClusterGroup -Name SSISMASTER
        "$($g.OwnerNode)" | Should -Be 'SQLNODE1'
        $g.State | Should -Be 'Online'
        (Get-ClusterGroup SSISMASTER | Get-ClusterResource | Where-Object { $_.ResourceType.Name -eq 'Generic Service' } | Get-ClusterParameter -Name ServiceName).Value | Should -Be 'SSISScaleOutMaster160'
        { Get-ClusterGroup -Name Nope -ErrorAction Stop } | Should -Throw -ErrorId 'Get-ClusterGroup,Microsoft.FailoverClusters.PowerShell.GetClusterGroupCommand'
    }

    It 'possible owners: all nodes by default, then restricted' {
        $res = (Get-ClusterResource | Where-Object { $_.ResourceType.Name -eq 'Generic Service' }).Name
        (Get-ClusterOwnerNode -Resource $res).OwnerNodes.Name | Should -Be @('SQLNODE1', 'SQLNODE2')
        Set-ClusterOwnerNode -Resource $res -Owners SQLNODE1
        (Get-ClusterOwnerNode -Resource $res).OwnerNodes.Name | Should -Be @('SQLNODE1')
        { Move-ClusterGroup SSISMASTER -Node SQLNODE2 -ErrorAction Stop } | Should -Throw
        Set-ClusterOwnerNode -Resource $res -Owners SQLNODE1, SQLNODE2
    }

    It 'Stop-ClusterGroup stops the service on the owner; Start-ClusterGroup starts it' {
        (Stop-ClusterGroup SSISMASTER).State | Should -Be 'Offline'
        (Get-Service SSISScaleOutMaster160).Status | Should -Be 'Stopped'
        (Start-ClusterGroup SSISMASTER).State | Should -Be 'Online'
        (Get-Service SSISScaleOutMaster160).Status | Should -Be 'Running'
    }
}

Describe 'Registry, DNS and files' {
    BeforeAll { $null = Send-Lab 'reset fresh' }

    It 'reads the SQL Server setup values and reports a missing one' {
        (Get-ItemProperty 'HKLM:\SOFTWARE\Microsoft\Microsoft SQL Server\160\SSIS\Setup').DTSPath | Should -Be 'C:\Program Files\Microsoft SQL Server\160\DTS\'
        Get-ItemPropertyValue 'HKLM:\SOFTWARE\Microsoft\Microsoft SQL Server\160\DTS\Setup\SQL_IS_Master' -Name Version | Should -Be '16.0.1000.6'
        Test-Path 'HKLM:\SOFTWARE\Microsoft\Microsoft SQL Server\150' | Should -BeFalse
        { Get-ItemProperty 'HKLM:\SOFTWARE\Microsoft\Microsoft SQL Server\160\SSIS\Setup' -Name Nope -ErrorAction Stop } | Should -Throw 'Property Nope does not exist*'
    }

    It 'writes SCHANNEL values' {
        Set-ItemProperty -Path 'HKLM:\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL' -Name ClientAuthTrustMode -Value 2 -Type DWord
        (Get-ItemProperty 'HKLM:\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL').ClientAuthTrustMode | Should -Be 2
    }

    It 'resolves lab names and fails on unknown ones' {
        (Resolve-DnsName SQLNODE2).IPAddress | Should -Be '10.0.0.12'
        { Resolve-DnsName nosuchhost -ErrorAction Stop } | Should -Throw -ErrorId 'DNS_ERROR_RCODE_NAME_ERROR,Microsoft.DnsClient.Commands.ResolveDnsName'
    }

    It 'maps C: to the host folder and leaves other paths alone' {
        Get-Content 'C:\Program Files\Microsoft SQL Server\160\DTS\Binn\MasterSettings.config' -Raw | Should -Match '<SqlServerName>SQLNODE1</SqlServerName>'
        Set-Content -Path 'C:\Windows\Temp\hello.txt' -Value 'hi'
        Test-Path -Path 'C:\Windows\Temp\hello.txt' | Should -BeTrue
        @(Get-ChildItem -LiteralPath $PSScriptRoot -Filter 'LabWindows.psm1').Count | Should -Be 1
        $env:COMPUTERNAME | Should -Be 'SQLNODE1'
    }

    It 'leaves Windows-only commands it does not simulate unrecognized' {
        { Get-ClusterSharedVolume } | Should -Throw -ErrorId 'CommandNotFoundException'
    }
}

Describe 'The bridge to the lab' {
    It 'says which API did not answer, and what the lab said when it refused' {
        $saved = $env:LAB_API_URL, $env:LAB_API_TOKEN
        try {
            # A port nothing listens on: the one a just-closed listener had.
            $l = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0); $l.Start(); $port = $l.LocalEndpoint.Port; $l.Stop()
            $env:LAB_API_URL = "http://127.0.0.1:$port"
            { Get-Service -Name SSISScaleOutMaster160 } | Should -Throw "*the lab's Windows API at 'http://127.0.0.1:$port' did not answer*"
            $env:LAB_API_URL = $saved[0]; $env:LAB_API_TOKEN = 'not-the-token'
            { Get-Service -Name SSISScaleOutMaster160 } | Should -Throw "LabWindows: internal error in 'service.list' (401)*"
        } finally {
            $env:LAB_API_URL, $env:LAB_API_TOKEN = $saved
        }
        (Get-Service -Name SSISScaleOutMaster160).Name | Should -Be 'SSISScaleOutMaster160'
    }
}
