# Pester 5 tests of the drill-*.ps1 scripts (the failover drill) against the lab's simulated
# Windows: a throwaway lab (lib/lab/windows/test-server.ts) this file starts and stops itself.

BeforeAll {
    $script:Root = (Resolve-Path (Join-Path $PSScriptRoot '../../..')).Path
    . (Join-Path $script:Root 'lib/lab/windows/ps/TestLab.ps1')
    $null = Start-TestLab 'half-done'
    Save-TestSession
    function Invoke-Drill([string]$Name, [hashtable]$Params) { & (Join-Path $PSScriptRoot "drill-$Name.ps1") @Params }
}

AfterAll {
    Restore-TestSession
    Stop-TestLab
}

Describe 'drill-cluster.ps1' {
    BeforeEach { $null = Send-Lab 'reset half-done' }

    It 'reads where the master role runs without moving it' {
        Enter-LabHost 'SQLNODE2'
        $r = Invoke-Drill 'cluster' @{ Group = 'SSISMASTER' }
        $r.owner | Should -Be 'SQLNODE1'
        $r.moved | Should -BeFalse
        $r.state | Should -Be 'Online'
        @($r.nodes | ForEach-Object name) | Should -Be @('SQLNODE1', 'SQLNODE2')
    }

    It 'moves the role, and every node then sees the new owner' {
        Enter-LabHost 'SQLNODE1'
        $r = Invoke-Drill 'cluster' @{ Group = 'SSISMASTER'; MoveTo = 'SQLNODE2' }
        $r.before | Should -Be 'SQLNODE1'
        $r.owner | Should -Be 'SQLNODE2'
        $r.moved | Should -BeTrue
        Enter-LabHost 'SQLNODE2'
        (Invoke-Drill 'cluster' @{ Group = 'SSISMASTER' }).owner | Should -Be 'SQLNODE2'
    }

    It 'fails, naming the group, when the role does not exist' {
        Enter-LabHost 'SQLNODE1'
        { Invoke-Drill 'cluster' @{ Group = 'NOSUCHROLE' } } | Should -Throw '*NOSUCHROLE*'
    }

    It 'refuses a node name that is not a computer name' {
        Enter-LabHost 'SQLNODE1'
        { Invoke-Drill 'cluster' @{ Group = 'SSISMASTER'; MoveTo = 'x; Remove-Item C:\' } } | Should -Throw
    }
}

Describe 'drill-root-store.ps1' {
    BeforeAll { $null = Send-Lab 'reset half-done'; Enter-LabHost 'SQLNODE1' }

    It 'says which thumbprints are in LocalMachine\Root' {
        $t = (Get-ChildItem Cert:\LocalMachine\Root | Select-Object -First 1).Thumbprint
        $r = Invoke-Drill 'root-store' @{ Thumbprints = @($t, ('AB' * 20)) }
        @($r.present) | Should -Be @($t.ToUpperInvariant())
    }

    It 'refuses something that is not a thumbprint' {
        { Invoke-Drill 'root-store' @{ Thumbprints = @('..\..\My') } } | Should -Throw '*Not a certificate thumbprint*'
    }
}

Describe 'drill-worker-settings.ps1' {
    BeforeAll { $null = Send-Lab 'reset half-done'; Enter-LabHost 'WORKER1' }

    It 'returns WorkerSettings.config as bytes, with the worker certificate thumbprint in it' {
        $r = Invoke-Drill 'worker-settings' @{ Folder = '160' }
        $r.path | Should -Be 'C:\Program Files\Microsoft SQL Server\160\DTS\Binn\WorkerSettings.config'
        $xml = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($r.settings))
        $xml | Should -Match '<WorkerHttpsCertThumbprint>[0-9A-Fa-f]{40}</WorkerHttpsCertThumbprint>'
    }

    It 'returns no bytes on a host without a worker' {
        Enter-LabHost 'SQLNODE1'
        (Invoke-Drill 'worker-settings' @{ Folder = '160' }).settings | Should -BeNullOrEmpty
    }
}
