# Pester 5 tests of the config-*.ps1 scripts (step 5) against the lab's simulated Windows: a
# throwaway lab (lib/lab/windows/test-server.ts) this file starts and stops itself.

BeforeAll {
    $script:Root = (Resolve-Path (Join-Path $PSScriptRoot '../../..')).Path
    . (Join-Path $script:Root 'lib/lab/windows/ps/TestLab.ps1')
    $null = Start-TestLab 'fresh'
    Save-TestSession
    function Invoke-Config([string]$Name, [hashtable]$Params) { & (Join-Path $PSScriptRoot "config-$Name.ps1") @Params }
    $script:Svc = 'SSISScaleOutMaster160'
    $script:Settings = 'C:\Program Files\Microsoft SQL Server\160\DTS\Binn\MasterSettings.config'
}

AfterAll {
    Restore-TestSession
    Stop-TestLab
}

Describe 'config-probe.ps1' {
    It 'fresh: reads the settings bytes and the running service; no role yet' {
        $null = Send-Lab 'reset fresh'; Enter-LabHost 'SQLNODE2'
        $r = Invoke-Config 'probe' @{ ServiceName = $script:Svc; Folder = '160' }
        $r.computerName | Should -Be 'SQLNODE2'
        $r.settingsPath | Should -Be $script:Settings
        [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($r.settingsBase64)) | Should -Match '<SqlServerName>SQLNODE2</SqlServerName>'
        $r.service.state | Should -Be 'Running'
        $r.service.startMode | Should -Be 'Auto'
        $r.role | Should -BeNullOrEmpty
        $r.clusterError | Should -BeNullOrEmpty
    }

    It 'half-done: names the Generic Service resource of the master and its owner, from either node' {
        $null = Send-Lab 'reset half-done'
        foreach ($h in 'SQLNODE1', 'SQLNODE2') {
            Enter-LabHost $h
            $r = Invoke-Config 'probe' @{ ServiceName = $script:Svc; Folder = '160' }
            $r.role.group | Should -Be 'SSISMASTER'
            $r.role.ownerNode | Should -Be 'SQLNODE1'
            $r.role.resource | Should -Be 'SQL Server Integration Services Scale Out Master 16.0'
        }
        $r.service.state | Should -Be 'Stopped'
        $r.service.startMode | Should -Be 'Manual'
    }

    It 'a node without the FailoverClusters module reports why there is no role, and a missing file as null' {
        $null = Send-Lab 'reset fresh'; Enter-LabHost 'WORKER1'
        $r = Invoke-Config 'probe' @{ ServiceName = $script:Svc; Folder = '160' }
        $r.settingsBase64 | Should -BeNullOrEmpty
        $r.service | Should -BeNullOrEmpty
        $r.clusterError | Should -Be 'The FailoverClusters module is not installed.'
    }

    It 'refuses a service name that could break out of the WQL filter' {
        { Invoke-Config 'probe' @{ ServiceName = "x' OR Name='y"; Folder = '160' } } | Should -Throw
    }
}

Describe 'config-restart.ps1' {
    It 'without a role: restarts a running master (new process), leaves a stopped one stopped' {
        $null = Send-Lab 'reset fresh'; Enter-LabHost 'SQLNODE1'
        $before = (Get-CimInstance Win32_Service -Filter "Name='$($script:Svc)'").ProcessId
        $r = Invoke-Config 'restart' @{ ServiceName = $script:Svc }
        $r.restarted | Should -BeTrue
        $r.how | Should -Be 'service'
        (Get-CimInstance Win32_Service -Filter "Name='$($script:Svc)'").ProcessId | Should -Not -Be $before
        Stop-Service -Name $script:Svc
        $r = Invoke-Config 'restart' @{ ServiceName = $script:Svc }
        $r.restarted | Should -BeFalse
        $r.status | Should -Be 'Stopped'
    }

    It 'with the role: cycles its group on the owner only; elsewhere it does nothing' {
        $null = Send-Lab 'reset half-done'
        Enter-LabHost 'SQLNODE2'
        $r = Invoke-Config 'restart' @{ ServiceName = $script:Svc }
        $r.restarted | Should -BeFalse
        $r.ownerNode | Should -Be 'SQLNODE1'
        (Get-Service -Name $script:Svc).Status | Should -Be 'Stopped'

        Enter-LabHost 'SQLNODE1'
        $before = (Get-CimInstance Win32_Service -Filter "Name='$($script:Svc)'").ProcessId
        $r = Invoke-Config 'restart' @{ ServiceName = $script:Svc }
        $r.restarted | Should -BeTrue
        $r.how | Should -Be 'cluster'
        $r.status | Should -Be 'Online'
        (Get-ClusterGroup -Name 'SSISMASTER').OwnerNode.Name | Should -Be 'SQLNODE1'
        (Get-CimInstance Win32_Service -Filter "Name='$($script:Svc)'").ProcessId | Should -Not -Be $before
    }
}
