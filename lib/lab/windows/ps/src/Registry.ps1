# HKLM: as the Registry provider shows it, for the keys the lab keeps (SQL Server setup keys,
# SCHANNEL). Used by the provider-cmdlet proxies in Proxies.ps1.

$script:RegPrefix = 'Microsoft.PowerShell.Core\Registry::'

function ConvertTo-LabRegistryKey {
    # 'HKLM:\SOFTWARE\X' and provider-qualified forms -> 'HKEY_LOCAL_MACHINE\SOFTWARE\X'; $null otherwise.
    param([string]$Path)
    $m = [regex]::Match($Path, '^(?:HKLM:|(?:Microsoft\.PowerShell\.Core\\)?Registry::(?:HKEY_LOCAL_MACHINE|HKLM))(?:[\\/]+(.*?))?[\\/]*$', 'IgnoreCase')
    if (-not $m.Success) { return $null }
    $rest = ($m.Groups[1].Value -split '[\\/]+' | Where-Object { $_ -ne '' }) -join '\'
    if ($rest) { "HKEY_LOCAL_MACHINE\$rest" } else { 'HKEY_LOCAL_MACHINE' }
}

function Get-LabRegistryKeyData {
    param([string]$Key)
    $reply = Invoke-LabOp 'registry.get' @{ key = $Key }
    if (-not $reply.ok) { throw $reply.error.message }
    $reply.result
}

function ConvertFrom-LabRegistryData {
    param($Value)
    switch ([string]$Value.kind) {
        'DWord' { [int]$Value.data }
        'QWord' { [long]$Value.data }
        'MultiString' { [string[]]@($Value.data) }
        default { [string]$Value.data }
    }
}

function New-LabRegistryKeyObject {
    param([string]$Key, $Data)
    $leaf = ($Key -split '\\')[-1]
    $parent = ($Key -split '\\' | Select-Object -SkipLast 1) -join '\'
    [pscustomobject]@{
        PSTypeName    = 'Microsoft.Win32.RegistryKey'
        Name          = $Key
        Property      = @($Data.values | ForEach-Object { [string]$_.name })
        SubKeyCount   = @($Data.subkeys).Count
        ValueCount    = @($Data.values).Count
        PSPath        = "$script:RegPrefix$Key"
        PSParentPath  = "$script:RegPrefix$parent"
        PSChildName   = $leaf
        PSDrive       = 'HKLM'
        PSProvider    = 'Microsoft.PowerShell.Core\Registry'
        PSIsContainer = $true
    } | Add-Member -MemberType ScriptMethod -Name GetValue -Value { param($n) $v = (Get-LabRegistryKeyData $this.Name).values | Where-Object name -EQ $n; if ($v) { ConvertFrom-LabRegistryData $v } } -PassThru |
        Add-Member -MemberType ScriptMethod -Name GetValueNames -Value { [string[]]$this.Property } -PassThru |
        Add-Member -MemberType ScriptMethod -Name GetValueKind -Value { param($n) [Microsoft.Win32.RegistryValueKind][string]((Get-LabRegistryKeyData $this.Name).values | Where-Object name -EQ $n).kind } -PassThru |
        Add-Member -MemberType ScriptMethod -Name ToString -Value { $this.Name } -Force -PassThru
}

function New-LabRegistryPropertyObject {
    param([string]$Key, $Data, [string[]]$Name)
    $o = [ordered]@{}
    foreach ($v in $Data.values) {
        if ($Name -and -not ($Name | Where-Object { $v.name -like $_ })) { continue }
        $o[[string]$v.name] = ConvertFrom-LabRegistryData $v
    }
    $parent = ($Key -split '\\' | Select-Object -SkipLast 1) -join '\'
    $o['PSPath'] = "$script:RegPrefix$Key"
    $o['PSParentPath'] = "$script:RegPrefix$parent"
    $o['PSChildName'] = ($Key -split '\\')[-1]
    $o['PSDrive'] = 'HKLM'
    $o['PSProvider'] = 'Microsoft.PowerShell.Core\Registry'
    [pscustomobject]$o
}

function Get-LabRegistryKind {
    # RegistryValueKind of a value about to be written: -Type/-PropertyType, else from the .NET type.
    param($Value, [string]$Kind)
    if ($Kind) { return (Get-Culture).TextInfo.ToTitleCase($Kind.ToLowerInvariant()) -replace 'Dword', 'DWord' -replace 'Qword', 'QWord' -replace 'Multistring', 'MultiString' -replace 'Expandstring', 'ExpandString' }
    if ($Value -is [int] -or $Value -is [uint32] -or $Value -is [int16] -or $Value -is [byte]) { return 'DWord' }
    if ($Value -is [long] -or $Value -is [uint64]) { return 'QWord' }
    if ($Value -is [array]) { return 'MultiString' }
    'String'
}
