# The LocalMachine certificate stores (the Cert: drive is in Proxies.ps1) and the PKI module's
# Import-Certificate, Import-PfxCertificate, Export-PfxCertificate, Export-Certificate and
# New-SelfSignedCertificate. Certificates come back as real X509Certificate2 objects with the
# Certificate provider's extra properties (PSPath, DnsNameList, EnhancedKeyUsageList, ...).

$script:PkiCmd = 'Microsoft.CertificateServices.Commands'
$script:CertPrefix = 'Microsoft.PowerShell.Security\Certificate::'

# The Certificate provider's extra properties come from PowerShell's type data, which on Linux
# yields nothing; these compute them from the certificate as Windows does (SAN DNS names, else
# the subject's CN; the EKU extension's OIDs).
Update-TypeData -Force -TypeName System.Security.Cryptography.X509Certificates.X509Certificate2 -MemberType ScriptProperty -MemberName DnsNameList -Value {
    $names = [System.Collections.Generic.List[string]]::new()
    foreach ($ext in $this.Extensions) {
        if ($ext.Oid.Value -eq '2.5.29.17') {
            $san = [System.Security.Cryptography.X509Certificates.X509SubjectAlternativeNameExtension]::new($ext.RawData, $ext.Critical)
            foreach ($d in $san.EnumerateDnsNames()) { $names.Add($d) }
        }
    }
    if ($names.Count -eq 0) { $cn = $this.GetNameInfo('DnsName', $false); if ($cn) { $names.Add($cn) } }
    , @(foreach ($d in $names) {
            [pscustomobject]@{ PSTypeName = 'Microsoft.PowerShell.Commands.DnsNameRepresentation'; Punycode = $d; Unicode = $d } |
                Add-Member -MemberType ScriptMethod -Name ToString -Value { $this.Unicode } -Force -PassThru
        })
}
Update-TypeData -Force -TypeName System.Security.Cryptography.X509Certificates.X509Certificate2 -MemberType ScriptProperty -MemberName EnhancedKeyUsageList -Value {
    , @(foreach ($ext in $this.Extensions) {
            if ($ext.Oid.Value -eq '2.5.29.37') {
                foreach ($o in ([System.Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension]::new($ext, $ext.Critical)).EnhancedKeyUsages) {
                    [pscustomobject]@{ PSTypeName = 'Microsoft.CertificateServices.Commands.EnhancedKeyUsageRepresentation'; FriendlyName = $o.FriendlyName; ObjectId = $o.Value } |
                        Add-Member -MemberType ScriptMethod -Name ToString -Value { "$($this.FriendlyName) ($($this.ObjectId))" } -Force -PassThru
                }
            }
        })
}
Update-TypeData -Force -TypeName System.Security.Cryptography.X509Certificates.X509Certificate2 -MemberType ScriptProperty -MemberName SendAsTrustedIssuer -Value { $false }

function ConvertTo-LabCertPath {
    # 'Cert:\LocalMachine\Root\THUMB' and provider-qualified forms -> @{ Location; Store; Thumbprint }.
    # $null when the path is not on the Cert: drive.
    param([string]$Path)
    $m = [regex]::Match($Path, '^(?:(?:Microsoft\.PowerShell\.Security\\)?Certificate::|cert:)(.*)$', 'IgnoreCase')
    if (-not $m.Success) { return $null }
    $parts = @($m.Groups[1].Value -split '[\\/]+' | Where-Object { $_ -ne '' })
    $location = if ($parts.Count -ge 1) { $parts[0] } else { $null }
    $store = if ($parts.Count -ge 2) { $parts[1] } else { $null }
    $thumb = if ($parts.Count -ge 3) { $parts[2] } else { $null }
    @{ Location = $location; Store = $store; Thumbprint = $thumb; Text = $Path; Depth = $parts.Count }
}

function Get-LabCertEntries {
    # Raw entries of one LocalMachine store (DER base64 + flags).
    param([string]$Store)
    $reply = Invoke-LabOp 'cert.list' @{ store = $Store }
    if (-not $reply.ok) { return $null }
    @($reply.result)
}

function New-LabCertObject {
    param([Parameter(Mandatory)]$Entry, [Parameter(Mandatory)][string]$Store)
    $bytes = [Convert]::FromBase64String($Entry.der)
    $c = [System.Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadCertificate($bytes)
    $parent = "${script:CertPrefix}LocalMachine\$Store"
    $c | Add-Member -Force -PassThru -NotePropertyMembers ([ordered]@{
            PSPath               = "$parent\$($c.Thumbprint)"
            PSParentPath         = $parent
            PSChildName          = $c.Thumbprint
            PSDrive              = 'Cert'
            PSIsContainer        = $false
            # The key lives in the simulated host's store, not in this process.
            HasPrivateKey        = [bool]$Entry.hasPrivateKey
            FriendlyName         = [string]$Entry.friendlyName
        })
}

function Resolve-LabStoreLocation {
    # -CertStoreLocation must name a LocalMachine store in the lab.
    param([string]$CertStoreLocation, $Cmdlet, [string]$Command)
    $p = ConvertTo-LabCertPath $CertStoreLocation
    if (-not $p -or $p.Depth -ne 2 -or $p.Location -ne 'LocalMachine') {
        $Cmdlet.ThrowTerminatingError((New-LabErrorRecord (New-LabError -Message "Cannot find path '$CertStoreLocation' because it does not exist." `
                        -Id "PathNotFound,$script:PkiCmd.$Command" -Category ObjectNotFound -Exception ItemNotFoundException) $CertStoreLocation))
    }
    $p.Store
}

function Read-LabFile {
    param([string]$FilePath, $Cmdlet, [string]$Command)
    $real = $Cmdlet.GetUnresolvedProviderPathFromPSPath($FilePath)
    if (-not (Test-Path -LiteralPath $real -PathType Leaf)) {
        $Cmdlet.ThrowTerminatingError((New-LabErrorRecord (New-LabError -Message 'The system cannot find the file specified. 0x80070002 (WIN32: 2 ERROR_FILE_NOT_FOUND)' `
                        -Id "System.IO.FileNotFoundException,$script:PkiCmd.$Command" -Category ObjectNotFound -Exception Exception) $FilePath))
    }
    [IO.File]::ReadAllBytes($real)
}

function Get-LabImported {
    param($Reply, [string]$Store, $Cmdlet)
    if (-not $Reply.ok) { $Cmdlet.ThrowTerminatingError((New-LabErrorRecord $Reply.error)) }
    $entries = Get-LabCertEntries $Store
    foreach ($t in $Reply.result.thumbprints) {
        $e = $entries | Where-Object { $_.thumbprint -eq $t } | Select-Object -First 1
        if ($e) { New-LabCertObject $e $Store }
    }
}

function Import-Certificate {
    [CmdletBinding(SupportsShouldProcess = $true)]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)][Alias('FullName')][string]$FilePath,
        [string]$CertStoreLocation = (Get-Location).Path
    )
    process {
        $store = Resolve-LabStoreLocation $CertStoreLocation $PSCmdlet 'ImportCertificateCommand'
        $bytes = Read-LabFile $FilePath $PSCmdlet 'ImportCertificateCommand'
        if (-not $PSCmdlet.ShouldProcess($CertStoreLocation, 'Import certificate')) { return }
        Get-LabImported (Invoke-LabOp 'cert.import' @{ store = $store; data = [Convert]::ToBase64String($bytes) }) $store $PSCmdlet
    }
}

function Import-PfxCertificate {
    [CmdletBinding(SupportsShouldProcess = $true)]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)][Alias('FullName')][string]$FilePath,
        [Parameter(Position = 1)][string]$CertStoreLocation = (Get-Location).Path,
        [securestring]$Password,
        [switch]$Exportable,
        [switch]$ProtectPrivateKey
    )
    process {
        $store = Resolve-LabStoreLocation $CertStoreLocation $PSCmdlet 'ImportPfxCertificateCommand'
        $bytes = Read-LabFile $FilePath $PSCmdlet 'ImportPfxCertificateCommand'
        if (-not $PSCmdlet.ShouldProcess($CertStoreLocation, 'Import PFX')) { return }
        $plain = if ($Password) { [System.Net.NetworkCredential]::new('', $Password).Password } else { $null }
        $reply = Invoke-LabOp 'cert.importPfx' @{ store = $store; data = [Convert]::ToBase64String($bytes); password = $plain; exportable = [bool]$Exportable }
        Get-LabImported $reply $store $PSCmdlet
    }
}

function Resolve-LabCertArgument {
    # -Cert takes a certificate object or a Cert:\ path, as the PKI cmdlets' Certificate type does.
    param($Cert, $Cmdlet, [string]$Command)
    $path = if ($Cert -is [string]) { $Cert } else { [string]$Cert.PSPath }
    $p = ConvertTo-LabCertPath $path
    if (-not $p -and $Cert -isnot [string] -and $Cert.Thumbprint) {
        $Cmdlet.ThrowTerminatingError((New-LabErrorRecord (New-LabError -Message 'Cannot export a certificate that is not in a certificate store.' -Id "System.ArgumentException,$script:PkiCmd.$Command" -Category InvalidArgument -Exception ArgumentException)))
    }
    if (-not $p -or $p.Depth -ne 3 -or $p.Location -ne 'LocalMachine') {
        $Cmdlet.ThrowTerminatingError((New-LabErrorRecord (New-LabError -Message "Cannot find path '$path' because it does not exist." -Id "PathNotFound,$script:PkiCmd.$Command" -Category ObjectNotFound -Exception ItemNotFoundException) $path))
    }
    $p
}

function Write-LabOutputFile {
    param([string]$FilePath, [byte[]]$Bytes, $Cmdlet, [switch]$NoClobber)
    $real = $Cmdlet.GetUnresolvedProviderPathFromPSPath($FilePath)
    if ($NoClobber -and (Test-Path -LiteralPath $real)) {
        $Cmdlet.ThrowTerminatingError((New-LabErrorRecord (New-LabError -Message "The file '$FilePath' already exists." -Id 'NoClobber' -Category ResourceExists -Exception InvalidOperationException)))
    }
    $null = New-Item -ItemType Directory -Force -Path ([IO.Path]::GetDirectoryName($real))
    [IO.File]::WriteAllBytes($real, $Bytes)
    Get-Item -LiteralPath $real
}

function Export-PfxCertificate {
    # One set for -Cert (the documented PfxCert set, -PFXData, is not simulated). -Password and
    # -ProtectTo are both optional and may be given together; with neither the cmdlet fails when it
    # runs (it does not prompt).
    [CmdletBinding(DefaultParameterSetName = 'NormalCert', SupportsShouldProcess = $true)]
    param(
        [Parameter(ParameterSetName = 'NormalCert', Mandatory = $true, Position = 0, ValueFromPipeline = $true)]
        [Alias('PsPath')]
        [object]$Cert,
        [Parameter(Mandatory = $true, Position = 1)][string]$FilePath,
        [securestring]$Password,
        [string[]]$ProtectTo,
        [ValidateSet('BuildChain', 'EndEntityCertOnly', 'PfxDataOnly')][string]$ChainOption = 'BuildChain',
        [ValidateSet('TripleDES_SHA1', 'AES256_SHA256')][string]$CryptoAlgorithmOption = 'TripleDES_SHA1',
        [switch]$NoProperties,
        [switch]$NoClobber,
        [switch]$Force
    )
    process {
        $p = Resolve-LabCertArgument $Cert $PSCmdlet 'ExportPfxCertificateCommand'
        if (-not $PSCmdlet.ShouldProcess($FilePath, 'Export PFX')) { return }
        if ($ProtectTo) {
            $PSCmdlet.ThrowTerminatingError((New-LabErrorRecord (New-LabError -Message 'The lab does not simulate -ProtectTo (Active Directory principals); use -Password.' -Id "NotImplemented,$script:PkiCmd.ExportPfxCertificateCommand" -Category NotImplemented)))
        }
        if (-not $Password) {
            # The lab's wording: Windows' exact text for this case is not documented.
            $PSCmdlet.ThrowTerminatingError((New-LabErrorRecord (New-LabError -Message 'Either the Password or the ProtectTo parameter must be specified.' -Id "System.ArgumentException,$script:PkiCmd.ExportPfxCertificateCommand" -Category InvalidArgument -Exception ArgumentException) $Cert))
        }
        $plain = [System.Net.NetworkCredential]::new('', $Password).Password
        $reply = Invoke-LabOp 'cert.exportPfx' @{ store = $p.Store; thumbprint = $p.Thumbprint; password = $plain; algorithm = $CryptoAlgorithmOption }
        if (-not $reply.ok) { $PSCmdlet.ThrowTerminatingError((New-LabErrorRecord $reply.error $Cert)) }
        Write-LabOutputFile $FilePath ([Convert]::FromBase64String($reply.result.data)) $PSCmdlet -NoClobber:$NoClobber
    }
}

function Export-Certificate {
    [CmdletBinding(SupportsShouldProcess = $true, PositionalBinding = $false)]
    param(
        [Parameter(Mandatory = $true, ValueFromPipeline = $true)][object]$Cert,
        [Parameter(Mandatory = $true)][Alias('FullName')][string]$FilePath,
        [ValidateSet('SST', 'CERT', 'P7B')][string]$Type = 'CERT',
        [switch]$NoClobber,
        [switch]$Force
    )
    process {
        $p = Resolve-LabCertArgument $Cert $PSCmdlet 'ExportCertificateCommand'
        $e = Get-LabCertEntries $p.Store | Where-Object { $_.thumbprint -eq $p.Thumbprint } | Select-Object -First 1
        if (-not $e) {
            $PSCmdlet.ThrowTerminatingError((New-LabErrorRecord (New-LabError -Message "Cannot find path '$($p.Text)' because it does not exist." -Id "PathNotFound,$script:PkiCmd.ExportCertificateCommand" -Category ObjectNotFound -Exception ItemNotFoundException)))
        }
        if (-not $PSCmdlet.ShouldProcess($FilePath, 'Export certificate')) { return }
        Write-LabOutputFile $FilePath ([Convert]::FromBase64String($e.der)) $PSCmdlet -NoClobber:$NoClobber
    }
}

function New-SelfSignedCertificate {
    [CmdletBinding(SupportsShouldProcess = $true, PositionalBinding = $false)]
    param(
        [string[]]$DnsName,
        [string]$Subject,
        [string]$CertStoreLocation = 'Cert:\LocalMachine\My',
        [datetime]$NotAfter,
        [datetime]$NotBefore,
        [string]$FriendlyName,
        [ValidateSet('NonExportable', 'ExportableEncrypted', 'Exportable')][string[]]$KeyExportPolicy = @('ExportableEncrypted'),
        [string]$HashAlgorithm,
        [string]$KeyAlgorithm,
        [int]$KeyLength,
        [string[]]$KeyUsage,
        [string]$KeySpec,
        [string]$Type,
        [string[]]$TextExtension,
        [string]$Provider,
        [object]$CloneCert,
        [object]$Signer
    )
    $store = Resolve-LabStoreLocation $CertStoreLocation $PSCmdlet 'NewSelfSignedCertificateCommand'
    if (-not $PSCmdlet.ShouldProcess($CertStoreLocation, 'New-SelfSignedCertificate')) { return }
    $reply = Invoke-LabOp 'cert.new' @{
        store         = $store
        dnsName       = $(if ($DnsName) { @($DnsName) } else { $null })
        subject       = $(if ($Subject) { $Subject } else { $null })
        notAfter      = $(if ($PSBoundParameters.ContainsKey('NotAfter')) { $NotAfter.ToUniversalTime().ToString('o') } else { $null })
        friendlyName  = $(if ($FriendlyName) { $FriendlyName } else { $null })
        exportable    = -not ($KeyExportPolicy -contains 'NonExportable')
        hashAlgorithm = $(if ($HashAlgorithm) { $HashAlgorithm } else { $null })
    }
    if (-not $reply.ok) { $PSCmdlet.ThrowTerminatingError((New-LabErrorRecord $reply.error)) }
    $e = Get-LabCertEntries $store | Where-Object { $_.thumbprint -eq $reply.result.thumbprint } | Select-Object -First 1
    New-LabCertObject $e $store
}
