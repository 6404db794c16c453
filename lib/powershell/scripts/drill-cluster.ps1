# The failover drill's cluster side, on one master node: where the master's Generic Service role
# runs, and (with -MoveTo) moving it to another node. Move-ClusterGroup waits until the group is
# online on the new owner or reports the failure; the result is read back from the cluster.
# Runs on Windows PowerShell 5.1 and on PowerShell 7.
param(
    [Parameter(Mandatory = $true)][ValidatePattern('^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$')][string]$Group,
    [ValidatePattern('^[A-Za-z0-9][A-Za-z0-9-]{0,14}$')][string]$MoveTo = ''
)
$ErrorActionPreference = 'Stop'

$g = Get-ClusterGroup -Name $Group -ErrorAction Stop
$before = [string]$g.OwnerNode.Name
$moved = $false
if ($MoveTo -and $MoveTo -ne $before) {
    Move-ClusterGroup -Name $Group -Node $MoveTo -ErrorAction Stop | Out-Null
    $moved = $true
    $g = Get-ClusterGroup -Name $Group -ErrorAction Stop
}
$nodes = @(Get-ClusterNode | ForEach-Object { [ordered]@{ name = [string]$_.Name; state = [string]$_.State } })
[ordered]@{
    group  = [string]$g.Name
    before = $before
    owner  = [string]$g.OwnerNode.Name
    state  = [string]$g.State
    moved  = $moved
    nodes  = $nodes
}
