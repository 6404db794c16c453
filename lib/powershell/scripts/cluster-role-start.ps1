# Brings the role online on its owner node (the cluster starts the master service there).
# Idempotent: an online role is left as it is.
param([Parameter(Mandatory = $true)][ValidatePattern('^[A-Za-z0-9 ._-]{1,64}$')][string]$Group)
$ErrorActionPreference = 'Stop'
$g = Get-ClusterGroup -Name $Group -ErrorAction Stop
$before = [string]$g.State
if ($before -ne 'Online') { $g = Start-ClusterGroup -Name $Group -ErrorAction Stop }
[ordered]@{ group = [string]$g.Name; before = $before; state = [string]$g.State; ownerNode = [string]$g.OwnerNode.Name }
