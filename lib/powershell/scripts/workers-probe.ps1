# Read-only: what step 9 checks on one Scale Out Worker, in one round trip.
# - the worker service from Win32_Service (state, start mode, logon account);
# - WorkerSettings.config as bytes (base64): lib/settings parses it in Node, so the check and the
#   plan's diff read the same bytes whatever the file's encoding;
# - the certificates of LocalMachine\My (the worker's own client certificate is one of them; its
#   public DER goes to the master nodes' Root stores through the wizard's memory only);
# - the thumbprints of LocalMachine\Root (the master certificate must be among them).
# Runs on Windows PowerShell 5.1 and on PowerShell 7.
param(
    [Parameter(Mandatory = $true)][ValidatePattern('^[A-Za-z0-9_$-]{1,80}$')][string]$ServiceName,
    [Parameter(Mandatory = $true)][ValidatePattern('^\d{3}$')][string]$Folder
)

function Read-Bytes([string]$Path) {
    if ($PSVersionTable.PSVersion.Major -ge 6) { Get-Content -LiteralPath $Path -AsByteStream -Raw }
    else { Get-Content -LiteralPath $Path -Encoding Byte -Raw }
}

$svc = Get-CimInstance -ClassName Win32_Service -Filter "Name='$ServiceName'"
$service = $null
if ($svc) {
    $service = [ordered]@{ name = [string]$svc.Name; state = [string]$svc.State; startMode = [string]$svc.StartMode; startName = [string]$svc.StartName }
}

# The DTS folder from the registry (setup may have used another drive), else the default path.
$dtsPath = $null
$key = "HKLM:\SOFTWARE\Microsoft\Microsoft SQL Server\$Folder\SSIS\Setup"
if (Test-Path -LiteralPath $key) {
    $dtsPath = (Get-ItemProperty -LiteralPath $key -Name DTSPath -ErrorAction SilentlyContinue).DTSPath
}
$settingsPath = if ($dtsPath) { (Join-Path (Join-Path $dtsPath 'Binn') 'WorkerSettings.config') } else { "C:\Program Files\Microsoft SQL Server\$Folder\DTS\Binn\WorkerSettings.config" }
$settingsPath = $settingsPath -replace '/', '\'
$settings = $null
if (Test-Path -LiteralPath $settingsPath -PathType Leaf) {
    $settings = [Convert]::ToBase64String([byte[]](Read-Bytes $settingsPath))
}

$my = @(Get-ChildItem -Path Cert:\LocalMachine\My | ForEach-Object {
        [ordered]@{
            thumbprint    = [string]$_.Thumbprint
            der           = [Convert]::ToBase64String($_.RawData)
            hasPrivateKey = [bool]$_.HasPrivateKey
        }
    })

[ordered]@{
    computerName    = [string]$env:COMPUTERNAME
    service         = $service
    settingsPath    = $settingsPath
    settingsBase64  = $settings
    myCerts         = $my
    rootThumbprints = @(Get-ChildItem -Path Cert:\LocalMachine\Root | ForEach-Object { [string]$_.Thumbprint })
}
