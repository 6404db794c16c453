# Imports a master certificate (PFX, base64 in the parameters) into LocalMachine\Root, where
# SSIS looks for it and HTTP.SYS binds it from (certstorename=Root). The PFX and its one-time
# password arrive only as parameters (stdin JSON, never the command line); the file Import-
# PfxCertificate needs exists only for the call, in the session's TEMP, and is removed after.
# Idempotent: when Root already holds the certificate with its private key, nothing is done.
param(
    [Parameter(Mandatory = $true)][ValidatePattern('^[0-9A-Fa-f]{40}$')][string]$Thumbprint,
    [Parameter(Mandatory = $true)][string]$PfxBase64,
    [Parameter(Mandatory = $true)][string]$PfxPassword,
    [bool]$Exportable = $false
)

$target = "Cert:\LocalMachine\Root\$($Thumbprint.ToUpperInvariant())"
if ((Test-Path -LiteralPath $target) -and (Get-Item -LiteralPath $target).HasPrivateKey) {
    return [ordered]@{ thumbprint = $Thumbprint.ToUpperInvariant(); imported = $false }
}

$file = Join-Path $env:TEMP ("ssis-master-" + [guid]::NewGuid().ToString('N') + '.pfx')
$bytes = [Convert]::FromBase64String($PfxBase64)
try {
    if ($PSVersionTable.PSVersion.Major -ge 6) { Set-Content -LiteralPath $file -Value $bytes -AsByteStream }
    else { Set-Content -LiteralPath $file -Value $bytes -Encoding Byte }
    $secure = ConvertTo-SecureString -String $PfxPassword -AsPlainText -Force
    $imported = @(Import-PfxCertificate -FilePath $file -CertStoreLocation Cert:\LocalMachine\Root -Password $secure -Exportable:$Exportable)
}
finally {
    Remove-Item -LiteralPath $file -Force -ErrorAction SilentlyContinue
}
$leaf = $imported | Where-Object { $_.Thumbprint -eq $Thumbprint.ToUpperInvariant() } | Select-Object -First 1
if (-not $leaf) { throw "The PFX did not contain the certificate $Thumbprint (it held: $(@($imported | ForEach-Object Thumbprint) -join ', '))." }
if (-not $leaf.HasPrivateKey) { throw "The certificate $Thumbprint was imported without its private key: HTTP.SYS cannot use it." }
[ordered]@{ thumbprint = [string]$leaf.Thumbprint; imported = $true }
