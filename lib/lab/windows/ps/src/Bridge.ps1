# The bridge to the lab: one POST per operation, and Windows' errors rebuilt as real ErrorRecords.

$script:FqidField = [System.Management.Automation.ErrorRecord].GetField('_serializedFullyQualifiedErrorId', [Reflection.BindingFlags]'NonPublic,Instance')

function Invoke-LabOp {
    # Returns the reply: .ok, then .result or .error (message, id, category, exception, target, code).
    param(
        [Parameter(Mandatory)][string]$Op,
        [System.Collections.IDictionary]$Arguments = @{},
        [string]$HostName = $env:LAB_HOST
    )
    $clean = @{}
    foreach ($k in $Arguments.Keys) { if ($null -ne $Arguments[$k]) { $clean[$k] = $Arguments[$k] } }
    $auth = if ($env:LAB_AUTH) { $env:LAB_AUTH.ToLowerInvariant() } else { 'local' }
    $body = @{ args = $clean; session = @{ remote = ($env:LAB_REMOTE -eq '1'); auth = $auth } } | ConvertTo-Json -Depth 8 -Compress
    $uri = '{0}/hosts/{1}/ops/{2}' -f $env:LAB_API_URL, [uri]::EscapeDataString($HostName), $Op
    try {
        $reply = Invoke-RestMethod -Method Post -Uri $uri -Body ([Text.Encoding]::UTF8.GetBytes($body)) -ContentType 'application/json; charset=utf-8' `
            -Headers @{ Authorization = "Bearer $env:LAB_API_TOKEN" } -SkipHttpErrorCheck -StatusCodeVariable status -ErrorAction Stop
    } catch {
        throw "LabWindows: the lab's Windows API at '$env:LAB_API_URL' did not answer: $($_.Exception.Message)"
    }
    if ($status -ne 200) { throw "LabWindows: internal error in '$Op' ($status): $($reply.error.message)" }
    $reply
}

function New-LabErrorRecord {
    # An ErrorRecord whose FullyQualifiedErrorId is exactly Windows' (ErrorId,Implementing.Type)
    # rather than "<id>,<function name>" as a script function would get.
    param([Parameter(Mandatory)]$ErrorInfo, $Target)
    $message = [string]$ErrorInfo.message
    $ex = switch ([string]$ErrorInfo.exception) {
        'InvalidOperationException' { [InvalidOperationException]::new($message) }
        'ArgumentException' { [ArgumentException]::new($message) }
        'UnauthorizedAccessException' { [UnauthorizedAccessException]::new($message) }
        'CryptographicException' { [System.Security.Cryptography.CryptographicException]::new($message) }
        'Win32Exception' { [System.ComponentModel.Win32Exception]::new([int]$ErrorInfo.code, $message) }
        'ItemNotFoundException' { [System.Management.Automation.ItemNotFoundException]::new($message) }
        default { [Exception]::new($message) }
    }
    $id = [string]$ErrorInfo.id
    $category = if ($ErrorInfo.category) { [System.Management.Automation.ErrorCategory][string]$ErrorInfo.category } else { 'NotSpecified' }
    if ($null -eq $Target) { $Target = $ErrorInfo.target }
    $record = [System.Management.Automation.ErrorRecord]::new($ex, ($id -split ',')[0], $category, $Target)
    if ($id.Contains(',')) { $script:FqidField.SetValue($record, $id) }
    $record
}

function New-LabError {
    # A Windows error raised on the PowerShell side (same shape as the API's).
    param([string]$Message, [string]$Id, [string]$Category = 'NotSpecified', [string]$Exception = 'Exception', $Code)
    @{ message = $Message; id = $Id; category = $Category; exception = $Exception; code = $Code }
}

function Initialize-LabSession {
    foreach ($name in 'LAB_HOST', 'LAB_API_URL', 'LAB_API_TOKEN') {
        if (-not [Environment]::GetEnvironmentVariable($name)) { throw "LabWindows: the environment variable $name is not set; the lab's executor sets it." }
    }
    $reply = Invoke-LabOp 'session.open'
    if (-not $reply.ok) { throw "LabWindows: $($reply.error.message)" }
    $s = $reply.result
    # C: is the host's folder. Global scope: the drive must outlive this module's scope.
    if (Get-PSDrive -Name C -ErrorAction Ignore) { Remove-PSDrive -Name C -Force -Scope Global -ErrorAction Ignore }
    $null = New-PSDrive -Name C -PSProvider FileSystem -Root $s.driveRoot -Scope Global
    $user = if ($env:LAB_USER) { ($env:LAB_USER -split '\\')[-1] } else { 'Administrator' }
    $profileDir = "C:\Users\$user"
    # The folders on the host's real directory (New-Item -Force would cost this session ~15 ms).
    foreach ($sub in 'Documents', 'AppData/Local/Temp') { $null = [IO.Directory]::CreateDirectory([IO.Path]::Combine($s.driveRoot, 'Users', $user, $sub)) }
    $env:COMPUTERNAME = $s.name
    $env:USERDOMAIN = $s.domain
    $env:USERDNSDOMAIN = $s.dnsDomain.ToUpperInvariant()
    $env:USERNAME = $user
    $env:USERPROFILE = $profileDir
    $env:SystemRoot = 'C:\Windows'
    $env:windir = 'C:\Windows'
    $env:SystemDrive = 'C:'
    $env:ProgramFiles = 'C:\Program Files'
    ${env:ProgramFiles(x86)} = 'C:\Program Files (x86)'
    $env:ProgramData = 'C:\ProgramData'
    $env:TEMP = "$profileDir\AppData\Local\Temp"
    $env:TMP = $env:TEMP
    # A WinRM session starts in the user's Documents folder.
    Set-Location "$profileDir\Documents"
    $script:LabSession = $s
    $s
}
