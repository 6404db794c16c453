# Read-only: what the primary and secondary steps check on one master node, in one round trip.
# - the master service from Win32_Service (StartName is only there, not on Get-Service in 5.1),
#   and when its process started (Win32_Process.CreationDate: it reads its settings only then);
# - MasterSettings.config as bytes (base64): lib/settings parses it in Node, so the plan's diff
#   and the check read the same bytes, whatever the file's encoding; and its LastWriteTime (UTC,
#   this node's clock, like the process start: the two are compared);
# - the HTTP.SYS binding on the master port, as netsh prints it (parsed in Node);
# - the certificates of LocalMachine\Root that could be the master's (those with a private key)
#   plus the bound one wherever it lives, and the thumbprints of everything else in Root.
# Runs on Windows PowerShell 5.1 and on PowerShell 7.
param(
    [Parameter(Mandatory = $true)][ValidatePattern('^[A-Za-z0-9_$-]{1,80}$')][string]$ServiceName,
    [Parameter(Mandatory = $true)][ValidateRange(1, 65535)][int]$Port,
    [Parameter(Mandatory = $true)][ValidatePattern('^\d{3}$')][string]$Folder
)

function Read-Bytes([string]$Path) {
    if ($PSVersionTable.PSVersion.Major -ge 6) { Get-Content -LiteralPath $Path -AsByteStream -Raw }
    else { Get-Content -LiteralPath $Path -Encoding Byte -Raw }
}

function Get-CertEntry($Cert, [string]$Store) {
    [ordered]@{
        thumbprint    = [string]$Cert.Thumbprint
        store         = $Store
        der           = [Convert]::ToBase64String($Cert.RawData)
        hasPrivateKey = [bool]$Cert.HasPrivateKey
        friendlyName  = [string]$Cert.FriendlyName
        notBefore     = $Cert.NotBefore.ToUniversalTime().ToString('o')
    }
}

$svc = Get-CimInstance -ClassName Win32_Service -Filter "Name='$ServiceName'"
$service = $null
if ($svc) {
    $service = [ordered]@{ name = [string]$svc.Name; state = [string]$svc.State; startMode = [string]$svc.StartMode; startName = [string]$svc.StartName }
}
$processId = $null
$startTime = $null
if ($svc -and [string]$svc.State -eq 'Running' -and [uint32]$svc.ProcessId -gt 0) {
    $processId = [int]$svc.ProcessId
    $proc = Get-CimInstance -ClassName Win32_Process -Filter "ProcessId=$processId" -ErrorAction SilentlyContinue
    if ($proc -and $proc.CreationDate) { $startTime = ([datetime]$proc.CreationDate).ToUniversalTime().ToString('o') }
}

# The DTS folder from the registry (setup may have used another drive), else the default path.
$dtsPath = $null
$key = "HKLM:\SOFTWARE\Microsoft\Microsoft SQL Server\$Folder\SSIS\Setup"
if (Test-Path -LiteralPath $key) {
    $dtsPath = (Get-ItemProperty -LiteralPath $key -Name DTSPath -ErrorAction SilentlyContinue).DTSPath
}
$settingsPath = if ($dtsPath) { (Join-Path (Join-Path $dtsPath 'Binn') 'MasterSettings.config') } else { "C:\Program Files\Microsoft SQL Server\$Folder\DTS\Binn\MasterSettings.config" }
$settingsPath = $settingsPath -replace '/', '\'
$settings = $null
$lastWrite = $null
if (Test-Path -LiteralPath $settingsPath -PathType Leaf) {
    $settings = [Convert]::ToBase64String([byte[]](Read-Bytes $settingsPath))
    $lastWrite = (Get-Item -LiteralPath $settingsPath).LastWriteTimeUtc.ToString('o')
}

$netsh = @(netsh http show sslcert "ipport=0.0.0.0:$Port")
$netshExit = $LASTEXITCODE

$root = @(Get-ChildItem -Path Cert:\LocalMachine\Root)
$certs = @($root | Where-Object { $_.HasPrivateKey } | ForEach-Object { Get-CertEntry $_ 'Root' })
$bound = $null
$m = [regex]::Match(($netsh -join "`n"), 'Certificate Hash\s*:\s*([0-9a-fA-F]{40})')
if ($m.Success) {
    $storeMatch = [regex]::Match(($netsh -join "`n"), 'Certificate Store Name\s*:\s*(\S+)')
    $boundStore = if ($storeMatch.Success -and $storeMatch.Groups[1].Value -ne '(null)') { $storeMatch.Groups[1].Value } else { 'My' }
    $path = "Cert:\LocalMachine\$boundStore\$($m.Groups[1].Value.ToUpperInvariant())"
    if (Test-Path -LiteralPath $path) { $bound = Get-CertEntry (Get-Item -LiteralPath $path) $boundStore }
}

[ordered]@{
    computerName   = [string]$env:COMPUTERNAME
    service        = $service
    serviceProcessId = $processId
    serviceStartTime = $startTime
    settingsPath   = $settingsPath
    settingsBase64 = $settings
    settingsLastWrite = $lastWrite
    netsh          = @($netsh | ForEach-Object { [string]$_ })
    netshExitCode  = [int]$netshExit
    rootThumbprints = @($root | ForEach-Object { [string]$_.Thumbprint })
    rootCerts      = $certs
    boundCert      = $bound
}
