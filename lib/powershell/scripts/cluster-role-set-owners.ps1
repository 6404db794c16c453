# Every master node becomes a possible owner of every resource of the role (the Generic Service,
# its Network Name and IP Address), so the role can fail over to any of them. Resources that
# already list them all are left alone. Cluster API calls only: no second hop, so this runs in the
# WinRM session itself.
param(
    [Parameter(Mandatory = $true)][ValidatePattern('^[A-Za-z0-9 ._-]{1,64}$')][string]$Group,
    [Parameter(Mandatory = $true)][ValidateCount(1, 16)][ValidatePattern('^[A-Za-z0-9-]{1,15}$')][string[]]$Owners
)
$ErrorActionPreference = 'Stop'
$null = Get-ClusterGroup -Name $Group -ErrorAction Stop
$changed = @()
foreach ($r in @(Get-ClusterResource -ErrorAction Stop | Where-Object { [string]$_.OwnerGroup.Name -eq $Group })) {
    $now = @(@((Get-ClusterOwnerNode -Resource $r.Name -ErrorAction Stop).OwnerNodes) | ForEach-Object { ([string]$_.Name).ToUpperInvariant() })
    $missing = @($Owners | Where-Object { $now -notcontains $_.ToUpperInvariant() })
    if ($missing.Count -eq 0) { continue }
    # The resource keeps the owners it had and gains the missing ones.
    $all = @(@($now) + @($missing | ForEach-Object { $_.ToUpperInvariant() }) | Select-Object -Unique)
    Set-ClusterOwnerNode -Resource $r.Name -Owners $all -ErrorAction Stop
    $changed += [ordered]@{ resource = [string]$r.Name; before = $now; after = $all }
}
[ordered]@{ group = $Group; changed = @($changed) }
