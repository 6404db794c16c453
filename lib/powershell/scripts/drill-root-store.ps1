# Read-only: which of the given certificate thumbprints are in LocalMachine\Root on this node
# (the master accepts a worker's client certificate only when it is trusted there).
# Runs on Windows PowerShell 5.1 and on PowerShell 7.
param(
    [Parameter(Mandatory = $true)][AllowEmptyCollection()][string[]]$Thumbprints
)
$present = @()
foreach ($t in $Thumbprints) {
    if ($t -notmatch '^[0-9A-Fa-f]{40}$') { throw "Not a certificate thumbprint: '$t'" }
    if (Test-Path -LiteralPath "Cert:\LocalMachine\Root\$t") { $present += $t.ToUpperInvariant() }
}
[ordered]@{ computer = [string]$env:COMPUTERNAME; present = @($present) }
