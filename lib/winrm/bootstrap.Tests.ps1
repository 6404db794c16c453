# Pester 5: the PowerShell bootstrap the WinRM client sends, run in pwsh exactly as a remote host
# runs it: -EncodedCommand, with the script + JSON parameters either inline in it (the usual way)
# or on stdin (secret parameters, long scripts). The bootstrap is not copied here:
# testdata/invocation.ts prints what lib/winrm/powershell.ts builds, so there is one source.

BeforeDiscovery {
    $script:Hostile = . (Join-Path $PSScriptRoot 'testdata/hostile-values.ps1')
}

BeforeAll {
    $script:Root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    # The pwsh launcher (this process may be `dotnet pwsh.dll` when pwsh is a dotnet tool).
    $script:Pwsh = (Get-Command pwsh -CommandType Application -ErrorAction Ignore | Select-Object -First 1).Source
    if (-not $script:Pwsh) { $script:Pwsh = Join-Path $HOME '.dotnet/tools/pwsh' }
    $script:Utf8 = [Text.UTF8Encoding]::new($false)
    $script:EchoScript = @'
param([string]$Value)
[pscustomobject]@{ value = $Value; hex = [BitConverter]::ToString([Text.Encoding]::UTF8.GetBytes($Value)); echoed = "[$Value]" }
'@

    # Asks lib/winrm/powershell.ts for the invocations of several scripts at once (one node start).
    function Get-Invocation([object[]]$Cases) {
        $psi = [Diagnostics.ProcessStartInfo]::new('node')
        foreach ($a in '--conditions=react-server', '--import', 'tsx', 'lib/winrm/testdata/invocation.ts') { $psi.ArgumentList.Add($a) }
        $psi.WorkingDirectory = $script:Root
        $psi.RedirectStandardInput = $true
        $psi.RedirectStandardOutput = $true
        $psi.StandardInputEncoding = $script:Utf8
        $psi.UseShellExecute = $false
        $p = [Diagnostics.Process]::Start($psi)
        $p.StandardInput.Write((ConvertTo-Json -InputObject $Cases -Depth 8 -Compress))
        $p.StandardInput.Close()
        $out = $p.StandardOutput.ReadToEnd()
        $p.WaitForExit()
        if ($p.ExitCode -ne 0) { throw "invocation.ts failed with exit code $($p.ExitCode)" }
        , ($out | ConvertFrom-Json)
    }

    # Runs one invocation as WinRS would: a fresh pwsh, the bootstrap on the command line, stdin
    # piped (empty when script and parameters came inline).
    function Invoke-Bootstrap($Invocation, [string]$Canary) {
        $psi = [Diagnostics.ProcessStartInfo]::new($script:Pwsh)
        foreach ($a in '-NoLogo', '-NoProfile', '-NonInteractive', '-EncodedCommand', $Invocation.encodedCommand) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardInput = $true
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.UseShellExecute = $false
        $psi.Environment['CANARY'] = $Canary
        $psi.Environment['TERM'] = 'dumb'
        $p = [Diagnostics.Process]::Start($psi)
        $p.StandardInput.Write($Invocation.stdin)
        $p.StandardInput.Close()
        $stderr = $p.StandardError.ReadToEndAsync()
        $stdout = $p.StandardOutput.ReadToEnd()
        $p.WaitForExit()
        [pscustomobject]@{ Stdout = $stdout; Stderr = $stderr.Result; ExitCode = $p.ExitCode; Nonce = $Invocation.nonce }
    }

    function Get-Marker($Run, [string]$Kind) {
        $line = $Run.Stdout -split "`r?`n" | Where-Object { $_.StartsWith("##WINRM-${Kind}:$($Run.Nonce):") } | Select-Object -First 1
        if (-not $line) { return $null }
        $b64 = $line.Substring("##WINRM-${Kind}:$($Run.Nonce):".Length)
        $script:Utf8.GetString([Convert]::FromBase64String($b64)) | ConvertFrom-Json
    }

    $script:CanaryDir = Join-Path ([IO.Path]::GetTempPath()) ("bootstrap-tests-" + [guid]::NewGuid())
    New-Item -ItemType Directory -Path $script:CanaryDir | Out-Null
}

AfterAll {
    Remove-Item -LiteralPath $script:CanaryDir -Recurse -Force -ErrorAction Ignore
}

Describe 'the WinRM client''s PowerShell bootstrap' {
    BeforeAll {
        # Every hostile value in ONE run (one pwsh start), plus the special cases.
        $values = [ordered]@{}
        $i = 0
        foreach ($h in (. (Join-Path $PSScriptRoot 'testdata/hostile-values.ps1'))) { $values["v$i"] = $h.Value; $i++ }
        $script:HostileValues = $values
        $all = @'
$out = [ordered]@{}
foreach ($p in $Params.PSObject.Properties) {
  $out[$p.Name] = [ordered]@{ value = $p.Value; hex = [BitConverter]::ToString([Text.Encoding]::UTF8.GetBytes($p.Value)); echoed = "[$($p.Value)]" }
}
$out
'@
        $cases = @(
            @{ script = $all; params = $values }
            @{ script = $all; params = $values; inline = $false }
            @{ script = $script:EchoScript; params = @{ Value = 'typed param() binding' } }
            @{ script = "`$a = 1`nthrow 'boom on line two'"; params = @{} }
            @{ script = "`$a = (1 +`n"; params = @{} }
            @{ script = "Write-Host 'before'`nexit 7"; params = @{} }
            @{ script = "Write-Host 'before'`nexit 7"; params = @{}; inline = $false }
        )
        $script:Inv = Get-Invocation $cases
        $script:Canary = Join-Path $script:CanaryDir 'hostile'
        # The same hostile values both ways: inline in the command line, and on stdin.
        $script:HostileRuns = @(
            Invoke-Bootstrap $script:Inv[0] $script:Canary
            Invoke-Bootstrap $script:Inv[1] $script:Canary
        )
        $script:HostileResults = @($script:HostileRuns | ForEach-Object { Get-Marker $_ 'RESULT' })
    }

    It 'travels inline when it fits, on stdin when told to' {
        $script:Inv[0].inline | Should -BeTrue
        $script:Inv[0].stdin | Should -BeNullOrEmpty
        $script:Inv[1].inline | Should -BeFalse
        $script:Inv[1].stdin | Should -Not -BeNullOrEmpty
    }

    It 'returns one RESULT line and exit code 0, both ways' {
        $script:HostileRuns.ExitCode | Should -Be @(0, 0)
        $script:HostileResults.Count | Should -Be 2
    }

    It '<Name>: arrives byte for byte and runs nothing, both ways' -ForEach $script:Hostile {
        $key = ($script:HostileValues.GetEnumerator() | Where-Object { $_.Value -ceq $Value } | Select-Object -First 1).Key
        foreach ($result in $script:HostileResults) {
            $got = $result.$key
            $got.value | Should -BeExactly $Value
            $got.echoed | Should -BeExactly "[$Value]"
            $got.hex | Should -BeExactly ([BitConverter]::ToString([Text.Encoding]::UTF8.GetBytes($Value)))
        }
        Test-Path -LiteralPath $script:Canary | Should -BeFalse
    }

    It 'binds parameters through the script''s own param() block' {
        $run = Invoke-Bootstrap $script:Inv[2] (Join-Path $script:CanaryDir 'typed')
        (Get-Marker $run 'RESULT').value | Should -BeExactly 'typed param() binding'
    }

    It 'reports a terminating error with its line, and exits 1' {
        $run = Invoke-Bootstrap $script:Inv[3] (Join-Path $script:CanaryDir 'error')
        $run.ExitCode | Should -Be 1
        $e = Get-Marker $run 'ERROR'
        $e.kind | Should -Be 'runtime'
        $e.message | Should -Be 'boom on line two'
        $e.line | Should -Be 2
        Get-Marker $run 'RESULT' | Should -BeNullOrEmpty
    }

    It 'reports a parse error as such, before running anything' {
        $run = Invoke-Bootstrap $script:Inv[4] (Join-Path $script:CanaryDir 'parse')
        $run.ExitCode | Should -Be 1
        (Get-Marker $run 'ERROR').kind | Should -Be 'parse'
    }

    It 'a script that calls exit: START was printed, no RESULT, its exit code (<Way>)' -ForEach @(
        @{ Way = 'inline'; Index = 5 }
        @{ Way = 'stdin'; Index = 6 }
    ) {
        $run = Invoke-Bootstrap $script:Inv[$Index] (Join-Path $script:CanaryDir "exit-$Way")
        $run.ExitCode | Should -Be 7
        $run.Stdout | Should -Match ([regex]::Escape("##WINRM-START:$($run.Nonce)"))
        $run.Stdout | Should -Match 'before'
        Get-Marker $run 'RESULT' | Should -BeNullOrEmpty
    }

    It 'prints nothing of its own before the script ends (so one Receive can bring the whole result)' {
        $run = Invoke-Bootstrap $script:Inv[2] (Join-Path $script:CanaryDir 'quiet')
        $lines = @($run.Stdout -split "`r?`n" | Where-Object { $_ })
        $lines.Count | Should -Be 2
        $lines[0] | Should -BeExactly "##WINRM-START:$($run.Nonce)"
        $lines[1] | Should -Match "^##WINRM-RESULT:$($run.Nonce):"
    }
}
