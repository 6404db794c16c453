# Pester 5 tests of the cluster-role-*.ps1 scripts (step 7) against the lab's simulated Windows,
# run as over WinRM (NTLM, no CredSSP): a throwaway lab (lib/lab/windows/test-server.ts) this file
# starts and stops itself.

BeforeAll {
    $script:Root = (Resolve-Path (Join-Path $PSScriptRoot '../../..')).Path
    . (Join-Path $script:Root 'lib/lab/windows/ps/TestLab.ps1')
    $null = Start-TestLab 'fresh'
    Save-TestSession
    function Invoke-Role([string]$Name, [hashtable]$Params) { & (Join-Path $PSScriptRoot "cluster-role-$Name.ps1") @Params }
    $script:Svc = 'SSISScaleOutMaster160'
    $script:Generic = 'SQL Server Integration Services Scale Out Master 16.0'
    $script:Probe = @{ ServiceName = $script:Svc; RoleName = 'SSISMASTER' }
}

AfterAll {
    Restore-TestSession
    Stop-TestLab
}

Describe 'cluster-role-probe.ps1' {
    It 'fresh: the service starts Auto, the cluster has no role, SSISMASTER does not resolve' {
        $null = Send-Lab 'reset fresh'; Enter-LabHost 'SQLNODE1'
        $r = Invoke-Role 'probe' $script:Probe
        $r.service.startMode | Should -Be 'Auto'
        $r.cluster.name | Should -Be 'SSISCLU'
        @($r.cluster.nodes | ForEach-Object name) | Should -Be @('SQLNODE1', 'SQLNODE2')
        $r.cluster.role | Should -BeNullOrEmpty
        $r.dns.addresses.Count | Should -Be 0
        $r.dns.error | Should -Match 'DNS name does not exist'
    }

    It 'half-done: the role by name, with its resources, parameters and possible owners' {
        $null = Send-Lab 'reset half-done'; Enter-LabHost 'SQLNODE2'
        $r = Invoke-Role 'probe' $script:Probe
        $r.service.startMode | Should -Be 'Manual'
        $role = $r.cluster.role
        $role.group | Should -Be 'SSISMASTER'
        $role.match | Should -Be 'name'
        $role.ownerNode | Should -Be 'SQLNODE1'
        $role.state | Should -Be 'Online'
        $generic = @($role.resources | Where-Object type -EQ 'Generic Service')[0]
        $generic.parameters.ServiceName | Should -Be $script:Svc
        @($generic.possibleOwners) | Should -Be @('SQLNODE1', 'SQLNODE2')
        @($role.resources | Where-Object type -EQ 'IP Address')[0].parameters.Address | Should -Be '10.0.0.50'
        @($r.dns.addresses) | Should -Be @('10.0.0.50')
    }

    It 'finds a role made under another name by the service it runs' {
        $null = Send-Lab 'reset half-done'; Enter-LabHost 'SQLNODE1'
        $r = Invoke-Role 'probe' @{ ServiceName = $script:Svc; RoleName = 'OTHERNAME' }
        $r.cluster.role.group | Should -Be 'SSISMASTER'
        $r.cluster.role.match | Should -Be 'service'
    }

    It 'refuses a role name that is not a NetBIOS name' {
        { Invoke-Role 'probe' @{ ServiceName = $script:Svc; RoleName = "x'; Stop-Computer" } } | Should -Throw
    }
}

Describe 'cluster-role-set-manual.ps1' {
    It 'sets Manual; stops a running copy on a node that is not the owner; idempotent' {
        $null = Send-Lab 'reset half-done'; Enter-LabHost 'SQLNODE2'
        Set-Service -Name $script:Svc -StartupType Automatic
        Start-Service -Name $script:Svc
        $r = Invoke-Role 'set-manual' @{ ServiceName = $script:Svc; OwnerNode = 'SQLNODE1' }
        $r.startBefore | Should -Be 'Automatic'
        $r.startAfter | Should -Be 'Manual'
        $r.stopped | Should -BeTrue
        (Get-Service -Name $script:Svc).Status | Should -Be 'Stopped'
        $again = Invoke-Role 'set-manual' @{ ServiceName = $script:Svc; OwnerNode = 'SQLNODE1' }
        $again.startBefore | Should -Be 'Manual'
        $again.stopped | Should -BeFalse
    }

    It 'on the owner node it leaves the running service running' {
        $null = Send-Lab 'reset fresh'; Enter-LabHost 'SQLNODE1'
        $r = Invoke-Role 'set-manual' @{ ServiceName = $script:Svc; OwnerNode = 'SQLNODE1' }
        $r.startAfter | Should -Be 'Manual'
        $r.stopped | Should -BeFalse
        $r.status | Should -Be 'Running'
    }
}

Describe 'cluster-role-set-owners.ps1 and cluster-role-start.ps1' {
    It 'adds the missing possible owner to the resource that lacks it, then brings the role online; both idempotent' {
        $null = Send-Lab 'reset half-done'; Enter-LabHost 'SQLNODE1'
        Set-ClusterOwnerNode -Resource $script:Generic -Owners 'SQLNODE1'
        $null = Stop-ClusterGroup -Name 'SSISMASTER'
        $r = Invoke-Role 'set-owners' @{ Group = 'SSISMASTER'; Owners = @('SQLNODE1', 'SQLNODE2') }
        @($r.changed).Count | Should -Be 1
        $r.changed[0].resource | Should -Be $script:Generic
        @((Get-ClusterOwnerNode -Resource $script:Generic).OwnerNodes | ForEach-Object Name) | Should -Be @('SQLNODE1', 'SQLNODE2')
        @((Invoke-Role 'set-owners' @{ Group = 'SSISMASTER'; Owners = @('SQLNODE1', 'SQLNODE2') }).changed).Count | Should -Be 0

        $s = Invoke-Role 'start' @{ Group = 'SSISMASTER' }
        $s.before | Should -Be 'Offline'
        $s.state | Should -Be 'Online'
        (Get-Service -Name $script:Svc).Status | Should -Be 'Running'
        (Invoke-Role 'start' @{ Group = 'SSISMASTER' }).before | Should -Be 'Online'
    }

    It 'names a group that does not exist' {
        $null = Send-Lab 'reset fresh'; Enter-LabHost 'SQLNODE1'
        { Invoke-Role 'start' @{ Group = 'SSISMASTER' } } | Should -Throw '*SSISMASTER*'
    }
}

Describe 'cluster-role-create.ps1' {
    It 'reports a role that already exists and changes nothing' {
        $null = Send-Lab 'reset half-done'; Enter-LabHost 'SQLNODE1'
        $r = Invoke-Role 'create' @{ ServiceName = $script:Svc; Name = 'SSISMASTER'; StaticAddress = '10.0.0.50'; RunAsUser = 'LAB\Administrator'; RunAsPassword = 'unused' }
        $r.created | Should -BeFalse
        $r.ownerNode | Should -Be 'SQLNODE1'
        $r.state | Should -Be 'Online'
    }

    It 'calling Add-ClusterGenericServiceRole in the WinRM session itself fails (the double hop the script avoids)' {
        $null = Send-Lab 'reset fresh'; Enter-LabHost 'SQLNODE1'
        { Add-ClusterGenericServiceRole -ServiceName $script:Svc -Name 'SSISMASTER' -StaticAddress '10.0.0.50' } | Should -Throw '*administrative privileges on the cluster*'
        Get-ClusterGroup | Where-Object Name -EQ 'SSISMASTER' | Should -BeNullOrEmpty
    }

    It 'creates the role through a scheduled task under the given account, and leaves no task or file behind' {
        $null = Send-Lab 'reset fresh'; Enter-LabHost 'SQLNODE1'
        { Invoke-Role 'create' @{ ServiceName = $script:Svc; Name = 'SSISMASTER'; StaticAddress = '10.0.0.50'; RunAsUser = 'LAB\Administrator'; RunAsPassword = 'wrong' } } | Should -Throw '*user name or password is incorrect*'
        $r = Invoke-Role 'create' @{ ServiceName = $script:Svc; Name = 'SSISMASTER'; StaticAddress = '10.0.0.50'; RunAsUser = 'LAB\Administrator'; RunAsPassword = 'Lab-Admin-2022!' }
        $r.created | Should -BeTrue
        $r.group | Should -Be 'SSISMASTER'
        $r.ownerNode | Should -Be 'SQLNODE1'
        $r.state | Should -Be 'Online'
        @(Get-ScheduledTask -TaskPath '\' -ErrorAction SilentlyContinue | Where-Object TaskName -Like 'SSIS Scale Out HA wizard*').Count | Should -Be 0
        @(Get-ChildItem (Join-Path $env:ProgramData 'SSISScaleOutWizard')).Count | Should -Be 0
        (Resolve-DnsName -Name 'SSISMASTER').IPAddress | Should -Be '10.0.0.50'
    }
}
