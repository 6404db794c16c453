# Replaces MasterSettings.config with the bytes the wizard computed (lib/settings: only the edited
# element's text differs). Safe by construction:
# - refuses when the file changed since it was read (SHA-256 of the bytes the edit was made from);
# - writes a timestamped backup next to it first;
# - writes the new bytes to a temporary file in the same folder, then Move-Item -Force over the
#   original, so the service never reads a half-written file.
param(
    [Parameter(Mandatory = $true)][ValidatePattern('\\MasterSettings\.config$')][string]$Path,
    [Parameter(Mandatory = $true)][ValidatePattern('^[0-9a-f]{64}$')][string]$ExpectedSha256,
    [Parameter(Mandatory = $true)][string]$ContentBase64
)

function Read-Bytes([string]$P) {
    if ($PSVersionTable.PSVersion.Major -ge 6) { Get-Content -LiteralPath $P -AsByteStream -Raw } else { Get-Content -LiteralPath $P -Encoding Byte -Raw }
}
function Write-Bytes([string]$P, [byte[]]$B) {
    if ($PSVersionTable.PSVersion.Major -ge 6) { Set-Content -LiteralPath $P -Value $B -AsByteStream } else { Set-Content -LiteralPath $P -Value $B -Encoding Byte }
}
function Get-Sha256([byte[]]$B) {
    $sha = [System.Security.Cryptography.SHA256]::Create()
    try { ([BitConverter]::ToString($sha.ComputeHash($B)) -replace '-', '').ToLowerInvariant() } finally { $sha.Dispose() }
}

if (-not (Test-Path -LiteralPath $Path -PathType Leaf)) { throw "$Path does not exist on $env:COMPUTERNAME." }
$current = [byte[]](Read-Bytes $Path)
$actual = Get-Sha256 $current
if ($actual -ne $ExpectedSha256) { throw "$Path changed on $env:COMPUTERNAME since it was read: probe again and review the new plan." }

$dir = Split-Path -Parent $Path
$backup = Join-Path $dir ("MasterSettings.config." + (Get-Date).ToUniversalTime().ToString('yyyyMMddTHHmmssZ') + '.bak')
Copy-Item -LiteralPath $Path -Destination $backup -Force
$temp = Join-Path $dir ("MasterSettings.config." + [guid]::NewGuid().ToString('N') + '.tmp')
try {
    Write-Bytes $temp ([Convert]::FromBase64String($ContentBase64))
    Move-Item -LiteralPath $temp -Destination $Path -Force
}
finally {
    if (Test-Path -LiteralPath $temp) { Remove-Item -LiteralPath $temp -Force -ErrorAction SilentlyContinue }
}
[ordered]@{ path = $Path; backup = $backup; sha256 = (Get-Sha256 ([byte[]](Read-Bytes $Path))) }
