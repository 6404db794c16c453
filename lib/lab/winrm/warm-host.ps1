# The lab's warm PowerShell host: one pwsh process that runs many powershell.exe command lines,
# one after the other, each as the console host would have run it in a process of its own.
#
# Why: starting pwsh and importing the lab's Windows module costs ~1.7 s of CPU per command; a
# 34-host lab on 2 cores spent most of its time there. This process pays that once and then runs
# each command in a NEW runspace (fresh variables, functions, modules, location) whose host is
# this process's own ConsoleHost, through the same pipeline shape as the console host's -Command
# path (Executor.ExecuteCommandAsyncHelper: the script merged error→output, then Out-Default;
# a terminating error reported through Out-Default as an error record; the exit code from `exit N`
# or else from `$global:?`). Output therefore takes the console host's own code: text through its
# output serializer, errors/warnings/progress/information as CLIXML through its error serializer
# (the host's lazily created serializers are reset per command, so each command's stderr is its
# own `#< CLIXML` document).
#
# Started by lib/lab/winrm/warm-executor.ts as
#   pwsh -NoLogo -NoProfile -NonInteractive -EncodedCommand <this script>
# with stdin, stdout and stderr as pipes (so the console host is in its redirected,
# non-interactive mode, as powershell.exe is under WinRS). Protocol, one JSON object per line:
#   stdin    <- {"id":n,"token":"...","encoded":true|false,"script":"...","env":{...},"profile":"/path"|null}
#   control  -> {"ready":true} once, then {"id":n,"exit":code,"streams":2,"failed":false} per command
# The control channel is a connection to the pool's Unix socket ($env:LAB_WARM_SOCKET) that
# starts with "ctl <server> <pool token>\n". For each command the host connects twice more and writes
# "<id> <token> out\n" and "<id> <token> err\n" first (the tokens keep a script from posing as
# another command's stream): the command's stdout and stderr (UTF-8) go there. When
# the script uses $input (the only case in which the console host reads stdin), its stdin lines
# are read from the first of these until the pool shuts down its writing half; the script starts
# once they are all in (the console host would start it at once and let $input wait: only the
# timing differs).
#
# What is per process and would leak from one command to the next is put back before each: the
# environment block, the working directory, $PSStyle.OutputRendering, the host's exit flags.
# The process is recycled by its owner after a number of commands (modules with enums or classes
# define new dynamic types per import, which .NET never unloads).

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3
$bf = [Reflection.BindingFlags]'NonPublic,Instance'
$ch = $Host.GetType().GetProperty('ExternalHost', $bf).GetValue($Host)
$chType = $ch.GetType()
$field = @{}
foreach ($n in '_errorSerializer', '_outputSerializer', '_setShouldExitCalled', '_exitCodeFromRunspace', '_shouldEndSession', '_wasInitialCommandEncoded') {
    $f = $chType.GetField($n, $bf)
    if (-not $f) { throw "warm host: ConsoleHost has no field $n in this PowerShell version" }
    $field[$n] = $f
}
$writeStream = [Management.Automation.PSObject].GetProperty('WriteStream', $bf)
# An open-instance delegate typed (PSObject, WriteStreamType): a reflection call would have
# PowerShell pass the PSObject's base object instead.
$setWriteStream = [Delegate]::CreateDelegate([Action`2].MakeGenericType([Management.Automation.PSObject], $writeStream.PropertyType), $writeStream.GetSetMethod($true))
$errorStream = [Enum]::Parse($writeStream.PropertyType, 'Error')
$outputSerializer = $chType.GetProperty('OutputSerializer', $bf)
$errorSerializer = $chType.GetProperty('ErrorSerializer', $bf)
$serializerType = $outputSerializer.PropertyType
$serialize = $serializerType.GetMethod('Serialize', $bf, $null, [type[]]@([object]), $null)
$endSerializer = $serializerType.GetMethod('End', $bf)
if (-not $serialize -or -not $endSerializer) { throw 'warm host: WrappedSerializer has no Serialize(object) or End() in this PowerShell version' }
$utf8 = [Text.UTF8Encoding]::new($false)
$socketPath = [Environment]::GetEnvironmentVariable('LAB_WARM_SOCKET')
$serverId = [Environment]::GetEnvironmentVariable('LAB_WARM_SERVER')
# Not part of any command's environment.
$poolToken = [Environment]::GetEnvironmentVariable('LAB_WARM_TOKEN')
[Environment]::SetEnvironmentVariable('LAB_WARM_SOCKET', [NullString]::Value)
[Environment]::SetEnvironmentVariable('LAB_WARM_SERVER', [NullString]::Value)
[Environment]::SetEnvironmentVariable('LAB_WARM_TOKEN', [NullString]::Value)
# The runtime settings the pool gave this host only (read by .NET at startup, not a command's).
foreach ($n in @(([Environment]::GetEnvironmentVariable('LAB_WARM_DROP') ?? '') -split ',' | Where-Object { $_ }) + 'LAB_WARM_DROP') {
    [Environment]::SetEnvironmentVariable($n, [NullString]::Value)
}
$cmdIn = [Console]::In
$origOut = [Console]::Out
$origErr = [Console]::Error
$baseEnv = [Environment]::GetEnvironmentVariables()
$baseDir = [Environment]::CurrentDirectory
$baseRendering = if ($PSStyle) { $PSStyle.OutputRendering } else { $null }
$baseInputEncoding = [Console]::InputEncoding
$baseOutputEncoding = [Console]::OutputEncoding

function Reset-Environment([hashtable]$jobEnv) {
    $now = [Environment]::GetEnvironmentVariables()
    # [NullString]::Value removes a variable; PowerShell would pass $null to a [string] as "" (kept, empty).
    foreach ($k in @($now.Keys)) { if (-not $baseEnv.Contains($k)) { [Environment]::SetEnvironmentVariable($k, [NullString]::Value) } }
    foreach ($k in @($baseEnv.Keys)) { if ($now[$k] -cne $baseEnv[$k]) { [Environment]::SetEnvironmentVariable($k, $baseEnv[$k]) } }
    foreach ($k in @($jobEnv.Keys)) { [Environment]::SetEnvironmentVariable($k, [string]$jobEnv[$k]) }
    [Environment]::CurrentDirectory = $baseDir
    if ($PSStyle) { $PSStyle.OutputRendering = $baseRendering }
    if ([Console]::InputEncoding.WebName -ne $baseInputEncoding.WebName) { [Console]::InputEncoding = $baseInputEncoding }
    if ([Console]::OutputEncoding.WebName -ne $baseOutputEncoding.WebName) { [Console]::OutputEncoding = $baseOutputEncoding }
}

function Connect-Stream([string]$path, [string]$hello) {
    $s = [Net.Sockets.Socket]::new([Net.Sockets.AddressFamily]::Unix, [Net.Sockets.SocketType]::Stream, [Net.Sockets.ProtocolType]::Unspecified)
    $s.Connect([Net.Sockets.UnixDomainSocketEndPoint]::new($path))
    $ns = [Net.Sockets.NetworkStream]::new($s, $true)
    $w = [IO.StreamWriter]::new($ns, $utf8)
    $w.AutoFlush = $true
    $w.Write($hello)
    return @{ socket = $s; stream = $ns; writer = $w }
}

# The console host's Executor with AddOutputter: the script merged error→output, then Out-Default.
function Invoke-AsConsoleHost($rs, [string]$command, [bool]$addToHistory, $inputLines) {
    $p = $rs.CreatePipeline($command, $addToHistory)
    $p.Commands[0].MergeMyResults('Error', 'Output')
    $p.Commands.Add([Management.Automation.Runspaces.Command]::new('Out-Default', $false, $true))
    $thrown = $null
    try {
        if ($null -ne $inputLines) { [void]$p.Invoke($inputLines) } else { [void]$p.Invoke() }
    } catch {
        $thrown = $_.Exception
        while ($thrown -is [Management.Automation.MethodInvocationException] -and $thrown.InnerException) { $thrown = $thrown.InnerException }
    }
    foreach ($o in $p.Output.NonBlockingRead()) { [void]$serialize.Invoke($outputSerializer.GetValue($ch), @(, $o)) }
    foreach ($o in $p.Error.NonBlockingRead()) { [void]$serialize.Invoke($errorSerializer.GetValue($ch), @(, $o)) }
    if ($thrown) { Write-AsConsoleHostError $rs $thrown }
    return $thrown
}

# ConsoleHost.ReportException: the error record (wrapped, marked as error stream) through Out-Default.
function Write-AsConsoleHostError($rs, [Exception]$e) {
    $record = if ($e -is [Management.Automation.IContainsErrorRecord]) { $e.ErrorRecord } else { [Management.Automation.ErrorRecord]::new($e, 'ConsoleHost.ReportException', 'NotSpecified', $null) }
    $wrapped = [Management.Automation.PSObject]::new($record)
    $setWriteStream.Invoke($wrapped, $errorStream)
    $p = $rs.CreatePipeline()
    $p.Commands.Add([Management.Automation.Runspaces.Command]::new('Out-Default', $false, $true))
    try { [void]$p.Invoke(@(, $wrapped)) } catch { $origErr.WriteLine($e.Message) }
}

function Read-InputLines($stream) {
    $r = [IO.StreamReader]::new($stream, $utf8, $false, 4096, $true)
    $lines = [Collections.Generic.List[object]]::new()
    while ($null -ne ($l = $r.ReadLine())) { $lines.Add($l) }
    return , $lines
}

$ctl = (Connect-Stream $socketPath "ctl $serverId $poolToken`n").writer
$ctl.WriteLine('{"ready":true}')

# The console host reads stdin for a command only when it uses $input (AstSearcher.IsUsingDollarInput:
# a variable, any scope qualifier, not inside nested script blocks or functions).
function Test-UsesInput([string]$script) {
    $ast = [Management.Automation.Language.Parser]::ParseInput($script, [ref]$null, [ref]$null)
    $null -ne $ast.Find({ param($a) $a -is [Management.Automation.Language.VariableExpressionAst] -and $a.VariablePath.IsVariable -and ($a.VariablePath.UserPath -replace '^(global|script|local|private):', '') -eq 'input' }, $false)
}

while ($null -ne ($line = $cmdIn.ReadLine())) {
    if (-not $line) { continue }
    $job = ConvertFrom-Json -InputObject $line -AsHashtable
    $out = $null; $err = $null; $rs = $null; $exit = 1; $failed = $false
    try {
        Reset-Environment $job.env
        $out = Connect-Stream $socketPath "$($job.id) $($job.token) out`n"
        $err = Connect-Stream $socketPath "$($job.id) $($job.token) err`n"
        [Console]::SetOut($out.writer)
        [Console]::SetError($err.writer)
        $field['_errorSerializer'].SetValue($ch, $null)
        $field['_outputSerializer'].SetValue($ch, $null)
        $field['_setShouldExitCalled'].SetValue($ch, $false)
        $field['_exitCodeFromRunspace'].SetValue($ch, 0)
        $field['_shouldEndSession'].SetValue($ch, $false)
        $field['_wasInitialCommandEncoded'].SetValue($ch, [bool]$job.encoded)

        $iss = [Management.Automation.Runspaces.InitialSessionState]::CreateDefault2()
        $rs = [Management.Automation.Runspaces.RunspaceFactory]::CreateRunspace($ch, $iss)
        $rs.ThreadOptions = 'ReuseThread'
        $rs.Open()
        $profilePath = $job.profile
        if ($profilePath) {
            $rs.SessionStateProxy.SetVariable('PROFILE', $profilePath)
            if (Test-Path -LiteralPath $profilePath) {
                [void](Invoke-AsConsoleHost $rs ". '$($profilePath -replace "'", "''")'" $false $null)
            }
        }
        $inputLines = if (Test-UsesInput $job.script) { Read-InputLines $out.stream } else { $null }
        $thrown = Invoke-AsConsoleHost $rs $job.script $true $inputLines
        if ($field['_setShouldExitCalled'].GetValue($ch)) {
            $exit = [int]$field['_exitCodeFromRunspace'].GetValue($ch)
        } else {
            $ok = $false
            try { $ok = [bool]($rs.CreatePipeline('$global:?').Invoke() | Select-Object -First 1) } catch { $ok = $false }
            $exit = if ($ok -and -not $thrown) { 0 } else { 1 }
        }
    } catch {
        $origErr.WriteLine("warm host: command $($job.id) failed in the host itself: $($_.Exception.Message)")
        $failed = $true
    } finally {
        foreach ($n in '_outputSerializer', '_errorSerializer') {
            $s = $field[$n].GetValue($ch)
            if ($s) { [void]$endSerializer.Invoke($s, $null) }
            $field[$n].SetValue($ch, $null)
        }
        [Console]::SetOut($origOut)
        [Console]::SetError($origErr)
        foreach ($c in $out, $err) {
            if ($c) { try { $c.writer.Flush(); $c.socket.Shutdown('Both') } catch { }; $c.writer.Dispose() }
        }
        if ($rs) { $rs.Dispose() }
        $field['_setShouldExitCalled'].SetValue($ch, $false)
        $field['_shouldEndSession'].SetValue($ch, $false)
    }
    # How many stream connections the pool must see closed before the command has ended: their data
    # can reach it after this line does.
    $streams = @($out, $err | Where-Object { $_ }).Count
    $ctl.WriteLine("{`"id`":$($job.id),`"exit`":$exit,`"streams`":$streams,`"failed`":$(if ($failed) { 'true' } else { 'false' })}")
}
