# Read-only: the authentication mode a SQL Server instance starts with, read from the registry, for
# a node the wizard cannot read over SQL (an instance in Windows-authentication-only mode refuses
# every SQL login). SSMS's Server Properties > Security writes the same value:
#   HKLM:\SOFTWARE\Microsoft\Microsoft SQL Server\<instance id>\MSSQLServer  LoginMode
#   (1 = Windows authentication only, 2 = SQL Server and Windows authentication)
# The instance id (MSSQL16.MSSQLSERVER) comes from ...\Instance Names\SQL. Also the state of the
# instance's service: SQL Server reads LoginMode only when it starts.
# Runs on Windows PowerShell 5.1 and on PowerShell 7.
param(
    [Parameter(Mandatory = $true)][ValidatePattern('^[A-Za-z0-9_#$]{1,16}$')][string]$InstanceName,
    [Parameter(Mandatory = $true)][ValidatePattern('^[A-Za-z0-9_$-]{1,80}$')][string]$ServiceName
)

$root = 'HKLM:\SOFTWARE\Microsoft\Microsoft SQL Server'
$instanceId = $null
$names = Get-ItemProperty -LiteralPath "$root\Instance Names\SQL" -ErrorAction SilentlyContinue
if ($names -and $names.PSObject.Properties[$InstanceName]) { $instanceId = [string]$names.$InstanceName }

$key = $null
$loginMode = $null
if ($instanceId) {
    $key = "$root\$instanceId\MSSQLServer"
    $p = Get-ItemProperty -LiteralPath $key -Name LoginMode -ErrorAction SilentlyContinue
    if ($p) { $loginMode = [int]$p.LoginMode }
}

$svc = Get-Service -Name $ServiceName -ErrorAction SilentlyContinue
[ordered]@{
    instanceId = $instanceId
    key        = $key
    loginMode  = $loginMode
    service    = if ($svc) { [string]$svc.Status } else { $null }
}
