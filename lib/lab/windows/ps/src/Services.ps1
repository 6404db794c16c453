# Microsoft.PowerShell.Management's service cmdlets (Windows-only in PowerShell 7).

function Get-LabServices {
    $reply = Invoke-LabOp 'service.list'
    if (-not $reply.ok) { throw $reply.error.message }
    @($reply.result)
}

function Select-LabService {
    # Resolves -Name/-DisplayName/-InputObject as the cmdlets do: wildcards match silently,
    # a literal name that matches nothing is a non-terminating NoServiceFoundForGiven* error.
    param($Cmdlet, [string[]]$Name, [string[]]$DisplayName, [object[]]$InputObject, [string[]]$Include, [string[]]$Exclude, [string]$CommandType)
    $all = Get-LabServices
    $picked = [System.Collections.Generic.List[object]]::new()
    if ($InputObject) {
        foreach ($o in $InputObject) {
            $n = if ($o -is [string]) { $o } else { [string]$o.Name }
            $s = $all | Where-Object { $_.name -eq $n } | Select-Object -First 1
            if ($s) { $picked.Add($s) }
        }
    } elseif ($DisplayName) {
        foreach ($d in $DisplayName) {
            $m = @($all | Where-Object { $_.displayName -like $d })
            if ($m.Count -eq 0 -and -not [WildcardPattern]::ContainsWildcardCharacters($d)) {
                $Cmdlet.WriteError((New-LabErrorRecord (New-LabError -Message "Cannot find any service with display name '$d'." `
                                -Id "NoServiceFoundForGivenDisplayName,Microsoft.PowerShell.Commands.$CommandType" -Category ObjectNotFound -Exception InvalidOperationException) $d))
            }
            $m | ForEach-Object { $picked.Add($_) }
        }
    } else {
        foreach ($n in $(if ($Name) { $Name } else { @('*') })) {
            $m = @($all | Where-Object { $_.name -like $n -or $_.displayName -eq $n })
            if ($m.Count -eq 0 -and -not [WildcardPattern]::ContainsWildcardCharacters($n)) {
                $Cmdlet.WriteError((New-LabErrorRecord (New-LabError -Message "Cannot find any service with service name '$n'." `
                                -Id "NoServiceFoundForGivenName,Microsoft.PowerShell.Commands.$CommandType" -Category ObjectNotFound -Exception InvalidOperationException) $n))
            }
            $m | ForEach-Object { $picked.Add($_) }
        }
    }
    $picked | Where-Object {
        $svc = $_
        (-not $Include -or ($Include | Where-Object { $svc.name -like $_ })) -and -not ($Exclude | Where-Object { $svc.name -like $_ })
    } | Sort-Object -Property name -Unique
}

function Get-Service {
    [CmdletBinding(DefaultParameterSetName = 'Default')]
    param(
        [Parameter(ParameterSetName = 'Default', Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)]
        [Alias('ServiceName')][string[]]$Name,
        [Parameter(ParameterSetName = 'DisplayName', Mandatory = $true)][string[]]$DisplayName,
        [Parameter(ParameterSetName = 'InputObject', ValueFromPipeline = $true)][object[]]$InputObject,
        [Alias('DS')][switch]$DependentServices,
        [Alias('SDO', 'ServicesDependedOn')][switch]$RequiredServices,
        [string[]]$Include,
        [string[]]$Exclude
    )
    process {
        Select-LabService -Cmdlet $PSCmdlet -Name $Name -DisplayName $DisplayName -InputObject $InputObject -Include $Include -Exclude $Exclude -CommandType GetServiceCommand |
            ForEach-Object { New-LabServiceObject $_ }
    }
}
Set-Alias -Name gsv -Value Get-Service

function Invoke-LabServiceChange {
    param($Cmdlet, [string]$Op, [string]$CommandType, [object[]]$InputObject, [string[]]$Name, [string[]]$DisplayName, [switch]$PassThru, [string]$Verb)
    foreach ($s in (Select-LabService -Cmdlet $Cmdlet -Name $Name -DisplayName $DisplayName -InputObject $InputObject -CommandType $CommandType)) {
        if (-not $Cmdlet.ShouldProcess("$($s.displayName) ($($s.name))", $Verb)) { continue }
        $reply = Invoke-LabOp $Op @{ name = $s.name }
        if (-not $reply.ok) { $Cmdlet.WriteError((New-LabErrorRecord $reply.error $s.name)); continue }
        if ($PassThru) { New-LabServiceObject $reply.result }
    }
}

function Start-Service {
    [CmdletBinding(DefaultParameterSetName = 'InputObject', SupportsShouldProcess = $true)]
    param(
        [Parameter(ParameterSetName = 'InputObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][object[]]$InputObject,
        [Parameter(ParameterSetName = 'Default', Mandatory = $true, Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)][Alias('ServiceName')][string[]]$Name,
        [Parameter(ParameterSetName = 'DisplayName', Mandatory = $true)][string[]]$DisplayName,
        [switch]$PassThru,
        [string[]]$Include,
        [string[]]$Exclude
    )
    process { Invoke-LabServiceChange -Cmdlet $PSCmdlet -Op 'service.start' -CommandType StartServiceCommand -InputObject $InputObject -Name $Name -DisplayName $DisplayName -PassThru:$PassThru -Verb 'Start-Service' }
}
Set-Alias -Name sasv -Value Start-Service

function Stop-Service {
    [CmdletBinding(DefaultParameterSetName = 'InputObject', SupportsShouldProcess = $true)]
    param(
        [Parameter(ParameterSetName = 'InputObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][object[]]$InputObject,
        [Parameter(ParameterSetName = 'Default', Mandatory = $true, Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)][Alias('ServiceName')][string[]]$Name,
        [Parameter(ParameterSetName = 'DisplayName', Mandatory = $true)][string[]]$DisplayName,
        [switch]$Force,
        [switch]$NoWait,
        [switch]$PassThru,
        [string[]]$Include,
        [string[]]$Exclude
    )
    process { Invoke-LabServiceChange -Cmdlet $PSCmdlet -Op 'service.stop' -CommandType StopServiceCommand -InputObject $InputObject -Name $Name -DisplayName $DisplayName -PassThru:$PassThru -Verb 'Stop-Service' }
}
Set-Alias -Name spsv -Value Stop-Service

function Restart-Service {
    [CmdletBinding(DefaultParameterSetName = 'InputObject', SupportsShouldProcess = $true)]
    param(
        [Parameter(ParameterSetName = 'InputObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][object[]]$InputObject,
        [Parameter(ParameterSetName = 'Default', Mandatory = $true, Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)][Alias('ServiceName')][string[]]$Name,
        [Parameter(ParameterSetName = 'DisplayName', Mandatory = $true)][string[]]$DisplayName,
        [switch]$Force,
        [switch]$PassThru,
        [string[]]$Include,
        [string[]]$Exclude
    )
    process {
        foreach ($s in (Select-LabService -Cmdlet $PSCmdlet -Name $Name -DisplayName $DisplayName -InputObject $InputObject -CommandType RestartServiceCommand)) {
            if (-not $PSCmdlet.ShouldProcess("$($s.displayName) ($($s.name))", 'Restart-Service')) { continue }
            $null = Invoke-LabOp 'service.stop' @{ name = $s.name }
            $reply = Invoke-LabOp 'service.start' @{ name = $s.name }
            if (-not $reply.ok) { $PSCmdlet.WriteError((New-LabErrorRecord $reply.error $s.name)); continue }
            if ($PassThru) { New-LabServiceObject $reply.result }
        }
    }
}

function Set-Service {
    [CmdletBinding(DefaultParameterSetName = 'Name', SupportsShouldProcess = $true)]
    param(
        [Parameter(ParameterSetName = 'Name', Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)][Alias('ServiceName', 'SN')][string]$Name,
        [Parameter(ParameterSetName = 'InputObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][object]$InputObject,
        [Parameter(ValueFromPipelineByPropertyName = $true)][Alias('DN')][string]$DisplayName,
        [pscredential]$Credential,
        [Parameter(ValueFromPipelineByPropertyName = $true)][string]$Description,
        [Alias('StartMode', 'SM', 'ST', 'StartType')][ValidateSet('Automatic', 'Manual', 'Disabled', 'AutomaticDelayedStart')][string]$StartupType,
        [ValidateSet('Running', 'Stopped', 'Paused')][string]$Status,
        [Alias('sd')][string]$SecurityDescriptorSddl,
        [switch]$Force,
        [switch]$PassThru
    )
    process {
        $n = if ($InputObject) { [string]$InputObject.Name } else { $Name }
        $s = Get-LabServices | Where-Object { $_.name -eq $n } | Select-Object -First 1
        if (-not $s) {
            $PSCmdlet.WriteError((New-LabErrorRecord (New-LabError -Message "Service '$n' was not found on computer '.'." `
                            -Id 'InvalidOperationException,Microsoft.PowerShell.Commands.SetServiceCommand' -Category ObjectNotFound -Exception InvalidOperationException) $n))
            return
        }
        if (-not $PSCmdlet.ShouldProcess("$($s.displayName) ($($s.name))", 'Set-Service')) { return }
        $fail = { param($r) $PSCmdlet.WriteError((New-LabErrorRecord $r.error $n)) }
        if ($StartupType) {
            $r = Invoke-LabOp 'service.setStartType' @{ name = $n; startType = $StartupType }
            if (-not $r.ok) { & $fail $r; return }
        }
        if ($Credential) {
            $r = Invoke-LabOp 'service.cim' @{ name = $n; method = 'Change'; startName = $Credential.UserName; startPassword = $Credential.GetNetworkCredential().Password }
            if ($r.ok -and $r.result.returnValue -ne 0) {
                $PSCmdlet.WriteError((New-LabErrorRecord (New-LabError -Message "Service '$($s.displayName) ($n)' cannot be configured due to the following error: The account name is invalid or does not exist, or the password is invalid for the account name specified." `
                                -Id 'CouldNotSetService,Microsoft.PowerShell.Commands.SetServiceCommand' -Category PermissionDenied -Exception InvalidOperationException) $n))
                return
            }
        }
        if ($Status -eq 'Running') { $r = Invoke-LabOp 'service.start' @{ name = $n }; if (-not $r.ok) { & $fail $r; return } }
        if ($Status -eq 'Stopped') { $r = Invoke-LabOp 'service.stop' @{ name = $n }; if (-not $r.ok) { & $fail $r; return } }
        if ($PassThru) { Get-Service -Name $n }
    }
}
