# Pester 5 tests of the logging-*.ps1 scripts (step 6) against the lab's simulated Windows: a
# throwaway lab (lib/lab/windows/test-server.ts) this file starts and stops itself. That lab has no
# SQL side, so LoginMode is an ordinary registry value here; in the full lab it is the SQL
# instance's (lib/lab/windows-sql-link.ts, tested in windows-sql-link.test.ts).

BeforeAll {
    $script:Root = (Resolve-Path (Join-Path $PSScriptRoot '../../..')).Path
    . (Join-Path $script:Root 'lib/lab/windows/ps/TestLab.ps1')
    $null = Start-TestLab 'fresh'
    Save-TestSession
    function Invoke-Logging([string]$Name, [hashtable]$Params) { & (Join-Path $PSScriptRoot "logging-$Name.ps1") @Params }
    $script:Key = 'HKLM:\SOFTWARE\Microsoft\Microsoft SQL Server\MSSQL16.MSSQLSERVER\MSSQLServer'
}

AfterAll {
    Restore-TestSession
    Stop-TestLab
}

Describe 'logging-login-mode-probe.ps1 and logging-login-mode-set.ps1' {
    It 'finds the instance key through Instance Names\SQL, and the service' {
        $null = Send-Lab 'reset fresh'; Enter-LabHost 'SQLNODE1'
        $r = Invoke-Logging 'login-mode-probe' @{ InstanceName = 'MSSQLSERVER'; ServiceName = 'MSSQLSERVER' }
        $r.instanceId | Should -Be 'MSSQL16.MSSQLSERVER'
        $r.key | Should -Be $script:Key
        $r.service | Should -Be 'Running'
    }

    It 'writes LoginMode = 2 as a REG_DWORD once; a second run writes nothing' {
        $null = Send-Lab 'reset fresh'; Enter-LabHost 'SQLNODE2'
        Set-ItemProperty -LiteralPath $script:Key -Name LoginMode -Value 1 -Type DWord
        $first = Invoke-Logging 'login-mode-set' @{ InstanceName = 'MSSQLSERVER' }
        $first.key | Should -Be $script:Key
        $first.before | Should -Be 1
        $first.after | Should -Be 2
        (Get-Item -LiteralPath $script:Key).GetValueKind('LoginMode') | Should -Be 'DWord'
        $again = Invoke-Logging 'login-mode-set' @{ InstanceName = 'MSSQLSERVER' }
        $again.before | Should -Be 2
        (Invoke-Logging 'login-mode-probe' @{ InstanceName = 'MSSQLSERVER'; ServiceName = 'MSSQLSERVER' }).loginMode | Should -Be 2
    }

    It 'a host without SQL Server: the probe says so, the write refuses' {
        $null = Send-Lab 'reset fresh'; Enter-LabHost 'WORKER1'
        $r = Invoke-Logging 'login-mode-probe' @{ InstanceName = 'MSSQLSERVER'; ServiceName = 'MSSQLSERVER' }
        $r.instanceId | Should -BeNullOrEmpty
        $r.loginMode | Should -BeNullOrEmpty
        $r.service | Should -BeNullOrEmpty
        { Invoke-Logging 'login-mode-set' @{ InstanceName = 'MSSQLSERVER' } } | Should -Throw 'No SQL Server instance MSSQLSERVER is installed on WORKER1.'
    }

    It 'refuses an instance name that could leave the registry path' {
        Enter-LabHost 'SQLNODE1'
        { Invoke-Logging 'login-mode-set' @{ InstanceName = 'X\..\Y' } } | Should -Throw
        { Invoke-Logging 'login-mode-probe' @{ InstanceName = 'MSSQLSERVER'; ServiceName = "x' OR 1" } } | Should -Throw
    }
}
