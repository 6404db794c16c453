# ServerManager: Get-WindowsFeature, Install-WindowsFeature (never reboots unless -Restart),
# and Restart-Computer (the host goes down, then comes back up a few seconds later).

function Get-WindowsFeature {
    [CmdletBinding()]
    param(
        [Parameter(Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)]
        [SupportsWildcards()]
        [string[]]$Name,
        [string]$Vhd,
        [Alias('Cn')][string]$ComputerName,
        [pscredential]$Credential,
        [string]$LogPath
    )
    begin { $all = $null }
    process {
        if ($null -eq $all) {
            $reply = Invoke-LabOp 'feature.list' -HostName $(if ($ComputerName) { ($ComputerName -split '\.')[0] } else { $env:LAB_HOST })
            if (-not $reply.ok) { $PSCmdlet.ThrowTerminatingError((New-LabErrorRecord $reply.error)) }
            $all = @($reply.result)
        }
        $patterns = if ($Name) { $Name } else { @('*') }
        foreach ($f in $all) {
            if (-not ($patterns | Where-Object { $f.name -like $_ })) { continue }
            [pscustomobject]@{
                PSTypeName   = 'Microsoft.Windows.ServerManager.Commands.Feature'
                Name         = $f.name
                DisplayName  = $f.displayName
                Description  = ''
                Installed    = $f.installState -eq 'Installed'
                InstallState = [InstallState]$f.installState
                FeatureType  = $f.featureType
                Path         = $f.path
                Depth        = [int]$f.depth
                DependsOn    = @()
                Parent       = $f.parent
                SubFeatures  = @($f.subFeatures)
            }
        }
    }
}

function Install-WindowsFeature {
    # The documented parameter sets: features on the running (or -ComputerName) computer, features
    # into an offline VHD (-Vhd required), or an answer file (-ConfigurationFilePath instead of -Name).
    [CmdletBinding(DefaultParameterSetName = 'ComponentNamesAndRunningComputer', SupportsShouldProcess = $true)]
    param(
        [Parameter(ParameterSetName = 'ComponentNamesAndRunningComputer', Mandatory = $true, Position = 0, ValueFromPipeline = $true)]
        [Parameter(ParameterSetName = 'ComponentNamesAndVhdPath', Mandatory = $true, Position = 0, ValueFromPipeline = $true)]
        [object[]]$Name,
        [Parameter(ParameterSetName = 'ConfigurationFile', Mandatory = $true)]
        [string]$ConfigurationFilePath,
        [Parameter(ParameterSetName = 'ComponentNamesAndVhdPath', Mandatory = $true)]
        [Parameter(ParameterSetName = 'ConfigurationFile')]
        [string]$Vhd,
        [Parameter(ParameterSetName = 'ComponentNamesAndRunningComputer')][Parameter(ParameterSetName = 'ComponentNamesAndVhdPath')]
        [switch]$IncludeAllSubFeature,
        [Parameter(ParameterSetName = 'ComponentNamesAndRunningComputer')][Parameter(ParameterSetName = 'ComponentNamesAndVhdPath')]
        [switch]$IncludeManagementTools,
        [Parameter(ParameterSetName = 'ComponentNamesAndRunningComputer')][Parameter(ParameterSetName = 'ConfigurationFile')]
        [switch]$Restart,
        [string[]]$Source,
        [Alias('Cn')][string]$ComputerName,
        [pscredential]$Credential,
        [string]$LogPath
    )
    begin { $names = [System.Collections.Generic.List[string]]::new() }
    process { foreach ($n in $Name) { $names.Add($(if ($n -is [string]) { $n } else { [string]$n.Name })) } }
    end {
        # The lab's hosts have no offline VHDs and read no answer files: say so instead of quietly
        # installing on the running computer.
        if ($PSCmdlet.ParameterSetName -ne 'ComponentNamesAndRunningComputer') {
            $what = if ($ConfigurationFilePath) { '-ConfigurationFilePath (answer files)' } else { '-Vhd (offline images)' }
            $PSCmdlet.ThrowTerminatingError((New-LabErrorRecord (New-LabError -Message "The lab does not simulate $what; name the features with -Name." -Id 'NotImplemented,Microsoft.Windows.ServerManager.Commands.AddWindowsFeatureCommand' -Category NotImplemented)))
        }
        if (-not $PSCmdlet.ShouldProcess(($names -join ', '), 'Install-WindowsFeature')) { return }
        $target = if ($ComputerName) { ($ComputerName -split '\.')[0] } else { $env:LAB_HOST }
        Write-Progress -Activity 'Start Installation...' -PercentComplete 10
        $reply = Invoke-LabOp 'feature.install' @{ names = @($names); includeManagementTools = [bool]$IncludeManagementTools } -HostName $target
        Write-Progress -Activity 'Start Installation...' -Completed
        if (-not $reply.ok) { $PSCmdlet.ThrowTerminatingError((New-LabErrorRecord $reply.error)) }
        $r = $reply.result
        $result = [pscustomobject]@{
            PSTypeName    = 'Microsoft.Windows.ServerManager.Commands.FeatureOperationResult'
            Success       = [bool]$r.success
            RestartNeeded = [RestartState]$r.restartNeeded
            FeatureResult = @(foreach ($f in $r.featureResult) {
                    [pscustomobject]@{
                        PSTypeName    = 'Microsoft.Windows.ServerManager.Commands.FeatureResult'
                        DisplayName   = $f.displayName
                        Name          = $f.name
                        Id            = 0
                        Message       = ''
                        RestartNeeded = [bool]$f.restartNeeded
                        SkipReason    = 'NotSkipped'
                        Success       = [bool]$f.success
                    } | Add-Member -MemberType ScriptMethod -Name ToString -Value { $this.DisplayName } -Force -PassThru
                })
            ExitCode      = [FeatureOperationExitCode]$r.exitCode
        }
        if ($r.restartNeeded -eq 'Yes') {
            if ($Restart) { Restart-Computer -Force -ComputerName $target }
            else { Write-Warning 'You must restart this server to finish the installation process.' }
        }
        $result
    }
}
Set-Alias -Name Add-WindowsFeature -Value Install-WindowsFeature

function Restart-Computer {
    [CmdletBinding(DefaultParameterSetName = 'DefaultSet', SupportsShouldProcess = $true, ConfirmImpact = 'Medium')]
    param(
        [Parameter(Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)]
        [Alias('CN', '__SERVER', 'Server', 'IPAddress')]
        [string[]]$ComputerName = @('.'),
        [Parameter(Position = 1)][pscredential]$Credential,
        [Alias('f')][switch]$Force,
        [switch]$Wait,
        [Alias('TimeoutSec')][int]$Timeout = -1,
        [string]$For,
        [int16]$Delay = 5,
        [string]$WsmanAuthentication
    )
    process {
        foreach ($c in $ComputerName) {
            $name = ($c -split '\.')[0]
            $isLocal = $c -in '.', 'localhost', '127.0.0.1' -or $name -eq $env:COMPUTERNAME
            if ($isLocal) { $name = $env:LAB_HOST }
            if ($Wait -and $isLocal) {
                $PSCmdlet.WriteError((New-LabErrorRecord (New-LabError -Message 'Cannot wait for the local computer to restart. The local computer is ignored when the Wait parameter is specified.' `
                                -Id 'CannotWaitLocalComputer,Microsoft.PowerShell.Commands.RestartComputerCommand' -Category InvalidOperation -Exception InvalidOperationException) $c))
                continue
            }
            if (-not $PSCmdlet.ShouldProcess($name, 'Restart-Computer')) { continue }
            $reply = Invoke-LabOp 'computer.restart' @{ computerName = $name }
            if (-not $reply.ok) { $PSCmdlet.WriteError((New-LabErrorRecord $reply.error $c)); continue }
            if ($Wait) {
                $deadline = if ($Timeout -lt 0) { [datetime]::MaxValue } else { (Get-Date).AddSeconds($Timeout) }
                Start-Sleep -Milliseconds 500
                while ((Get-Date) -lt $deadline) {
                    Write-Progress -Activity "Waiting for restart of $name" -Status 'Verifying the computer has restarted...'
                    $probe = Invoke-LabOp 'session.open' -HostName $name
                    if ($probe.ok) { break }
                    Start-Sleep -Seconds ([Math]::Max(1, [Math]::Min($Delay, 2)))
                }
                Write-Progress -Activity "Waiting for restart of $name" -Completed
            }
        }
    }
}
