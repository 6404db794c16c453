# netsh.exe for the HTTP.SYS SSL bindings: a function, since PowerShell finds functions before
# applications. Its output is text lines and $LASTEXITCODE, as for the real program.

function netsh {
    # Plain function, no [CmdletBinding()]: a native program takes its arguments as they come.
    $argv = [System.Collections.Generic.List[string]]::new()
    foreach ($a in $args) {
        if ($a -is [scriptblock]) {
            # Unquoted appid={...} reaches a native program as 'appid=' + the block's text
            # without braces, which netsh then rejects: quote the GUID ('{...}') as on Windows.
            if ($argv.Count -gt 0 -and $argv[$argv.Count - 1].EndsWith('=')) { $argv[$argv.Count - 1] += $a.ToString().Trim(); continue }
            $argv.Add($a.ToString().Trim()); continue
        }
        $argv.Add([string]$a)
    }
    $reply = Invoke-LabOp 'netsh' @{ args = [string[]]$argv.ToArray() }
    if (-not $reply.ok) { Write-Error $reply.error.message; $global:LASTEXITCODE = 1; return }
    foreach ($line in $reply.result.lines) { $line }
    $global:LASTEXITCODE = [int]$reply.result.exitCode
}
