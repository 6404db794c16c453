# CimCmdlets for the classes the wizard reads: Win32_Service (+ its methods), Win32_Process (the
# services' processes only, with CreationDate), Win32_ComputerSystem, Win32_OperatingSystem. Other classes fail as WMI does ("Invalid class"), as do WQL filters the
# small parser below does not understand ("Invalid query").

$script:CimCmd = 'Microsoft.Management.Infrastructure.CimCmdlets'

function New-LabCimError([string]$Message, [string]$Hresult, [string]$Command, [string]$Category = 'MetadataError') {
    New-LabErrorRecord (New-LabError -Message $Message -Id "HRESULT $Hresult,$script:CimCmd.$Command" -Category $Category -Exception CimException)
}

function ConvertFrom-LabWql {
    # "Name='X' AND StartMode <> 'Disabled'" -> scriptblock over an object; $null if not understood.
    param([string]$Filter)
    if ([string]::IsNullOrWhiteSpace($Filter)) { return { $true } }
    $ors = foreach ($orPart in ($Filter -split '(?i)\s+OR\s+')) {
        $ands = foreach ($term in ($orPart -split '(?i)\s+AND\s+')) {
            $m = [regex]::Match($term.Trim(), '^\(?\s*(\w+)\s*(=|<>|!=|(?i:LIKE))\s*(?:''([^'']*)''|"([^"]*)"|(\S+?))\s*\)?$')
            if (-not $m.Success) { return $null }
            $prop = $m.Groups[1].Value
            $op = $m.Groups[2].Value.ToUpperInvariant()
            $val = if ($m.Groups[3].Success) { $m.Groups[3].Value } elseif ($m.Groups[4].Success) { $m.Groups[4].Value } else { $m.Groups[5].Value }
            $val = $val -replace '\\\\', '\'
            switch ($op) {
                '=' { "([string]`$_.'$prop' -eq '$($val -replace "'", "''")')" }
                'LIKE' { "([string]`$_.'$prop' -like '$(($val -replace "'", "''") -replace '%', '*' -replace '_', '?')')" }
                default { "([string]`$_.'$prop' -ne '$($val -replace "'", "''")')" }
            }
        }
        '(' + ($ands -join ' -and ') + ')'
    }
    [scriptblock]::Create($ors -join ' -or ')
}

function Get-LabCimClass {
    param([string]$ClassName, $Cmdlet)
    switch ($ClassName) {
        'Win32_Service' {
            $reply = Invoke-LabOp 'service.list'
            if (-not $reply.ok) { $Cmdlet.ThrowTerminatingError((New-LabErrorRecord $reply.error)) }
            foreach ($s in $reply.result) { New-LabCimServiceObject $s }
        }
        'Win32_Process' {
            # The lab simulates no processes but the services' own: one per running service.
            $reply = Invoke-LabOp 'service.list'
            if (-not $reply.ok) { $Cmdlet.ThrowTerminatingError((New-LabErrorRecord $reply.error)) }
            foreach ($s in $reply.result) {
                if ($s.status -ne 'Running' -or -not $s.processId -or -not $s.startTime) { continue }
                New-LabCimProcessObject $s
            }
        }
        'Win32_ComputerSystem' {
            $s = $script:LabSession
            [pscustomobject]@{
                PSTypeName = 'Microsoft.Management.Infrastructure.CimInstance#root/cimv2/Win32_ComputerSystem'
                Name = $s.name; DNSHostName = $s.name.ToLowerInvariant(); Domain = $s.dnsDomain; PartOfDomain = $true; Workgroup = $null
                DomainRole = [uint16]3; Manufacturer = 'Microsoft Corporation'; Model = 'Virtual Machine'; TotalPhysicalMemory = [uint64]17179869184
                PSComputerName = $null
            }
        }
        'Win32_OperatingSystem' {
            $s = $script:LabSession
            [pscustomobject]@{
                PSTypeName = 'Microsoft.Management.Infrastructure.CimInstance#root/cimv2/Win32_OperatingSystem'
                Caption = 'Microsoft Windows Server 2022 Datacenter'; Version = '10.0.20348'; BuildNumber = '20348'; CSName = $s.name
                LastBootUpTime = [datetime]$s.bootTime; OSArchitecture = '64-bit'; ProductType = [uint32]3; SystemDrive = 'C:'; WindowsDirectory = 'C:\Windows'
                PSComputerName = $null
            }
        }
        default { $Cmdlet.ThrowTerminatingError((New-LabCimError 'Invalid class ' '0x80041010' 'GetCimInstanceCommand')) }
    }
}

function New-LabCimProcessObject {
    # Win32_Process of a service's process. CIM cmdlets give CreationDate as a local DateTime.
    param([Parameter(Mandatory)]$s)
    $exe = [regex]::Match([string]$s.pathName, '^\s*(?:"([^"]+)"|(\S+))')
    $path = if ($exe.Groups[1].Success) { $exe.Groups[1].Value } else { $exe.Groups[2].Value }
    $created = if ($s.startTime -is [datetime]) { $s.startTime } else { [datetime]::Parse([string]$s.startTime, [cultureinfo]::InvariantCulture, [Globalization.DateTimeStyles]::RoundtripKind) }
    [pscustomobject]@{
        PSTypeName     = 'Microsoft.Management.Infrastructure.CimInstance#root/cimv2/Win32_Process'
        ProcessId      = [uint32]$s.processId
        Handle         = [string]$s.processId
        Name           = ($path -split '\\')[-1]
        Caption        = ($path -split '\\')[-1]
        ExecutablePath = $path
        CommandLine    = [string]$s.pathName
        CreationDate   = $created.ToLocalTime()
        CSName         = $env:COMPUTERNAME
        PSComputerName = $null
    }
}

function Get-CimInstance {
    [CmdletBinding(DefaultParameterSetName = 'ClassNameComputerSet')]
    param(
        [Parameter(ParameterSetName = 'ClassNameComputerSet', Mandatory = $true, Position = 0)]
        [Parameter(ParameterSetName = 'ClassNameSessionSet', Mandatory = $true, Position = 0)]
        [string]$ClassName,
        [Parameter(ParameterSetName = 'QuerySessionSet', Mandatory = $true)]
        [Parameter(ParameterSetName = 'QueryComputerSet', Mandatory = $true)]
        [string]$Query,
        [Parameter(ParameterSetName = 'CimInstanceComputerSet', Mandatory = $true, Position = 0, ValueFromPipeline = $true)]
        [Parameter(ParameterSetName = 'CimInstanceSessionSet', Mandatory = $true, Position = 0, ValueFromPipeline = $true)]
        [Alias('CimInstance')]
        [object]$InputObject,
        [string]$Namespace = 'root/cimv2',
        [string]$Filter,
        [Alias('SelectProperties')][string[]]$Property,
        [string]$QueryDialect,
        [switch]$KeyOnly,
        [switch]$Shallow,
        [Alias('OT')][uint32]$OperationTimeoutSec,
        [Parameter(ParameterSetName = 'ClassNameComputerSet')][Parameter(ParameterSetName = 'QueryComputerSet')][Parameter(ParameterSetName = 'CimInstanceComputerSet')]
        [Alias('CN', 'ServerName')][string[]]$ComputerName,
        [Parameter(ParameterSetName = 'ClassNameSessionSet', Mandatory = $true)][Parameter(ParameterSetName = 'QuerySessionSet', Mandatory = $true)][Parameter(ParameterSetName = 'CimInstanceSessionSet', Mandatory = $true)]
        [object[]]$CimSession
    )
    process {
        if (($Namespace -replace '\\', '/') -notin 'root/cimv2', 'root\cimv2') {
            $PSCmdlet.ThrowTerminatingError((New-LabCimError 'Invalid namespace ' '0x8004100e' 'GetCimInstanceCommand'))
        }
        if ($InputObject) {
            $key = $InputObject.Name
            $ClassName = ($InputObject.PSObject.TypeNames[0] -split '/')[-1]
            $Filter = "Name='$key'"
        }
        if ($Query) {
            $m = [regex]::Match($Query, '^\s*(?i:SELECT)\s+.+?\s+(?i:FROM)\s+(\w+)(?:\s+(?i:WHERE)\s+(.+))?$')
            if (-not $m.Success) { $PSCmdlet.ThrowTerminatingError((New-LabCimError 'Invalid query ' '0x80041017' 'GetCimInstanceCommand')) }
            $ClassName = $m.Groups[1].Value
            $Filter = $m.Groups[2].Value
        }
        $where = ConvertFrom-LabWql $Filter
        if ($null -eq $where) { $PSCmdlet.ThrowTerminatingError((New-LabCimError 'Invalid query ' '0x80041017' 'GetCimInstanceCommand')) }
        Get-LabCimClass -ClassName $ClassName -Cmdlet $PSCmdlet | Where-Object $where
    }
}

function Invoke-CimMethod {
    [CmdletBinding(DefaultParameterSetName = 'ClassNameComputerSet', SupportsShouldProcess = $true)]
    param(
        [Parameter(ParameterSetName = 'ClassNameComputerSet', Mandatory = $true, Position = 0)]
        [Parameter(ParameterSetName = 'ClassNameSessionSet', Mandatory = $true, Position = 0)]
        [Alias('Class')][string]$ClassName,
        [Parameter(ParameterSetName = 'CimInstanceComputerSet', Mandatory = $true, Position = 0, ValueFromPipeline = $true)]
        [Parameter(ParameterSetName = 'CimInstanceSessionSet', Mandatory = $true, Position = 0, ValueFromPipeline = $true)]
        [Alias('CimInstance')][object]$InputObject,
        [Parameter(ParameterSetName = 'QueryComputerSet', Mandatory = $true)]
        [Parameter(ParameterSetName = 'QuerySessionSet', Mandatory = $true)]
        [string]$Query,
        [Parameter(Mandatory = $true, Position = 2)][Alias('Name')][string]$MethodName,
        [Parameter(Position = 1)][System.Collections.IDictionary]$Arguments,
        [string]$Namespace = 'root/cimv2',
        [Parameter(ParameterSetName = 'ClassNameComputerSet')][Parameter(ParameterSetName = 'QueryComputerSet')][Parameter(ParameterSetName = 'CimInstanceComputerSet')]
        [Alias('CN', 'ServerName')][string[]]$ComputerName,
        [Parameter(ParameterSetName = 'ClassNameSessionSet', Mandatory = $true)][Parameter(ParameterSetName = 'QuerySessionSet', Mandatory = $true)][Parameter(ParameterSetName = 'CimInstanceSessionSet', Mandatory = $true)]
        [object[]]$CimSession,
        [Alias('OT')][uint32]$OperationTimeoutSec
    )
    process {
        $targets = if ($InputObject) { @($InputObject) } elseif ($Query) { @(Get-CimInstance -Query $Query) } else { @() }
        if (-not $InputObject -and -not $Query) {
            $PSCmdlet.ThrowTerminatingError((New-LabCimError 'Not supported ' '0x8004100c' 'InvokeCimMethodCommand' 'NotImplemented'))
        }
        foreach ($t in $targets) {
            if ($t.PSObject.TypeNames[0] -ne 'Microsoft.Management.Infrastructure.CimInstance#root/cimv2/Win32_Service' -or
                $MethodName -notin 'Change', 'ChangeStartMode', 'StartService', 'StopService') {
                $PSCmdlet.WriteError((New-LabCimError 'Method not found ' '0x80041055' 'InvokeCimMethodCommand'))
                continue
            }
            if (-not $PSCmdlet.ShouldProcess($t.Name, $MethodName)) { continue }
            $a = @{ name = $t.Name; method = $MethodName }
            if ($Arguments) {
                foreach ($k in $Arguments.Keys) {
                    switch ($k) {
                        'StartName' { $a.startName = [string]$Arguments[$k] }
                        'StartPassword' { $a.startPassword = [string]$Arguments[$k] }
                        'StartMode' { $a.startMode = [string]$Arguments[$k] }
                    }
                }
            }
            $reply = Invoke-LabOp 'service.cim' $a
            if (-not $reply.ok) { $PSCmdlet.WriteError((New-LabErrorRecord $reply.error)); continue }
            [pscustomobject]@{
                PSTypeName     = "Microsoft.Management.Infrastructure.CimMethodResult#Win32_Service#$MethodName"
                ReturnValue    = [uint32]$reply.result.returnValue
                PSComputerName = $null
            }
        }
    }
}
