# Changes the master service's logon account (Win32_Service.Change, what services.msc does) and
# restarts it when it was running, so the new account takes effect and a wrong password shows
# now rather than at the next failover. The password arrives only as a parameter.
param(
    [Parameter(Mandatory = $true)][ValidatePattern('^[A-Za-z0-9_$-]{1,80}$')][string]$ServiceName,
    [Parameter(Mandatory = $true)][ValidatePattern('^[^\\/]+\\[^\\/]+$|^[^@]+@[^@]+$')][string]$Account,
    [Parameter(Mandatory = $true)][string]$Password
)

# Win32_Service.Change return values (documented on the class).
$meaning = @{
    2 = 'access denied'; 5 = 'the service cannot accept control messages'; 15 = 'the service database is locked';
    21 = 'invalid service parameter'; 22 = 'the account does not exist or is not valid'
}
$svc = Get-CimInstance -ClassName Win32_Service -Filter "Name='$ServiceName'"
if (-not $svc) { throw "The service $ServiceName is not installed on $env:COMPUTERNAME." }
$before = [string]$svc.StartName
$r = $svc | Invoke-CimMethod -MethodName Change -Arguments @{ StartName = $Account; StartPassword = $Password }
if ($r.ReturnValue -ne 0) {
    $why = $meaning[[int]$r.ReturnValue]; if (-not $why) { $why = 'see Win32_Service.Change' }
    throw "Win32_Service.Change of $ServiceName returned $($r.ReturnValue) ($why)."
}
$restarted = $false
if ((Get-Service -Name $ServiceName).Status -eq 'Running') {
    Restart-Service -Name $ServiceName -Force
    $restarted = $true
}
[ordered]@{ before = $before; after = [string](Get-CimInstance -ClassName Win32_Service -Filter "Name='$ServiceName'").StartName; restarted = $restarted; status = [string](Get-Service -Name $ServiceName).Status }
