# Read-only: what the cluster-role step checks, from one master node, in one round trip.
# - the master service on this node: state and start mode (Manual once clustered; the cluster
#   starts it on the owner node);
# - the cluster's view of the role: the group named after the master DNS host name, or else any
#   group holding a Generic Service resource for the master service; its owner node and state,
#   and each resource's type, state, possible owners and the parameters that matter (ServiceName
#   of the Generic Service, DnsName/Name of the Network Name, Address of the IP Address);
# - what this node's DNS answers for the master DNS host name.
# Runs on Windows PowerShell 5.1 and on PowerShell 7.
param(
    [Parameter(Mandatory = $true)][ValidatePattern('^[A-Za-z0-9_$-]{1,80}$')][string]$ServiceName,
    [Parameter(Mandatory = $true)][ValidatePattern('^[A-Za-z0-9-]{1,15}$')][string]$RoleName
)

$svc = Get-CimInstance -ClassName Win32_Service -Filter "Name='$ServiceName'"
$service = $null
if ($svc) { $service = [ordered]@{ state = [string]$svc.State; startMode = [string]$svc.StartMode } }

function Get-ResourceView($r) {
    $params = [ordered]@{}
    foreach ($p in @($r | Get-ClusterParameter -ErrorAction Stop)) {
        if ([string]$p.Name -in 'ServiceName', 'DnsName', 'Name', 'Address') { $params[[string]$p.Name] = [string]$p.Value }
    }
    [ordered]@{
        name           = [string]$r.Name
        type           = [string]$r.ResourceType.Name
        state          = [string]$r.State
        possibleOwners = @(@((Get-ClusterOwnerNode -Resource $r.Name -ErrorAction Stop).OwnerNodes) | ForEach-Object { [string]$_.Name })
        parameters     = $params
    }
}

$cluster = $null
$clusterError = $null
if (Get-Command -Name Get-ClusterGroup -ErrorAction SilentlyContinue) {
    try {
        $c = Get-Cluster -ErrorAction Stop
        $nodes = @(Get-ClusterNode -ErrorAction Stop | ForEach-Object { [ordered]@{ name = [string]$_.Name; state = [string]$_.State } })
        $resources = @(Get-ClusterResource -ErrorAction Stop)
        $group = @(Get-ClusterGroup -ErrorAction Stop | Where-Object { [string]$_.Name -eq $RoleName })[0]
        $match = 'name'
        if (-not $group) {
            # The role may exist under another name: find it by the service it runs.
            foreach ($r in @($resources | Where-Object { [string]$_.ResourceType.Name -eq 'Generic Service' })) {
                $p = @($r | Get-ClusterParameter -Name ServiceName -ErrorAction Stop)[0]
                if ($p -and [string]$p.Value -eq $ServiceName) { $group = @(Get-ClusterGroup -Name ([string]$r.OwnerGroup.Name) -ErrorAction Stop)[0]; $match = 'service'; break }
            }
        }
        $role = $null
        if ($group) {
            $role = [ordered]@{
                group     = [string]$group.Name
                match     = $match
                ownerNode = [string]$group.OwnerNode.Name
                state     = [string]$group.State
                resources = @($resources | Where-Object { [string]$_.OwnerGroup.Name -eq [string]$group.Name } | ForEach-Object { Get-ResourceView $_ })
            }
        }
        $cluster = [ordered]@{ name = [string]$c.Name; nodes = $nodes; role = $role }
    }
    catch { $clusterError = $_.Exception.Message }
}
else { $clusterError = 'The FailoverClusters module is not installed.' }

$dns = $null
try {
    $dns = [ordered]@{ addresses = @(@(Resolve-DnsName -Name $RoleName -DnsOnly -ErrorAction Stop | Where-Object { $_.IPAddress }) | ForEach-Object { [string]$_.IPAddress } | Sort-Object -Unique); error = $null }
}
catch { $dns = [ordered]@{ addresses = @(); error = $_.Exception.Message } }

[ordered]@{
    computerName = [string]$env:COMPUTERNAME
    service      = $service
    cluster      = $cluster
    clusterError = $clusterError
    dns          = $dns
}
