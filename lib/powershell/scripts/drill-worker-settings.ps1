# Read-only: WorkerSettings.config of this worker as bytes (base64), for the drill to learn which
# client certificate the worker presents (lib/settings parses it on the server).
# Runs on Windows PowerShell 5.1 and on PowerShell 7.
param(
    [Parameter(Mandatory = $true)][ValidatePattern('^\d{3}$')][string]$Folder
)
function Read-Bytes([string]$Path) {
    if ($PSVersionTable.PSVersion.Major -ge 6) { Get-Content -LiteralPath $Path -AsByteStream -Raw }
    else { Get-Content -LiteralPath $Path -Encoding Byte -Raw }
}
$dtsPath = $null
$key = "HKLM:\SOFTWARE\Microsoft\Microsoft SQL Server\$Folder\SSIS\Setup"
if (Test-Path -LiteralPath $key) {
    $dtsPath = (Get-ItemProperty -LiteralPath $key -Name DTSPath -ErrorAction SilentlyContinue).DTSPath
}
$path = if ($dtsPath) { (Join-Path (Join-Path $dtsPath 'Binn') 'WorkerSettings.config') } else { "C:\Program Files\Microsoft SQL Server\$Folder\DTS\Binn\WorkerSettings.config" }
$path = $path -replace '/', '\'
$bytes = $null
if (Test-Path -LiteralPath $path -PathType Leaf) { $bytes = [Convert]::ToBase64String([byte[]](Read-Bytes $path)) }
[ordered]@{ path = $path; settings = $bytes }
