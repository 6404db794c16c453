# Exports the master certificate with its private key as a PFX protected by a one-time password
# (made by the wizard for this transfer and kept only in its memory). The file Export-
# PfxCertificate writes exists only for the call, in the session's TEMP; the bytes come back as
# base64 in the result and the file is removed.
param(
    [Parameter(Mandatory = $true)][ValidatePattern('^[0-9A-Fa-f]{40}$')][string]$Thumbprint,
    [Parameter(Mandatory = $true)][string]$PfxPassword
)

$source = "Cert:\LocalMachine\Root\$($Thumbprint.ToUpperInvariant())"
if (-not (Test-Path -LiteralPath $source)) { throw "The certificate $Thumbprint is not in LocalMachine\Root on $env:COMPUTERNAME." }
$file = Join-Path $env:TEMP ("ssis-master-" + [guid]::NewGuid().ToString('N') + '.pfx')
try {
    $secure = ConvertTo-SecureString -String $PfxPassword -AsPlainText -Force
    $null = Export-PfxCertificate -Cert $source -FilePath $file -Password $secure -ChainOption EndEntityCertOnly
    $bytes = if ($PSVersionTable.PSVersion.Major -ge 6) { Get-Content -LiteralPath $file -AsByteStream -Raw } else { Get-Content -LiteralPath $file -Encoding Byte -Raw }
}
finally {
    Remove-Item -LiteralPath $file -Force -ErrorAction SilentlyContinue
}
[ordered]@{ thumbprint = $Thumbprint.ToUpperInvariant(); pfxBase64 = [Convert]::ToBase64String([byte[]]$bytes) }
