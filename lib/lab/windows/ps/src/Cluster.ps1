# FailoverClusters: the cmdlets the wizard uses, over the lab's cluster state. Exported only on
# hosts where RSAT-Clustering-PowerShell is installed (see LabWindows.psm1).

function Invoke-LabClusterOp {
    param([string]$Op, [hashtable]$Arguments, $Cmdlet, [switch]$NonTerminating)
    $reply = Invoke-LabOp $Op $Arguments
    if ($reply.ok) { return , @($reply.result) }
    $record = New-LabErrorRecord $reply.error
    if ($NonTerminating) { $Cmdlet.WriteError($record); return $null }
    $Cmdlet.ThrowTerminatingError($record)
}

function Select-LabByName {
    # Literal names that match nothing are the cmdlet's ObjectNotFound error; wildcards match quietly.
    param($Items, [string[]]$Name, $Cmdlet, [string]$Command, [string]$What)
    if (-not $Name) { return $Items }
    foreach ($n in $Name) {
        $m = @($Items | Where-Object { $_.name -like $n })
        if ($m.Count -eq 0 -and -not [WildcardPattern]::ContainsWildcardCharacters($n)) {
            $text = switch ($What) {
                'group' { "An error occurred opening cluster group '$n'.`n    The cluster group could not be found." }
                'node' { "An error occurred opening cluster node '$n'.`n    The cluster node was not found." }
                default { "An error occurred opening resource '$n'.`n    The cluster resource could not be found." }
            }
            $Cmdlet.WriteError((New-LabErrorRecord (New-LabError -Message $text -Id "$Command,Microsoft.FailoverClusters.PowerShell.$($Command -replace '-', '')Command" -Category ObjectNotFound -Exception Exception) $n))
        }
        $m
    }
}

function Get-Cluster {
    [CmdletBinding()]
    param([Parameter(Position = 0)][Alias('Cluster')][string]$Name, [string]$Domain)
    $c = Invoke-LabClusterOp 'cluster.get' @{ cluster = $(if ($Name -and $Name -ne '.') { $Name } else { $null }) } $PSCmdlet
    foreach ($x in $c) {
        New-LabClusterObject Cluster @{ Name = $x.name; Domain = $x.dnsDomain; Id = [guid]::new(([Security.Cryptography.MD5]::HashData([Text.Encoding]::UTF8.GetBytes($x.name)))).ToString(); SharedVolumesRoot = 'C:\ClusterStorage' }
    }
}

function Get-ClusterNode {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string[]]$Name, [Parameter(ValueFromPipeline = $true)][object]$InputObject, [string]$Cluster)
    process {
        $nodes = Invoke-LabClusterOp 'cluster.nodes' @{ cluster = $(if ($Cluster) { $Cluster } else { $null }) } $PSCmdlet
        Select-LabByName $nodes $Name $PSCmdlet 'Get-ClusterNode' 'node' | ForEach-Object { New-LabClusterNodeObject $_ $_.cluster }
    }
}

function Get-ClusterGroup {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string[]]$Name, [Parameter(ValueFromPipeline = $true)][object]$InputObject, [string]$Cluster)
    process {
        $groups = Invoke-LabClusterOp 'cluster.groups' @{ cluster = $(if ($Cluster) { $Cluster } else { $null }) } $PSCmdlet
        # A node piped in means "the groups it owns".
        if ($InputObject -and $InputObject.PSObject.TypeNames[0] -eq 'Microsoft.FailoverClusters.PowerShell.ClusterNode') { $groups = $groups | Where-Object ownerNode -EQ $InputObject.Name }
        Select-LabByName $groups $Name $PSCmdlet 'Get-ClusterGroup' 'group' | ForEach-Object { New-LabClusterGroupObject $_ }
    }
}

function Get-LabClusterResources([string]$Cluster, $Cmdlet) {
    Invoke-LabClusterOp 'cluster.resources' @{ cluster = $(if ($Cluster) { $Cluster } else { $null }) } $Cmdlet
}

function Get-ClusterResource {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string[]]$Name, [Parameter(ValueFromPipeline = $true)][object]$InputObject, [string]$Cluster)
    process {
        $res = Get-LabClusterResources $Cluster $PSCmdlet
        if ($InputObject) {
            switch ($InputObject.PSObject.TypeNames[0]) {
                'Microsoft.FailoverClusters.PowerShell.ClusterGroup' { $res = $res | Where-Object ownerGroup -EQ $InputObject.Name }
                'Microsoft.FailoverClusters.PowerShell.ClusterNode' { $res = $res | Where-Object ownerNode -EQ $InputObject.Name }
            }
        }
        Select-LabByName $res $Name $PSCmdlet 'Get-ClusterResource' 'resource' | ForEach-Object { New-LabClusterResourceObject $_ }
    }
}

function Get-ClusterParameter {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string[]]$Name, [Parameter(ValueFromPipeline = $true)][object]$InputObject, [string]$Cluster)
    process {
        $res = Get-LabClusterResources $Cluster $PSCmdlet
        $targets = if ($InputObject) { @($res | Where-Object name -EQ $InputObject.Name) } else { @() }
        foreach ($r in $targets) {
            $owner = New-LabClusterResourceObject $r
            foreach ($p in $r.parameters.PSObject.Properties) {
                if ($Name -and -not ($Name | Where-Object { $p.Name -like $_ })) { continue }
                [pscustomobject]@{
                    PSTypeName    = 'Microsoft.FailoverClusters.PowerShell.ClusterParameter'
                    ClusterObject = $owner
                    Name          = $p.Name
                    IsReadOnly    = $false
                    ParameterType = if ($p.Value -is [string]) { 'String' } else { 'UInt32' }
                    Value         = if ($p.Value -is [string]) { $p.Value } else { [uint32]$p.Value }
                }
            }
        }
    }
}

function Get-ClusterOwnerNode {
    [CmdletBinding(PositionalBinding = $false)]
    param([string]$Group, [Alias('Res')][string]$Resource, [Parameter(ValueFromPipeline = $true)][object]$InputObject, [string]$Cluster)
    process {
        $nodes = Invoke-LabClusterOp 'cluster.nodes' @{ cluster = $(if ($Cluster) { $Cluster } else { $null }) } $PSCmdlet
        if ($InputObject) {
            if ($InputObject.PSObject.TypeNames[0] -eq 'Microsoft.FailoverClusters.PowerShell.ClusterGroup') { $Group = $InputObject.Name } else { $Resource = $InputObject.Name }
        }
        if ($Group) {
            $g = @(Get-ClusterGroup -Name $Group -Cluster $Cluster -ErrorAction Stop)[0]
            $raw = (Invoke-LabClusterOp 'cluster.groups' @{ cluster = $(if ($Cluster) { $Cluster } else { $null }) } $PSCmdlet) | Where-Object name -EQ $Group
            $owners = @($raw.preferredOwners)
            $obj = $g
        } else {
            $obj = @(Get-ClusterResource -Name $Resource -Cluster $Cluster -ErrorAction Stop)[0]
            $raw = (Get-LabClusterResources $Cluster $PSCmdlet) | Where-Object name -EQ $Resource
            $owners = if ($null -eq $raw.possibleOwners) { @($nodes.name) } else { @($raw.possibleOwners) }
        }
        [pscustomobject]@{
            PSTypeName    = 'Microsoft.FailoverClusters.PowerShell.ClusterOwnerNodeList'
            ClusterObject = $obj
            OwnerNodes    = @(foreach ($o in $owners) { $n = $nodes | Where-Object name -EQ $o; New-LabClusterNodeObject $n $n.cluster })
        }
    }
}

function Set-ClusterOwnerNode {
    [CmdletBinding(PositionalBinding = $false)]
    param(
        [Parameter(Mandatory = $true)][string[]]$Owners,
        [string]$Group,
        [string]$Resource,
        [Parameter(ValueFromPipeline = $true)][object]$InputObject,
        [string]$Cluster
    )
    process {
        if ($InputObject) {
            if ($InputObject.PSObject.TypeNames[0] -eq 'Microsoft.FailoverClusters.PowerShell.ClusterGroup') { $Group = $InputObject.Name } else { $Resource = $InputObject.Name }
        }
        $list = @($Owners | ForEach-Object { $_ -split ',' } | ForEach-Object { $_.Trim() } | Where-Object { $_ })
        $null = Invoke-LabClusterOp 'cluster.setOwners' @{ group = $(if ($Group) { $Group } else { $null }); resource = $(if ($Resource) { $Resource } else { $null }); owners = $list; cluster = $(if ($Cluster) { $Cluster } else { $null }) } $PSCmdlet
    }
}

function Add-ClusterGenericServiceRole {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)][string]$ServiceName,
        [string[]]$CheckpointKey,
        [string[]]$Storage,
        [string[]]$StaticAddress,
        [string[]]$IgnoreNetwork,
        [Parameter(Position = 0)][string]$Name,
        [int]$Wait,
        [Parameter(ValueFromPipeline = $true)][object]$InputObject,
        [string]$Cluster
    )
    process {
        Write-Progress -Activity 'Configure Role' -Status "Creating the clustered role '$Name'"
        $g = Invoke-LabClusterOp 'cluster.addGenericServiceRole' @{
            serviceName = $ServiceName; name = $(if ($Name) { $Name } else { $null })
            staticAddress = $(if ($StaticAddress) { @($StaticAddress) } else { $null }); ignoreNetwork = $(if ($IgnoreNetwork) { @($IgnoreNetwork) } else { $null })
            cluster = $(if ($Cluster) { $Cluster } else { $null })
        } $PSCmdlet
        Write-Progress -Activity 'Configure Role' -Completed
        foreach ($x in $g) { New-LabClusterGroupObject $x }
    }
}

function Invoke-LabGroupAction {
    param([string]$Op, [string]$Name, $InputObject, [string]$Cluster, $Cmdlet, [hashtable]$Extra = @{})
    $n = if ($InputObject) { [string]$InputObject.Name } else { $Name }
    $a = @{ name = $n; cluster = $(if ($Cluster) { $Cluster } else { $null }) } + $Extra
    $g = Invoke-LabClusterOp $Op $a $Cmdlet -NonTerminating
    foreach ($x in $g) { New-LabClusterGroupObject $x }
}

function Move-ClusterGroup {
    [CmdletBinding()]
    param(
        [Parameter(Position = 0)][string]$Name,
        [Parameter(Position = 1)][string]$Node,
        [Parameter(ValueFromPipeline = $true)][object]$InputObject,
        [switch]$IgnoreLocked,
        [int]$Wait,
        [string]$Cluster
    )
    process {
        Write-Progress -Activity 'Move-ClusterGroup' -Status "Moving the clustered role '$Name'"
        Invoke-LabGroupAction 'cluster.moveGroup' $Name $InputObject $Cluster $PSCmdlet @{ node = $(if ($Node) { $Node } else { $null }) }
        Write-Progress -Activity 'Move-ClusterGroup' -Completed
    }
}

function Start-ClusterGroup {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Name, [Parameter(ValueFromPipeline = $true)][object]$InputObject, [switch]$IgnoreLocked, [switch]$ChooseBestNode, [int]$Wait, [string]$Cluster)
    process { Invoke-LabGroupAction 'cluster.startGroup' $Name $InputObject $Cluster $PSCmdlet }
}

function Stop-ClusterGroup {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Name, [Parameter(ValueFromPipeline = $true)][object]$InputObject, [switch]$IgnoreLocked, [int]$Wait, [string]$Cluster)
    process { Invoke-LabGroupAction 'cluster.stopGroup' $Name $InputObject $Cluster $PSCmdlet }
}

function New-Cluster {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true, Position = 0)][string]$Name,
        [string[]]$Node,
        [string[]]$StaticAddress,
        [string[]]$IgnoreNetwork,
        [switch]$NoStorage,
        [Alias('aap')][string]$AdministrativeAccessPoint,
        [switch]$S2D,
        [switch]$Force
    )
    Write-Progress -Activity 'Create Cluster' -Status "Forming cluster '$Name'"
    $r = Invoke-LabClusterOp 'cluster.new' @{ name = $Name; nodes = @($(if ($Node) { $Node } else { $env:COMPUTERNAME })); staticAddress = $(if ($StaticAddress) { @($StaticAddress) } else { $null }); noStorage = [bool]$NoStorage } $PSCmdlet
    Write-Progress -Activity 'Create Cluster' -Completed
    foreach ($x in $r) { New-LabClusterObject Cluster @{ Name = $x.name; Domain = $script:LabSession.dnsDomain } }
}

function Test-Cluster {
    # Slow as the real one is (a few seconds of progress), then a report file and its FileInfo.
    [CmdletBinding(SupportsShouldProcess = $true)]
    param(
        [Parameter(Position = 0)][string[]]$Node,
        [string[]]$Include,
        [string[]]$Ignore,
        [string]$ReportName,
        [switch]$Force,
        [object[]]$Disk,
        [object[]]$Pool,
        [Parameter(ValueFromPipeline = $true)][object]$InputObject,
        [string]$Cluster
    )
    $target = if ($Node) { $Node -join ', ' } elseif ($Cluster) { $Cluster } else { $env:COMPUTERNAME }
    if (-not $PSCmdlet.ShouldProcess($target, 'Test-Cluster')) { return }
    $tests = 'Inventory', 'Network', 'System Configuration', 'Storage'
    if ($Include) { $tests = $Include }
    $i = 0
    foreach ($t in $tests) {
        $i++
        Write-Progress -Activity 'Test-Cluster' -Status "Validating: $t" -PercentComplete ([int](100 * $i / ($tests.Count + 1)))
        Start-Sleep -Milliseconds 700
    }
    $r = Invoke-LabClusterOp 'cluster.test' @{ nodes = $(if ($Node) { @($Node) } else { $null }) } $PSCmdlet
    Write-Progress -Activity 'Test-Cluster' -Completed
    $when = Get-Date
    $path = if ($ReportName) { $ReportName } else { 'C:\Windows\Cluster\Reports\Validation Report {0}.htm' -f $when.ToString('yyyy.MM.dd \A\t HH.mm.ss') }
    if (-not [IO.Path]::GetExtension($path)) { $path += '.htm' }
    $real = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($path)
    $null = New-Item -ItemType Directory -Force -Path ([IO.Path]::GetDirectoryName($real))
    [IO.File]::WriteAllText($real, [string]$r[0].html)
    foreach ($w in $r[0].warnings) { Write-Warning $w }
    if ($r[0].failed) { Write-Warning "Test Result:`nFailed`nThe configuration is not suitable for clustering." }
    Get-Item -LiteralPath $real
}
