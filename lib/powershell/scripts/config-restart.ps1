# Makes the master service read MasterSettings.config again (the documented rule after any edit),
# where it runs and nowhere else:
# - when the service is a cluster role (a Generic Service resource with this ServiceName), its
#   group is cycled on its owner node (Stop-ClusterGroup, Start-ClusterGroup): restarting a
#   clustered service behind the cluster's back is seen as a resource failure. A node that is not
#   the owner does nothing;
# - otherwise the service is restarted if it is running; a stopped service stays stopped.
param([Parameter(Mandatory = $true)][ValidatePattern('^[A-Za-z0-9_$-]{1,80}$')][string]$ServiceName)

$role = $null
if (Get-Command -Name Get-ClusterResource -ErrorAction SilentlyContinue) {
    foreach ($r in @(Get-ClusterResource -ErrorAction SilentlyContinue | Where-Object { [string]$_.ResourceType.Name -eq 'Generic Service' })) {
        $p = @($r | Get-ClusterParameter -Name ServiceName -ErrorAction SilentlyContinue)[0]
        if ($p -and [string]$p.Value -eq $ServiceName) { $role = $r; break }
    }
}

if ($role) {
    $group = [string]$role.OwnerGroup.Name
    $owner = [string]$role.OwnerNode.Name
    if ($owner -ne $env:COMPUTERNAME) {
        return [ordered]@{ restarted = $false; how = 'cluster'; group = $group; ownerNode = $owner; status = 'runs on the owner node' }
    }
    $null = Stop-ClusterGroup -Name $group -ErrorAction Stop
    $g = Start-ClusterGroup -Name $group -ErrorAction Stop
    return [ordered]@{ restarted = $true; how = 'cluster'; group = $group; ownerNode = $owner; status = [string]$g.State }
}

$s = Get-Service -Name $ServiceName
if ($s.Status -ne 'Running') { return [ordered]@{ restarted = $false; how = 'service'; group = $null; ownerNode = $null; status = [string]$s.Status } }
Restart-Service -Name $ServiceName -Force
[ordered]@{ restarted = $true; how = 'service'; group = $null; ownerNode = $null; status = [string](Get-Service -Name $ServiceName).Status }
