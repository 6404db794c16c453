# Creates the Generic Service role of the Scale Out Master (Failover Cluster Manager's "Configure
# Role > Generic Service" in the HA document, step 7): Add-ClusterGenericServiceRole with the
# master DNS host name as client access point and its static IP. Idempotent: a group of that name
# already there is reported, not touched.
#
# The double hop: Add-ClusterGenericServiceRole "cannot be run remotely without CredSSP
# authentication on the server computer" (its documentation). A WinRM session authenticated with
# NTLM or Basic holds no credentials it could pass on to the other nodes and Active Directory, so
# the cmdlet fails there with "You do not have administrative privileges on the cluster". This
# script therefore does not call it in the WinRM session: it runs it on this node as a one-time
# scheduled task under the given account and password (a local batch logon that holds the
# credentials, as at the console), waits for it, reads the result file the task writes, and
# removes the task and its files. The password goes only to Register-ScheduledTask; the task's
# command line and files carry no secret and no value of the caller (the task reads its
# parameters from a JSON file this script writes).
param(
    [Parameter(Mandatory = $true)][ValidatePattern('^[A-Za-z0-9_$-]{1,80}$')][string]$ServiceName,
    [Parameter(Mandatory = $true)][ValidatePattern('^[A-Za-z0-9-]{1,15}$')][string]$Name,
    [Parameter(Mandatory = $true)][ValidatePattern('^[0-9A-Fa-f.:]{2,45}$')][string]$StaticAddress,
    [Parameter(Mandatory = $true)][ValidatePattern('^[^"\s]+$')][string]$RunAsUser,
    [Parameter(Mandatory = $true)][string]$RunAsPassword,
    [ValidateRange(10, 1800)][int]$TimeoutSeconds = 300
)
$ErrorActionPreference = 'Stop'

function Get-Role([string]$GroupName) {
    $g = @(Get-ClusterGroup -ErrorAction Stop | Where-Object { [string]$_.Name -eq $GroupName })[0]
    if ($g) { [ordered]@{ group = [string]$g.Name; ownerNode = [string]$g.OwnerNode.Name; state = [string]$g.State } }
}

$existing = Get-Role $Name
if ($existing) { return [ordered]@{ created = $false; task = $null } + $existing }

$id = [guid]::NewGuid().ToString('N')
$dir = Join-Path $env:ProgramData 'SSISScaleOutWizard'
$null = New-Item -ItemType Directory -Force -Path $dir
$in = Join-Path $dir "$id.in.json"
$out = Join-Path $dir "$id.out.json"
$taskName = "SSIS Scale Out HA wizard - cluster role $id"
[ordered]@{ ServiceName = $ServiceName; Name = $Name; StaticAddress = $StaticAddress } | ConvertTo-Json -Compress | Set-Content -LiteralPath $in -Encoding UTF8

$q = { param($s) "'" + ($s -replace "'", "''") + "'" }
$inner = @"
`$ErrorActionPreference = 'Stop'
`$p = Get-Content -LiteralPath $(& $q $in) -Raw | ConvertFrom-Json
try {
    `$g = Add-ClusterGenericServiceRole -ServiceName `$p.ServiceName -Name `$p.Name -StaticAddress @(`$p.StaticAddress)
    `$r = [ordered]@{ ok = `$true; group = [string]`$g.Name; ownerNode = [string]`$g.OwnerNode.Name; state = [string]`$g.State; error = `$null }
} catch {
    `$r = [ordered]@{ ok = `$false; group = `$null; ownerNode = `$null; state = `$null; error = `$_.Exception.Message }
}
`$r | ConvertTo-Json -Compress | Set-Content -LiteralPath $(& $q $out) -Encoding UTF8
"@
$encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($inner))

try {
    $action = New-ScheduledTaskAction -Execute 'powershell.exe' -Argument "-NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand $encoded"
    $null = Register-ScheduledTask -TaskName $taskName -TaskPath '\' -Action $action -User $RunAsUser -Password $RunAsPassword -RunLevel Highest -Force
    Start-ScheduledTask -TaskName $taskName -TaskPath '\'
    $deadline = (Get-Date).AddSeconds($TimeoutSeconds)
    while (-not (Test-Path -LiteralPath $out)) {
        $task = Get-ScheduledTask -TaskName $taskName -TaskPath '\'
        if ([string]$task.State -ne 'Running' -and -not (Test-Path -LiteralPath $out)) {
            $info = Get-ScheduledTaskInfo -TaskName $taskName -TaskPath '\'
            if ($info.LastTaskResult -ne 267011 -and $info.LastTaskResult -ne 267009) {
                throw ("The scheduled task that runs Add-ClusterGenericServiceRole on $env:COMPUTERNAME ended without a result (last result 0x{0:X8})." -f [int64]$info.LastTaskResult)
            }
        }
        if ((Get-Date) -gt $deadline) { throw "Add-ClusterGenericServiceRole did not finish within $TimeoutSeconds s on $env:COMPUTERNAME (scheduled task '$taskName')." }
        Start-Sleep -Milliseconds 500
    }
    $r = Get-Content -LiteralPath $out -Raw | ConvertFrom-Json
    if (-not $r.ok) { throw "Add-ClusterGenericServiceRole on $env:COMPUTERNAME (as $RunAsUser, in a scheduled task): $($r.error)" }
    [ordered]@{ created = $true; task = $taskName; group = [string]$r.group; ownerNode = [string]$r.ownerNode; state = [string]$r.state }
}
finally {
    # Never hide the real error behind a cleanup one (the task may not have been registered).
    try { Unregister-ScheduledTask -TaskName $taskName -TaskPath '\' -Confirm:$false -ErrorAction SilentlyContinue } catch { Write-Verbose $_.Exception.Message }
    Remove-Item -LiteralPath $in, $out -Force -ErrorAction SilentlyContinue
}
