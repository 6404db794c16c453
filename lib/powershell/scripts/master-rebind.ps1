# Binds the master certificate on the master port in HTTP.SYS, as Microsoft's "change the master
# certificate" procedure does: netsh http delete, then add with certstorename=Root and the
# binding's original appid (SSIS setup registered it; a new GUID would orphan the old one).
# Idempotent: a binding that already has this certificate is left alone. When the add fails,
# the previous binding is put back so the master is never left without one.
param(
    [Parameter(Mandatory = $true)][ValidateRange(1, 65535)][int]$Port,
    [Parameter(Mandatory = $true)][ValidatePattern('^[0-9A-Fa-f]{40}$')][string]$Thumbprint,
    # Used only when no binding exists yet to take the appid from.
    [Parameter(Mandatory = $true)][ValidatePattern('^\{[0-9A-Fa-f-]{36}\}$')][string]$DefaultAppId
)

$ipport = "0.0.0.0:$Port"
$show = (@(netsh http show sslcert "ipport=$ipport") -join "`n")
$hash = [regex]::Match($show, 'Certificate Hash\s*:\s*([0-9a-fA-F]{40})')
$app = [regex]::Match($show, 'Application ID\s*:\s*(\{[0-9a-fA-F-]{36}\})')
$storeName = [regex]::Match($show, 'Certificate Store Name\s*:\s*(\S+)')
$wanted = $Thumbprint.ToLowerInvariant()
if ($hash.Success -and $hash.Groups[1].Value.ToLowerInvariant() -eq $wanted -and $storeName.Groups[1].Value -eq 'Root') {
    return [ordered]@{ changed = $false; appId = $app.Groups[1].Value; previous = $wanted }
}
$appId = if ($app.Success) { $app.Groups[1].Value } else { $DefaultAppId }
$previous = if ($hash.Success) { $hash.Groups[1].Value.ToLowerInvariant() } else { $null }
$previousStore = if ($storeName.Success -and $storeName.Groups[1].Value -ne '(null)') { $storeName.Groups[1].Value } else { 'MY' }

if ($previous) {
    $out = @(netsh http delete sslcert "ipport=$ipport")
    if ($LASTEXITCODE -ne 0) { throw "netsh http delete sslcert ipport=$ipport failed: $(($out | Where-Object { $_ }) -join ' ')" }
}
$out = @(netsh http add sslcert "ipport=$ipport" "certhash=$wanted" "appid=$appId" certstorename=Root)
if ($LASTEXITCODE -ne 0) {
    $why = ($out | Where-Object { $_ }) -join ' '
    if ($previous) { $null = netsh http add sslcert "ipport=$ipport" "certhash=$previous" "appid=$appId" "certstorename=$previousStore" }
    throw "netsh http add sslcert ipport=$ipport certhash=$wanted failed: $why. The previous binding was restored."
}
[ordered]@{ changed = $true; appId = $appId; previous = $previous }
