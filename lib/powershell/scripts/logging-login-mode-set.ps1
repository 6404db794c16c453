# Turns on SQL Server and Windows authentication ("mixed mode") for one instance, as SSMS's
# Server Properties > Security does: LoginMode = 2 (REG_DWORD) under the instance's key
#   HKLM:\SOFTWARE\Microsoft\Microsoft SQL Server\<instance id>\MSSQLServer
# SQL Server reads it only when it starts: restarting the service is a separate operation.
# Writes nothing when the value is already 2. Runs on Windows PowerShell 5.1 and on PowerShell 7.
param([Parameter(Mandatory = $true)][ValidatePattern('^[A-Za-z0-9_#$]{1,16}$')][string]$InstanceName)

$ErrorActionPreference = 'Stop'
$root = 'HKLM:\SOFTWARE\Microsoft\Microsoft SQL Server'
$names = Get-ItemProperty -LiteralPath "$root\Instance Names\SQL" -ErrorAction SilentlyContinue
if (-not $names -or -not $names.PSObject.Properties[$InstanceName]) { throw "No SQL Server instance $InstanceName is installed on $env:COMPUTERNAME." }
$key = "$root\$([string]$names.$InstanceName)\MSSQLServer"

$before = $null
$p = Get-ItemProperty -LiteralPath $key -Name LoginMode -ErrorAction SilentlyContinue
if ($p) { $before = [int]$p.LoginMode }
if ($before -ne 2) { Set-ItemProperty -LiteralPath $key -Name LoginMode -Value 2 -Type DWord }
[ordered]@{
    key    = $key
    before = $before
    after  = [int](Get-ItemProperty -LiteralPath $key -Name LoginMode).LoginMode
}
