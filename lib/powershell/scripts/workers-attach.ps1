# Attaches this Scale Out Worker to the master, in one round trip (the manual equivalent of Scale
# Out Manager's "Add worker", reference section 8.2):
# 1. the master certificate (public DER, base64) into LocalMachine\Root, so the worker trusts the
#    master's TLS certificate; the .cer file exists only for the call, in the session's TEMP;
# 2. WorkerSettings.config replaced with the bytes the wizard computed (lib/settings: only
#    MasterEndpoint and MasterHttpsCertThumbprint differ), refused when the file changed since it
#    was read, after a timestamped backup next to it, through a temporary file and Move-Item
#    -Force, so the service never reads a half-written file;
# 3. the worker service restarted (started when stopped): it reads the file only when it starts.
# Each part is skipped when there is nothing to do, so running it twice changes nothing more.
param(
    [Parameter(Mandatory = $true)][ValidatePattern('^[A-Za-z0-9_$-]{1,80}$')][string]$ServiceName,
    [Parameter(Mandatory = $true)][ValidatePattern('^[0-9A-Fa-f]{40}$')][string]$MasterThumbprint,
    [string]$MasterCertBase64 = '',
    [ValidatePattern('^$|\\WorkerSettings\.config$')][string]$SettingsPath = '',
    [ValidatePattern('^$|^[0-9a-f]{64}$')][string]$ExpectedSha256 = '',
    [string]$ContentBase64 = '',
    [bool]$Restart = $true
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

# Refused before anything changes: a file edited since it was read.
if ($ContentBase64) {
    if (-not $SettingsPath -or -not $ExpectedSha256) { throw 'SettingsPath and ExpectedSha256 go with ContentBase64.' }
    if (-not (Test-Path -LiteralPath $SettingsPath -PathType Leaf)) { throw "$SettingsPath does not exist on $env:COMPUTERNAME." }
    if ((Get-Sha256 ([byte[]](Read-Bytes $SettingsPath))) -ne $ExpectedSha256) { throw "$SettingsPath changed on $env:COMPUTERNAME since it was read: probe again and review the new plan." }
}

$thumb = $MasterThumbprint.ToUpperInvariant()
$imported = $false
if (-not (Test-Path -LiteralPath "Cert:\LocalMachine\Root\$thumb")) {
    if (-not $MasterCertBase64) { throw "The master certificate $thumb is not in LocalMachine\Root on $env:COMPUTERNAME and none was given." }
    $file = Join-Path $env:TEMP ("ssis-master-" + [guid]::NewGuid().ToString('N') + '.cer')
    try {
        Write-Bytes $file ([Convert]::FromBase64String($MasterCertBase64))
        $done = @(Import-Certificate -FilePath $file -CertStoreLocation Cert:\LocalMachine\Root)
    }
    finally {
        Remove-Item -LiteralPath $file -Force -ErrorAction SilentlyContinue
    }
    if (-not ($done | Where-Object { $_.Thumbprint -eq $thumb })) { throw "The certificate given is not the master certificate $thumb (it is $(@($done | ForEach-Object Thumbprint) -join ', '))." }
    $imported = $true
}

$backup = $null
$sha256 = $null
if ($ContentBase64) {
    $dir = Split-Path -Parent $SettingsPath
    $backup = Join-Path $dir ("WorkerSettings.config." + (Get-Date).ToUniversalTime().ToString('yyyyMMddTHHmmssZ') + '.bak')
    Copy-Item -LiteralPath $SettingsPath -Destination $backup -Force
    $temp = Join-Path $dir ("WorkerSettings.config." + [guid]::NewGuid().ToString('N') + '.tmp')
    try {
        Write-Bytes $temp ([Convert]::FromBase64String($ContentBase64))
        Move-Item -LiteralPath $temp -Destination $SettingsPath -Force
    }
    finally {
        if (Test-Path -LiteralPath $temp) { Remove-Item -LiteralPath $temp -Force -ErrorAction SilentlyContinue }
    }
    $sha256 = Get-Sha256 ([byte[]](Read-Bytes $SettingsPath))
}

$restarted = $false
if ($Restart) {
    $s = Get-Service -Name $ServiceName
    if ($s.Status -eq 'Running') { Restart-Service -Name $ServiceName -Force } else { Start-Service -Name $ServiceName }
    $restarted = $true
}
[ordered]@{ imported = $imported; backup = $backup; sha256 = $sha256; restarted = $restarted; status = [string](Get-Service -Name $ServiceName).Status }
