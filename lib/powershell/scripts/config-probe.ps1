# Read-only: what the config step checks on one master node, in one round trip.
# - MasterSettings.config as bytes (base64): lib/settings parses it in Node, so the check, the
#   plan's diff and the edit read the same bytes, whatever the file's encoding;
# - the master service's state and start mode (where it runs decides where it is restarted);
# - the owner node of the cluster's Generic Service resource for that service, when one exists:
#   once the service is a cluster role, only the owner runs it.
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
if ($svc) { $service = [ordered]@{ state = [string]$svc.State; startMode = [string]$svc.StartMode } }

# The DTS folder from the registry (setup may have used another drive), else the default path.
$dtsPath = $null
$key = "HKLM:\SOFTWARE\Microsoft\Microsoft SQL Server\$Folder\SSIS\Setup"
if (Test-Path -LiteralPath $key) {
    $dtsPath = (Get-ItemProperty -LiteralPath $key -Name DTSPath -ErrorAction SilentlyContinue).DTSPath
}
$settingsPath = if ($dtsPath) { (Join-Path (Join-Path $dtsPath 'Binn') 'MasterSettings.config') } else { "C:\Program Files\Microsoft SQL Server\$Folder\DTS\Binn\MasterSettings.config" }
$settingsPath = $settingsPath -replace '/', '\'
$settings = $null
if (Test-Path -LiteralPath $settingsPath -PathType Leaf) {
    $settings = [Convert]::ToBase64String([byte[]](Read-Bytes $settingsPath))
}

# The clustered resource, if any (no FailoverClusters module or no cluster: none, with the reason).
$role = $null
$clusterError = $null
if (Get-Command -Name Get-ClusterResource -ErrorAction SilentlyContinue) {
    try {
        foreach ($r in @(Get-ClusterResource -ErrorAction Stop | Where-Object { [string]$_.ResourceType.Name -eq 'Generic Service' })) {
            $p = @($r | Get-ClusterParameter -Name ServiceName -ErrorAction Stop)[0]
            if ($p -and [string]$p.Value -eq $ServiceName) {
                $role = [ordered]@{ group = [string]$r.OwnerGroup.Name; resource = [string]$r.Name; ownerNode = [string]$r.OwnerNode.Name; state = [string]$r.State }
                break
            }
        }
    }
    catch { $clusterError = $_.Exception.Message }
}
else { $clusterError = 'The FailoverClusters module is not installed.' }

[ordered]@{
    computerName   = [string]$env:COMPUTERNAME
    service        = $service
    settingsPath   = $settingsPath
    settingsBase64 = $settings
    role           = $role
    clusterError   = $clusterError
}
