# Proxies for the provider cmdlets. A path on Cert:\LocalMachine or HKLM: is served by the lab;
# every other path (and every parameter) goes to the real cmdlet untouched, through the same
# steppable-pipeline proxy ProxyCommand generates. The proxies are generated at import from
# the real cmdlets' metadata, so parameter sets and pipeline binding stay exactly theirs.

$script:ProxyCommands = @{
    'Get-ChildItem'        = 'Microsoft.PowerShell.Management'
    'Get-Item'             = 'Microsoft.PowerShell.Management'
    'Test-Path'            = 'Microsoft.PowerShell.Management'
    'Remove-Item'          = 'Microsoft.PowerShell.Management'
    'New-Item'             = 'Microsoft.PowerShell.Management'
    'Get-ItemProperty'     = 'Microsoft.PowerShell.Management'
    'Get-ItemPropertyValue' = 'Microsoft.PowerShell.Management'
    'Set-ItemProperty'     = 'Microsoft.PowerShell.Management'
    'New-ItemProperty'     = 'Microsoft.PowerShell.Management'
}

function Get-LabProxyNames { [string[]]$script:ProxyCommands.Keys }

function Get-LabBoundPaths {
    param($Bound)
    foreach ($k in 'Path', 'LiteralPath') { if ($Bound.ContainsKey($k)) { $Bound[$k] } }
}

function Test-LabProxyPath {
    # True when any bound path is one the lab serves.
    param($Bound)
    foreach ($p in (Get-LabBoundPaths $Bound)) {
        if ((ConvertTo-LabCertPath $p) -or (ConvertTo-LabRegistryKey $p)) { return $true }
    }
    $false
}

function Get-LabDynamicParameters {
    # Provider dynamic parameters for lab paths (the Certificate and Registry providers' own).
    param([string]$Command)
    $dict = [System.Management.Automation.RuntimeDefinedParameterDictionary]::new()
    $add = {
        param([string]$n, [type]$t)
        $attrs = [System.Collections.ObjectModel.Collection[Attribute]]::new()
        $attrs.Add([System.Management.Automation.ParameterAttribute]::new())
        $dict.Add($n, [System.Management.Automation.RuntimeDefinedParameter]::new($n, $t, $attrs))
    }
    switch ($Command) {
        'Get-ChildItem' { & $add 'DnsName' ([string]); & $add 'SSLServerAuthentication' ([switch]); & $add 'ExpiringInDays' ([int]); & $add 'Eku' ([string[]]); & $add 'CodeSigningCert' ([switch]) }
        'Set-ItemProperty' { & $add 'Type' ([Microsoft.Win32.RegistryValueKind]) }
    }
    $dict
}

function New-LabProxy {
    param([string]$Name, [string]$Module)
    $meta = [System.Management.Automation.CommandMetadata]::new((Get-Command "$Module\$Name" -CommandType Cmdlet))
    $binding = [System.Management.Automation.ProxyCommand]::GetCmdletBindingAttribute($meta)
    $params = [System.Management.Automation.ProxyCommand]::GetParamBlock($meta)
    $dynamic = [System.Management.Automation.ProxyCommand]::GetDynamicParam($meta)
    @"
function $Name {
$binding
param($params)
dynamicparam {
    if (Test-LabProxyPath `$PSBoundParameters) { return (Get-LabDynamicParameters '$Name') }
    try {
$dynamic
    } catch { }
}
begin {
    `$labMode = Test-LabProxyPath `$PSBoundParameters
    if (-not `$labMode) {
        `$outBuffer = `$null
        if (`$PSBoundParameters.TryGetValue('OutBuffer', [ref]`$outBuffer)) { `$PSBoundParameters['OutBuffer'] = 1 }
        `$wrappedCmd = `$ExecutionContext.InvokeCommand.GetCommand('$Module\$Name', [System.Management.Automation.CommandTypes]::Cmdlet)
        `$scriptCmd = { & `$wrappedCmd @PSBoundParameters }
        `$steppablePipeline = `$scriptCmd.GetSteppablePipeline(`$MyInvocation.CommandOrigin)
        `$steppablePipeline.Begin(`$PSCmdlet)
    }
}
process {
    if (`$labMode -or (Test-LabProxyPath `$PSBoundParameters)) { Invoke-LabProvider -Command '$Name' -Bound `$PSBoundParameters -Cmdlet `$PSCmdlet }
    else { `$steppablePipeline.Process(`$_) }
}
end { if (-not `$labMode) { `$steppablePipeline.End() } }
clean { if (`$null -ne `$steppablePipeline) { `$steppablePipeline.Clean() } }
}
"@
}

# Generated once per process (the cmdlets' metadata does not change while it runs; a lab host runs
# many sessions in one process), defined in every session that imports the module.
$proxyKey = "LabWindows.Proxies/$($PSVersionTable.PSVersion)"
$proxyText = [AppDomain]::CurrentDomain.GetData($proxyKey)
if ($proxyText -isnot [string]) {
    $proxyText = ($script:ProxyCommands.GetEnumerator() | Sort-Object Key | ForEach-Object { New-LabProxy -Name $_.Key -Module $_.Value }) -join "`n"
    [AppDomain]::CurrentDomain.SetData($proxyKey, $proxyText)
}
. ([scriptblock]::Create($proxyText))

function Write-LabPathNotFound {
    param($Cmdlet, [string]$Path, [string]$Command)
    $type = $Command -replace '-', ''
    $Cmdlet.WriteError((New-LabErrorRecord (New-LabError -Message "Cannot find path '$Path' because it does not exist." `
                    -Id "PathNotFound,Microsoft.PowerShell.Commands.${type}Command" -Category ObjectNotFound -Exception ItemNotFoundException) $Path))
}

function Get-LabStoreObject {
    param([string]$Location, [string]$Store)
    [pscustomobject]@{
        PSTypeName = 'System.Security.Cryptography.X509Certificates.X509Store'
        Name = $Store; Location = $Location; PSChildName = $Store
        PSPath = "${script:CertPrefix}$Location\$Store"; PSParentPath = "${script:CertPrefix}$Location"; PSIsContainer = $true
    }
}

function Get-LabCertItems {
    # What a Cert: path names: locations, stores, or certificates. $null when it does not exist.
    param($p, [switch]$Children, [switch]$Recurse)
    $locations = 'CurrentUser', 'LocalMachine'
    $stores = 'AuthRoot', 'CA', 'ClusterStore', 'Disallowed', 'FlightRoot', 'Homegroup Machine Certificates', 'My', 'REQUEST', 'Remote Desktop', 'Root',
    'SmartCardRoot', 'Trust', 'TrustedDevices', 'TrustedPeople', 'TrustedPublisher', 'Windows Live ID Token Issuer', 'WebHosting'
    $certsOf = {
        param($loc, $store)
        if ($loc -ne 'LocalMachine') { return @() }
        $e = Get-LabCertEntries $store
        foreach ($x in $e) { New-LabCertObject $x $store }
    }
    switch ($p.Depth) {
        0 {
            if (-not $Children) { return , @([pscustomobject]@{ PSTypeName = 'Microsoft.PowerShell.Commands.X509StoreLocation'; Location = 'Cert:\'; PSIsContainer = $true }) }
            return , @(foreach ($l in $locations) { [pscustomobject]@{ PSTypeName = 'Microsoft.PowerShell.Commands.X509StoreLocation'; Location = $l; PSChildName = $l; PSIsContainer = $true } })
        }
        1 {
            $loc = $locations | Where-Object { $_ -eq $p.Location }
            if (-not $loc) { return $null }
            if (-not $Children) { return , @([pscustomobject]@{ PSTypeName = 'Microsoft.PowerShell.Commands.X509StoreLocation'; Location = $loc; PSChildName = $loc; PSIsContainer = $true }) }
            if ($Recurse) { return , @(foreach ($s in $stores) { Get-LabStoreObject $loc $s; & $certsOf $loc $s }) }
            return , @(foreach ($s in $stores) { Get-LabStoreObject $loc $s })
        }
        2 {
            $loc = $locations | Where-Object { $_ -eq $p.Location }
            $store = $stores | Where-Object { $_ -eq $p.Store }
            if (-not $loc -or -not $store) { return $null }
            if (-not $Children) { return , @(Get-LabStoreObject $loc $store) }
            return , @(& $certsOf $loc $store)
        }
        3 {
            $loc = $locations | Where-Object { $_ -eq $p.Location }
            $store = $stores | Where-Object { $_ -eq $p.Store }
            if (-not $loc -or -not $store) { return $null }
            $found = @(& $certsOf $loc $store | Where-Object { $_.Thumbprint -like $p.Thumbprint })
            if ($found.Count -eq 0 -and -not [WildcardPattern]::ContainsWildcardCharacters($p.Thumbprint)) { return $null }
            return , $found
        }
        default { return $null }
    }
}

function Select-LabCertFilter {
    # Get-ChildItem's Certificate-provider filters (-DnsName, -SSLServerAuthentication, -ExpiringInDays, -Eku).
    param($Items, $Bound)
    foreach ($i in $Items) {
        if ($i -isnot [System.Security.Cryptography.X509Certificates.X509Certificate2]) { if (-not ($Bound.Keys | Where-Object { $_ -in 'DnsName', 'SSLServerAuthentication', 'ExpiringInDays', 'Eku', 'CodeSigningCert' })) { $i }; continue }
        if ($Bound.DnsName -and -not ($i.DnsNameList | Where-Object { $_.Unicode -like $Bound.DnsName })) { continue }
        if ($Bound.SSLServerAuthentication -and $i.EnhancedKeyUsageList.Count -gt 0 -and -not ($i.EnhancedKeyUsageList | Where-Object ObjectId -EQ '1.3.6.1.5.5.7.3.1')) { continue }
        if ($Bound.Eku -and -not ($Bound.Eku | Where-Object { $e = $_; $i.EnhancedKeyUsageList | Where-Object { $_.FriendlyName -like $e -or $_.ObjectId -eq $e } })) { continue }
        if ($Bound.ContainsKey('ExpiringInDays') -and $i.NotAfter -gt (Get-Date).AddDays($Bound.ExpiringInDays)) { continue }
        if ($Bound.CodeSigningCert) { continue }
        $i
    }
}

function Invoke-LabProvider {
    param([string]$Command, $Bound, $Cmdlet)
    $paths = @(Get-LabBoundPaths $Bound)
    foreach ($path in $paths) {
        $cert = ConvertTo-LabCertPath $path
        $key = if (-not $cert) { ConvertTo-LabRegistryKey $path }
        if (-not $cert -and -not $key) {
            # A normal path mixed into a lab call: hand just this one to the real cmdlet.
            $b = @{} + $Bound; $b.Remove('Path'); $b.Remove('LiteralPath'); $b['LiteralPath'] = $path
            & "Microsoft.PowerShell.Management\$Command" @b
            continue
        }
        if ($cert) { Invoke-LabCertProvider $Command $cert $Bound $Cmdlet } else { Invoke-LabRegistryProvider $Command $key $path $Bound $Cmdlet }
    }
}

function Invoke-LabCertProvider {
    param([string]$Command, $p, $Bound, $Cmdlet)
    switch ($Command) {
        'Test-Path' {
            $items = Get-LabCertItems $p
            $type = [string]$Bound['PathType']
            if ($null -eq $items -or $items.Count -eq 0) { $false }
            elseif ($type -eq 'Leaf') { $p.Depth -eq 3 }
            elseif ($type -eq 'Container') { $p.Depth -lt 3 }
            else { $true }
        }
        'Get-ChildItem' {
            $items = Get-LabCertItems $p -Children -Recurse:([bool]$Bound['Recurse'])
            if ($null -eq $items) { Write-LabPathNotFound $Cmdlet $p.Text $Command; return }
            Select-LabCertFilter $items $Bound
        }
        'Get-Item' {
            $items = Get-LabCertItems $p
            if ($null -eq $items) { Write-LabPathNotFound $Cmdlet $p.Text $Command; return }
            $items
        }
        'Remove-Item' {
            if ($p.Depth -ne 3) {
                $Cmdlet.WriteError((New-LabErrorRecord (New-LabError -Message "Remove-Item of '$($p.Text)' is not simulated: only certificates can be removed." -Id 'NotSupported,Microsoft.PowerShell.Commands.RemoveItemCommand' -Category NotImplemented)))
                return
            }
            $items = Get-LabCertItems $p
            if ($null -eq $items) { Write-LabPathNotFound $Cmdlet $p.Text $Command; return }
            foreach ($c in $items) {
                if (-not $Cmdlet.ShouldProcess("Item: $($c.PSPath)", 'Remove Item')) { continue }
                $null = Invoke-LabOp 'cert.remove' @{ store = $p.Store; thumbprint = $c.Thumbprint }
            }
        }
        default {
            $Cmdlet.WriteError((New-LabErrorRecord (New-LabError -Message "$Command is not supported on the Cert: drive." -Id "NotSupported,Microsoft.PowerShell.Commands.$($Command -replace '-', '')Command" -Category NotImplemented -Exception InvalidOperationException)))
        }
    }
}

function Invoke-LabRegistryProvider {
    param([string]$Command, [string]$Key, [string]$Path, $Bound, $Cmdlet)
    $data = Get-LabRegistryKeyData $Key
    $needsKey = $Command -notin 'Test-Path', 'New-Item'
    if ($needsKey -and -not $data.exists) { Write-LabPathNotFound $Cmdlet $Path $Command; return }
    switch ($Command) {
        'Test-Path' { [bool]$data.exists -and [string]$Bound['PathType'] -ne 'Leaf' }
        'Get-Item' { New-LabRegistryKeyObject $Key $data }
        'Get-ChildItem' { foreach ($k in $data.subkeys) { New-LabRegistryKeyObject $k (Get-LabRegistryKeyData $k) } }
        'New-Item' {
            if ($data.exists -and -not $Bound['Force']) {
                $Cmdlet.WriteError((New-LabErrorRecord (New-LabError -Message 'A key at this path already exists.' -Id 'System.IO.IOException,Microsoft.PowerShell.Commands.NewItemCommand' -Category ResourceExists -Exception InvalidOperationException) $Path))
                return
            }
            if (-not $Cmdlet.ShouldProcess($Key, 'New Item')) { return }
            $null = Invoke-LabOp 'registry.newKey' @{ key = $Key }
            New-LabRegistryKeyObject $Key (Get-LabRegistryKeyData $Key)
        }
        { $_ -in 'Get-ItemProperty', 'Get-ItemPropertyValue' } {
            $names = [string[]]$Bound['Name']
            foreach ($n in $names) {
                if ([WildcardPattern]::ContainsWildcardCharacters($n)) { continue }
                if (-not ($data.values | Where-Object name -EQ $n)) {
                    $type = $Command -replace '-', ''
                    $Cmdlet.WriteError((New-LabErrorRecord (New-LabError -Message "Property $n does not exist at path $Key." `
                                    -Id "System.Management.Automation.PSArgumentException,Microsoft.PowerShell.Commands.${type}Command" -Category InvalidArgument -Exception ArgumentException) $n))
                    return
                }
            }
            if ($Command -eq 'Get-ItemPropertyValue') {
                foreach ($n in $names) { ConvertFrom-LabRegistryData ($data.values | Where-Object name -EQ $n) }
            } else { New-LabRegistryPropertyObject $Key $data $names }
        }
        { $_ -in 'Set-ItemProperty', 'New-ItemProperty' } {
            $n = [string]$Bound['Name']
            $exists = $data.values | Where-Object name -EQ $n
            if ($Command -eq 'New-ItemProperty' -and $exists -and -not $Bound['Force']) {
                $Cmdlet.WriteError((New-LabErrorRecord (New-LabError -Message 'The property already exists.' -Id 'System.IO.IOException,Microsoft.PowerShell.Commands.NewItemPropertyCommand' -Category ResourceExists -Exception InvalidOperationException) $n))
                return
            }
            $kindText = if ($Bound['PropertyType']) { [string]$Bound['PropertyType'] } elseif ($Bound['Type']) { [string]$Bound['Type'] } elseif ($exists) { [string]$exists.kind } else { '' }
            $value = $Bound['Value']
            $kind = Get-LabRegistryKind $value $kindText
            $payload = switch ($kind) { 'DWord' { [long]$value } 'QWord' { [long]$value } 'MultiString' { @([string[]]$value) } default { [string]$value } }
            if (-not $Cmdlet.ShouldProcess("Item: $Key Property: $n", $Command)) { return }
            $reply = Invoke-LabOp 'registry.set' @{ key = $Key; name = $n; kind = $kind; data = $payload }
            if (-not $reply.ok) { $Cmdlet.WriteError((New-LabErrorRecord $reply.error $n)); return }
            if ($Command -eq 'New-ItemProperty' -or $Bound['PassThru']) { New-LabRegistryPropertyObject $Key (Get-LabRegistryKeyData $Key) @($n) }
        }
        default {
            $Cmdlet.WriteError((New-LabErrorRecord (New-LabError -Message "$Command is not simulated on HKLM:." -Id "NotSupported,Microsoft.PowerShell.Commands.$($Command -replace '-', '')Command" -Category NotImplemented -Exception InvalidOperationException)))
        }
    }
}
