# The master service starts Manual on this node: the cluster starts it on the role's owner node.
# On a node that is not the owner (OwnerNode: the role's owner, or the node that will create it)
# a running master is stopped too, so only one node answers workers. Idempotent.
param(
    [Parameter(Mandatory = $true)][ValidatePattern('^[A-Za-z0-9_$-]{1,80}$')][string]$ServiceName,
    [Parameter(Mandatory = $true)][ValidatePattern('^[A-Za-z0-9-]{1,15}$')][string]$OwnerNode
)

$before = Get-Service -Name $ServiceName -ErrorAction Stop
$startBefore = [string]$before.StartType
if ($startBefore -ne 'Manual') { Set-Service -Name $ServiceName -StartupType Manual -ErrorAction Stop }
$stopped = $false
if ($OwnerNode -ne $env:COMPUTERNAME -and $before.Status -eq 'Running') {
    Stop-Service -Name $ServiceName -Force -ErrorAction Stop
    $stopped = $true
}
$after = Get-Service -Name $ServiceName
[ordered]@{ startBefore = $startBefore; startAfter = [string]$after.StartType; stopped = $stopped; status = [string]$after.Status }
