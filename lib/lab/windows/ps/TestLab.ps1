# Dot-sourced in the BeforeAll of the Pester files that drive a throwaway lab
# (lib/lab/windows/test-server.ts, one JSON answer per line it reads): starts and stops it, sends it
# commands, and saves and restores what the tests change in the pwsh process that every test file
# shares. The lab process is $script:Server.

# Starts the lab on a scenario; returns its first answer (url and token of the lab's API).
function Start-TestLab([string]$Scenario = 'fresh') {
    $psi = [System.Diagnostics.ProcessStartInfo]::new('node')
    foreach ($a in '--conditions=react-server', '--import', 'tsx', 'lib/lab/windows/test-server.ts', $Scenario) { $psi.ArgumentList.Add($a) }
    $psi.WorkingDirectory = (Resolve-Path (Join-Path $PSScriptRoot '../../../..')).Path
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.UseShellExecute = $false
    $script:Server = [System.Diagnostics.Process]::Start($psi)
    $script:TestLabApi = $script:Server.StandardOutput.ReadLine() | ConvertFrom-Json
    $script:TestLabApi
}

# "Runs on" a simulated host of that lab, as over WinRM (NTLM, no CredSSP): LabWindows maps C:,
# Cert:, HKLM: and the Windows-only commands to that host.
function Enter-LabHost([string]$Name) {
    $env:LAB_HOST = $Name; $env:LAB_API_URL = $script:TestLabApi.url; $env:LAB_API_TOKEN = $script:TestLabApi.token; $env:LAB_REMOTE = '1'; $env:LAB_AUTH = 'ntlm'
    Import-Module (Join-Path $PSScriptRoot 'LabWindows.psm1') -DisableNameChecking -Force -Global
}

function Send-Lab([string]$Line) {
    $script:Server.StandardInput.WriteLine($Line)
    $script:Server.StandardInput.Flush()
    $script:Server.StandardOutput.ReadLine() | ConvertFrom-Json
}

function Stop-TestLab {
    if ($script:Server -and -not $script:Server.HasExited) {
        $script:Server.StandardInput.Close()
        $null = $script:Server.WaitForExit(5000)
    }
}

# Notes the environment variables LabWindows sets (and those in -Also) and the location.
function Save-TestSession([string[]]$Also = @()) {
    $script:SavedEnv = @{}
    foreach ($n in @('LAB_HOST', 'LAB_API_URL', 'LAB_API_TOKEN', 'LAB_REMOTE', 'LAB_AUTH', 'COMPUTERNAME', 'TEMP', 'TMP', 'USERNAME', 'USERPROFILE') + $Also) { $script:SavedEnv[$n] = [Environment]::GetEnvironmentVariable($n) }
    $script:SavedLocation = Get-Location
}

# Leaves the Pester session as Save-TestSession found it: other test files run in this same process.
function Restore-TestSession {
    Remove-Module LabWindows -Force -ErrorAction Ignore
    Set-Location $script:SavedLocation
    Remove-PSDrive -Name C -Force -Scope Global -ErrorAction Ignore
    foreach ($n in $script:SavedEnv.Keys) { [Environment]::SetEnvironmentVariable($n, $script:SavedEnv[$n]) }
}
