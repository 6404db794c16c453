# ScheduledTasks: register, start, inspect and remove one-time tasks. A started task runs in its
# own pwsh process on the same simulated host, as its principal and outside any WinRM session
# (LAB_REMOTE=0, LAB_AUTH=local): what lets a cmdlet that needs the double hop
# (Add-ClusterGenericServiceRole) work where a WinRM session without CredSSP cannot. Only what
# PowerShell tasks run is modelled: powershell.exe (or pwsh.exe) with -EncodedCommand.

function New-LabTaskObject($t) {
    [pscustomobject]@{
        PSTypeName = 'Microsoft.Management.Infrastructure.CimInstance#Root/Microsoft/Windows/TaskScheduler/MSFT_ScheduledTask'
        TaskName   = $t.name
        TaskPath   = $t.path
        State      = $t.state
        Actions    = @($t.actions | ForEach-Object { [pscustomobject]@{ Execute = $_.execute; Arguments = $_.arguments } })
        Principal  = [pscustomobject]@{ UserId = $t.user; RunLevel = $t.runLevel; LogonType = $(if ($t.user -match '^(nt authority\\system|system|localsystem)$') { 'ServiceAccount' } else { 'Password' }) }
    }
}

function Invoke-LabTaskOp([string]$Op, [hashtable]$Arguments, $Cmdlet, $Target) {
    $r = Invoke-LabOp $Op $Arguments
    if (-not $r.ok) { $Cmdlet.ThrowTerminatingError((New-LabErrorRecord $r.error $Target)) }
    $r.result
}

function New-ScheduledTaskAction {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true, Position = 0)][string]$Execute, [Parameter(Position = 1)][string]$Argument, [Parameter(Position = 2)][string]$WorkingDirectory, [string]$Id)
    [pscustomobject]@{
        PSTypeName       = 'Microsoft.Management.Infrastructure.CimInstance#Root/Microsoft/Windows/TaskScheduler/MSFT_TaskExecAction'
        Execute          = $Execute
        Arguments        = $Argument
        WorkingDirectory = $WorkingDirectory
        Id               = $Id
    }
}

function Register-ScheduledTask {
    [CmdletBinding()]
    param(
        # Positions as documented, except Trigger (3) and Settings (4): the page gives User and
        # Password the same positions in the same set, which a PowerShell function cannot have.
        [Parameter(Mandatory = $true, Position = 0)][string]$TaskName,
        [Parameter(Position = 1)][string]$TaskPath = '\',
        [Parameter(Mandatory = $true, Position = 2)][object[]]$Action,
        [object[]]$Trigger,
        [object]$Settings,
        [Parameter(Position = 3)][string]$User,
        [Parameter(Position = 4)][string]$Password,
        [Parameter(Position = 7)][ValidateSet('Limited', 'Highest')][string]$RunLevel = 'Limited',
        [Parameter(Position = 8)][string]$Description,
        [switch]$Force
    )
    $user = if ($User) { $User } else { "$env:USERDOMAIN\$env:USERNAME" }
    $t = Invoke-LabTaskOp 'task.register' @{
        name = $TaskName; path = $TaskPath; user = $user; password = $(if ($PSBoundParameters.ContainsKey('Password')) { $Password } else { $null })
        runLevel = $RunLevel; force = [bool]$Force; actions = @($Action | ForEach-Object { @{ execute = [string]$_.Execute; arguments = [string]$_.Arguments } })
    } $PSCmdlet $TaskName
    New-LabTaskObject $t
}

function Get-ScheduledTask {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string[]]$TaskName, [Parameter(Position = 1)][string[]]$TaskPath)
    $all = @(Invoke-LabTaskOp 'task.list' @{} $PSCmdlet $null)
    $m = @($all | Where-Object { -not $TaskPath -or $TaskPath -contains $_.path })
    if ($TaskName) {
        foreach ($n in $TaskName) {
            $hit = @($m | Where-Object { $_.name -like $n })
            if ($hit.Count -eq 0 -and -not [WildcardPattern]::ContainsWildcardCharacters($n)) {
                $PSCmdlet.WriteError((New-LabErrorRecord (New-LabError -Message "No MSFT_ScheduledTask objects found with property 'TaskName' equal to '$n'.  Verify the value of the property and retry." -Id 'CmdletizationQuery_NotFound_TaskName,Get-ScheduledTask' -Category ObjectNotFound) $n))
            }
            $hit | ForEach-Object { New-LabTaskObject $_ }
        }
        return
    }
    $m | ForEach-Object { New-LabTaskObject $_ }
}

function Get-ScheduledTaskInfo {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$TaskName, [Parameter(Position = 1)][string]$TaskPath = '\')
    $t = @(Invoke-LabTaskOp 'task.list' @{} $PSCmdlet $TaskName) | Where-Object { $_.name -eq $TaskName -and $_.path -eq $TaskPath }
    if (-not $t) {
        $PSCmdlet.ThrowTerminatingError((New-LabErrorRecord (New-LabError -Message 'The system cannot find the file specified.' -Id 'HRESULT 0x80070002,Get-ScheduledTaskInfo' -Category ObjectNotFound) $TaskName))
    }
    [pscustomobject]@{
        PSTypeName     = 'Microsoft.Management.Infrastructure.CimInstance#Root/Microsoft/Windows/TaskScheduler/MSFT_TaskDynamicInfo'
        TaskName       = $t.name
        TaskPath       = $t.path
        LastRunTime    = $(if ($t.lastRunTime) { [datetime]$t.lastRunTime } else { $null })
        LastTaskResult = [uint32]$t.lastTaskResult
    }
}

function Start-ScheduledTask {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true, Position = 0)][string]$TaskName, [Parameter(Position = 1)][string]$TaskPath = '\')
    $t = Invoke-LabTaskOp 'task.start' @{ name = $TaskName; path = $TaskPath } $PSCmdlet $TaskName
    if ($t.alreadyRunning) { return }
    $a = @($t.actions)[0]
    $m = [regex]::Match([string]$a.arguments, '-EncodedCommand\s+([A-Za-z0-9+/=]+)')
    $inner = if ($a.execute -match '(^|\\)(powershell|pwsh)(\.exe)?$' -and $m.Success) { [Text.Encoding]::Unicode.GetString([Convert]::FromBase64String($m.Groups[1].Value)) } else { $null }
    $module = Join-Path (Split-Path -Parent $PSScriptRoot) 'LabWindows.psm1'
    $q = { param($s) "'" + ($s -replace "'", "''") + "'" }
    # The task's process: the module first (this host, no WinRM session), then the command; its
    # exit code becomes the task's last result, as Task Scheduler records it.
    $wrapper = @"
`$env:LAB_REMOTE = '0'; `$env:LAB_AUTH = 'local'; `$env:LAB_USER = $(& $q ([string]$t.user))
Import-Module -Name $(& $q $module) -DisableNameChecking -ErrorAction Stop
`$code = 0
try { $(if ($inner) { "& { $inner }" } else { "throw 'The system cannot find the file specified: ' + $(& $q ([string]$a.execute))" }) } catch { `$code = 1 }
& (Get-Module LabWindows) { param(`$n, `$p, `$c) `$null = Invoke-LabOp 'task.finish' @{ name = `$n; path = `$p; result = `$c } } $(& $q $TaskName) $(& $q $TaskPath) `$code
exit `$code
"@
    # This same PowerShell: its executable, or dotnet with pwsh.dll when it runs as a dotnet tool.
    # In a session of its own (setsid): the Task Scheduler service runs the task, not this WinRM
    # command, so ending the command (or the process it runs in) does not end the task.
    $setsid = Get-Command -Name setsid -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    $psi = if ($setsid) { [Diagnostics.ProcessStartInfo]::new($setsid.Source) } else { [Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath) }
    if ($setsid) { $psi.ArgumentList.Add([Environment]::ProcessPath) }
    if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { $psi.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
    foreach ($x in '-NoProfile', '-NonInteractive', '-EncodedCommand', [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($wrapper))) { $psi.ArgumentList.Add($x) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $proc = [Diagnostics.Process]::Start($psi)
    # Nobody reads a task's console: drain it so the process never blocks on a full pipe.
    $null = $proc.StandardOutput.ReadToEndAsync()
    $null = $proc.StandardError.ReadToEndAsync()
}

function Unregister-ScheduledTask {
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'High')]
    param([Parameter(Position = 0)][string]$TaskName, [Parameter(Position = 1)][string]$TaskPath = '\')
    # Cmdletization: a task that is not there is a non-terminating "not found" for the query.
    if (-not (@(Invoke-LabTaskOp 'task.list' @{} $PSCmdlet $TaskName) | Where-Object { $_.name -eq $TaskName -and $_.path -eq $TaskPath })) {
        $PSCmdlet.WriteError((New-LabErrorRecord (New-LabError -Message "No MSFT_ScheduledTask objects found with property 'TaskName' equal to '$TaskName'.  Verify the value of the property and retry." -Id 'CmdletizationQuery_NotFound_TaskName,Unregister-ScheduledTask' -Category ObjectNotFound) $TaskName))
        return
    }
    if (-not $PSCmdlet.ShouldProcess($TaskName, 'Unregister-ScheduledTask')) { return }
    $null = Invoke-LabTaskOp 'task.unregister' @{ name = $TaskName; path = $TaskPath } $PSCmdlet $TaskName
}
