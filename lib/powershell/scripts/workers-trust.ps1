# Puts public certificates into LocalMachine\Root of this host. On a master node these are the
# workers' client certificates: the master accepts a worker only when its certificate is in Root
# there, on every master node in HA, or the worker gets 403 after the role moves. Each arrives as
# DER (base64) in the parameters, read from the worker by the wizard; no private key ever travels.
# Import-Certificate needs a file: it exists only for the call, in the session's TEMP.
# Idempotent: a certificate already in Root is left alone.
param([Parameter(Mandatory = $true)][object[]]$Certificates)

$imported = @()
$present = @()
foreach ($c in $Certificates) {
    $thumb = ([string]$c.thumbprint).ToUpperInvariant()
    if ($thumb -notmatch '^[0-9A-F]{40}$') { throw "Not a certificate thumbprint: '$($c.thumbprint)'." }
    if (Test-Path -LiteralPath "Cert:\LocalMachine\Root\$thumb") { $present += $thumb; continue }
    $file = Join-Path $env:TEMP ("ssis-worker-" + [guid]::NewGuid().ToString('N') + '.cer')
    $bytes = [Convert]::FromBase64String([string]$c.der)
    try {
        if ($PSVersionTable.PSVersion.Major -ge 6) { Set-Content -LiteralPath $file -Value $bytes -AsByteStream }
        else { Set-Content -LiteralPath $file -Value $bytes -Encoding Byte }
        $done = @(Import-Certificate -FilePath $file -CertStoreLocation Cert:\LocalMachine\Root)
    }
    finally {
        Remove-Item -LiteralPath $file -Force -ErrorAction SilentlyContinue
    }
    if (-not ($done | Where-Object { $_.Thumbprint -eq $thumb })) {
        throw "The certificate of $($c.from) is not $thumb (the file held $(@($done | ForEach-Object Thumbprint) -join ', ')); nothing else was imported after it."
    }
    $imported += $thumb
}
[ordered]@{ imported = @($imported); present = @($present) }
