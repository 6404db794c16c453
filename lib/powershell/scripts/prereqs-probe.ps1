# Step 1 (prerequisites), read-only: what one master node says about itself. One batched run per
# node: the Failover Clustering feature and its tools, the cluster this node belongs to and the
# state of every node in it, and what DNS answers for the names the deployment plans to use.
# Each section catches its own failure, so one unreadable fact does not hide the others.
param(
    # Names that must not belong to other computers yet (client access point, AG listener).
    [string[]]$Names = @()
)

$features = $null
$featureError = $null
try {
    $features = @(Get-WindowsFeature -Name 'Failover-Clustering', 'RSAT-Clustering-PowerShell', 'RSAT-Clustering-Mgmt' -ErrorAction Stop |
            ForEach-Object { [ordered]@{ name = [string]$_.Name; state = [string]$_.InstallState } })
} catch {
    $featureError = $_.Exception.Message
}

# Get-Cluster exists only where the FailoverClusters module (RSAT-Clustering-PowerShell) is.
$cluster = $null
$nodes = @()
$clusterError = $null
$clusterModule = [bool](Get-Command -Name Get-Cluster -ErrorAction SilentlyContinue)
if ($clusterModule) {
    try {
        $cluster = [string](Get-Cluster -ErrorAction Stop).Name
        $nodes = @(Get-ClusterNode -ErrorAction Stop | ForEach-Object { [ordered]@{ name = [string]$_.Name; state = [string]$_.State } })
    } catch {
        $clusterError = $_.Exception.Message
    }
}

# -DnsOnly: the question is whether another computer holds the name in DNS, not what LLMNR or a
# hosts file says on this node. A name error means "free"; any other failure is reported as is.
$dns = @(foreach ($n in $Names) {
        try {
            $records = @(Resolve-DnsName -Name $n -DnsOnly -ErrorAction Stop | Where-Object { $_.IPAddress })
            [ordered]@{ name = $n; found = $true; addresses = @($records | ForEach-Object { [string]$_.IPAddress } | Sort-Object -Unique); errorId = $null; error = $null }
        } catch {
            [ordered]@{ name = $n; found = $false; addresses = @(); errorId = [string]$_.FullyQualifiedErrorId; error = $_.Exception.Message }
        }
    })

[ordered]@{
    computerName  = [string]$env:COMPUTERNAME
    features      = $features
    featureError  = $featureError
    clusterModule = $clusterModule
    cluster       = $cluster
    nodes         = $nodes
    clusterError  = $clusterError
    dns           = $dns
}
