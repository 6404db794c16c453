# Output objects shaped like Windows': the type names PowerShell shows, the property names and
# types the documentation gives, and the default columns a console would print.

$script:DisplaySets = @{
    'System.ServiceProcess.ServiceController'                                = 'Status', 'Name', 'DisplayName'
    'Microsoft.Management.Infrastructure.CimInstance#root/cimv2/Win32_Service' = 'ProcessId', 'Name', 'StartMode', 'State', 'Status'
    'Microsoft.Windows.ServerManager.Commands.Feature'                       = 'DisplayName', 'Name', 'InstallState'
    'Microsoft.Windows.ServerManager.Commands.FeatureOperationResult'        = 'Success', 'RestartNeeded', 'ExitCode', 'FeatureResult'
    'Microsoft.FailoverClusters.PowerShell.Cluster'                          = 'Name'
    'Microsoft.FailoverClusters.PowerShell.ClusterNode'                      = 'Name', 'State', 'Id'
    'Microsoft.FailoverClusters.PowerShell.ClusterGroup'                     = 'Name', 'OwnerNode', 'State'
    'Microsoft.FailoverClusters.PowerShell.ClusterResource'                  = 'Name', 'State', 'OwnerGroup', 'ResourceType'
    'Microsoft.FailoverClusters.PowerShell.ClusterParameter'                 = 'ClusterObject', 'Name', 'Value', 'ParameterType'
    'Microsoft.FailoverClusters.PowerShell.ClusterOwnerNodeList'             = 'ClusterObject', 'OwnerNodes'
    'Microsoft.DnsClient.Commands.DnsRecord_A'                               = 'Name', 'Type', 'TTL', 'Section', 'IPAddress'
}
foreach ($t in $script:DisplaySets.Keys) {
    Update-TypeData -TypeName $t -DefaultDisplayPropertySet $script:DisplaySets[$t] -Force
}

function Add-LabToString {
    # Cluster objects print as their name ("$group", -join), as the FailoverClusters types do.
    param([Parameter(Mandatory)]$InputObject)
    $InputObject | Add-Member -MemberType ScriptMethod -Name ToString -Value { $this.Name } -Force -PassThru
}

function New-LabServiceObject {
    param([Parameter(Mandatory)]$s)
    $startup = if ($s.startType -eq 'Automatic' -and $s.delayedAutoStart) { 'AutomaticDelayedStart' } else { $s.startType }
    # ServiceController's Name and RequiredServices are aliases (of ServiceName and
    # ServicesDependedOn) in PowerShell's own type data, so only the targets are set here.
    # PowerShell's type data also gives it ToString (the service name).
    [pscustomobject][ordered]@{
            PSTypeName          = 'System.ServiceProcess.ServiceController'
            ServiceName         = $s.name
            DisplayName         = $s.displayName
            Status              = [ServiceControllerStatus]$s.status
            StartType           = [ServiceStartMode]$s.startType
            StartupType         = [ServiceStartupType]$startup
            UserName            = $s.startName
            Description         = $s.description
            DelayedAutoStart    = [bool]$s.delayedAutoStart
            BinaryPathName      = $s.pathName
            MachineName         = '.'
            ServiceType         = 'Win32OwnProcess'
            CanStop             = $s.status -eq 'Running'
            CanPauseAndContinue = $false
            CanShutdown         = $s.status -eq 'Running'
            DependentServices   = @()
            ServicesDependedOn  = @()
        }
}

function New-LabCimServiceObject {
    param([Parameter(Mandatory)]$s)
    [pscustomobject]@{
        PSTypeName       = 'Microsoft.Management.Infrastructure.CimInstance#root/cimv2/Win32_Service'
        Name             = $s.name
        DisplayName      = $s.displayName
        Caption          = $s.displayName
        Description      = $s.description
        State            = [string]$s.status
        Started          = $s.status -eq 'Running'
        StartMode        = if ($s.startType -eq 'Automatic') { 'Auto' } else { [string]$s.startType }
        DelayedAutoStart = [bool]$s.delayedAutoStart
        StartName        = $s.startName
        PathName         = $s.pathName
        ProcessId        = [uint32]$s.processId
        ServiceType      = 'Own Process'
        Status           = 'OK'
        ExitCode         = [uint32]0
        AcceptStop       = $s.status -eq 'Running'
        SystemName       = $env:COMPUTERNAME
        CreationClassName = 'Win32_Service'
        PSComputerName   = $null
    }
}

function New-LabClusterObject {
    param([Parameter(Mandatory)][string]$Kind, [Parameter(Mandatory)][hashtable]$Properties)
    $Properties['PSTypeName'] = "Microsoft.FailoverClusters.PowerShell.$Kind"
    Add-LabToString ([pscustomobject]$Properties)
}

function New-LabClusterNodeObject {
    param($n, $cluster)
    New-LabClusterObject ClusterNode @{ Name = $n.name; NodeName = $n.name; Id = [string]$n.id; State = [ClusterNodeState]$n.state; Cluster = $cluster; NodeWeight = 1; DynamicWeight = 1 }
}

function New-LabClusterGroupObject {
    param($g)
    New-LabClusterObject ClusterGroup @{
        Name        = $g.name
        OwnerNode   = (New-LabClusterObject ClusterNode @{ Name = $g.ownerNode; NodeName = $g.ownerNode })
        State       = [ClusterGroupState]$g.state
        Cluster     = $g.cluster
        GroupType   = $g.groupType
        IsCoreGroup = [bool]$g.isCoreGroup
        Priority    = 2000
    }
}

function New-LabClusterResourceObject {
    param($r)
    New-LabClusterObject ClusterResource @{
        Name           = $r.name
        State          = [ClusterResourceState]$r.state
        OwnerGroup     = (New-LabClusterObject ClusterGroup @{ Name = $r.ownerGroup; OwnerNode = $r.ownerNode; State = [ClusterGroupState]$r.groupState; Cluster = $r.cluster })
        ResourceType   = (New-LabClusterObject ClusterResourceType @{ Name = $r.resourceType; DisplayName = $r.resourceType })
        OwnerNode      = (New-LabClusterObject ClusterNode @{ Name = $r.ownerNode; NodeName = $r.ownerNode })
        Cluster        = $r.cluster
        IsCoreResource = $r.ownerGroup -eq 'Cluster Group'
    }
}
