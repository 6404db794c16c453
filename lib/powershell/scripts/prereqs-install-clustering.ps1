# Step 1 (prerequisites): installs the Failover Clustering feature with its management tools
# (FailoverClusters PowerShell module, Failover Cluster Manager) on this node. Never restarts the
# node: Windows usually asks for a restart, which the result reports so the DBA can plan it.
# Idempotent: an installed feature gives ExitCode NoChangeNeeded.
$r = Install-WindowsFeature -Name 'Failover-Clustering' -IncludeManagementTools -WarningAction SilentlyContinue
[ordered]@{
    success       = [bool]$r.Success
    restartNeeded = [string]$r.RestartNeeded
    exitCode      = [string]$r.ExitCode
    installed     = @($r.FeatureResult | ForEach-Object { [string]$_.Name })
}
