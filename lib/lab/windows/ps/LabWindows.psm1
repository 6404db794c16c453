# LabWindows: the Windows-only commands of the lab's simulated hosts, for real PowerShell 7.
#
# Scripts run in real pwsh: parsing, parameter binding, pipelines and error streams are real.
# Only what Windows alone provides is simulated here, under the same command and parameter
# names, with the output shapes and errors Windows gives. State lives in the lab (Node), reached
# over the internal API named by the environment the lab's WinRM executor sets:
#   LAB_HOST       the simulated computer this session runs on (SQLNODE1)
#   LAB_API_URL    http://127.0.0.1:<port> of the internal API
#   LAB_API_TOKEN  the run's bearer token
#   LAB_REMOTE     1 when the script came in over WinRM
#   LAB_AUTH       ntlm | basic | kerberos | credssp (how that WinRM session authenticated)
#
# Files: C: is a PSDrive on the host's folder, so PowerShell cmdlets (Get-Content, Set-Content,
# Copy-Item, Test-Path, Convert-Path, ...) work with C:\ paths. .NET file APIs do NOT go through
# PSDrives: [IO.File]::ReadAllText('C:\...') fails here; resolve first with Convert-Path or
# $PSCmdlet.GetUnresolvedProviderPathFromPSPath (which real scripts should do anyway, since .NET
# resolves relative paths against the process directory, not the PowerShell location).

#Requires -Version 7.2

# Enumerations named like the Windows types they stand for; values as Windows defines them, so
# ConvertTo-Json writes the same numbers a real host would.
enum ServiceControllerStatus { Stopped = 1; StartPending = 2; StopPending = 3; Running = 4; ContinuePending = 5; PausePending = 6; Paused = 7 }
enum ServiceStartMode { Boot = 0; System = 1; Automatic = 2; Manual = 3; Disabled = 4 }
enum ServiceStartupType { InvalidValue = -1; Automatic = 2; Manual = 3; Disabled = 4; AutomaticDelayedStart = 10 }
enum InstallState { Available = 0; Installed = 1; InstallPending = 2; Removed = 3; UninstallPending = 4 }
enum RestartState { No = 0; Yes = 1; Maybe = 2 }
enum FeatureOperationExitCode { Success = 0; Failed = 1; NoChangeNeeded = 1003; SuccessRestartRequired = 3010 }
enum ClusterNodeState { Unknown = -1; Up = 0; Down = 1; Paused = 2; Joining = 3 }
enum ClusterGroupState { Unknown = -1; Online = 0; Offline = 1; Failed = 2; PartialOnline = 3; Pending = 4 }
enum ClusterResourceState { Unknown = -1; Inherited = 0; Initializing = 1; Online = 2; Offline = 3; Failed = 4; Pending = 128; OnlinePending = 129; OfflinePending = 130 }

foreach ($part in 'Bridge', 'Types', 'Features', 'Services', 'Cim', 'Certificates', 'Netsh', 'Cluster', 'Network', 'Registry', 'ScheduledTasks', 'Proxies') {
    . (Join-Path $PSScriptRoot "src/$part.ps1")
}

$session = Initialize-LabSession

$exports = @(
    'Get-WindowsFeature', 'Install-WindowsFeature', 'Restart-Computer',
    'Get-Service', 'Start-Service', 'Stop-Service', 'Restart-Service', 'Set-Service',
    'Get-CimInstance', 'Invoke-CimMethod',
    'Import-Certificate', 'Import-PfxCertificate', 'Export-PfxCertificate', 'Export-Certificate', 'New-SelfSignedCertificate',
    'netsh', 'Resolve-DnsName',
    'New-ScheduledTaskAction', 'Register-ScheduledTask', 'Get-ScheduledTask', 'Get-ScheduledTaskInfo', 'Start-ScheduledTask', 'Unregister-ScheduledTask'
) + (Get-LabProxyNames)
# The FailoverClusters module exists only where RSAT-Clustering-PowerShell is installed.
if ($session.clusterModule) {
    $exports += 'Get-Cluster', 'New-Cluster', 'Test-Cluster', 'Get-ClusterNode', 'Get-ClusterGroup', 'Get-ClusterResource', 'Get-ClusterParameter',
    'Get-ClusterOwnerNode', 'Set-ClusterOwnerNode', 'Add-ClusterGenericServiceRole', 'Move-ClusterGroup', 'Start-ClusterGroup', 'Stop-ClusterGroup'
}
Export-ModuleMember -Function $exports -Alias 'gsv', 'sasv', 'spsv', 'Add-WindowsFeature'
