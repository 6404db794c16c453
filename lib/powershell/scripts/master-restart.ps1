# Restarts a running service so it reads its settings again: the Scale Out Master service after a
# change to MasterSettings.config or the HTTP.SYS binding (the documented rule), SQL Server
# (MSSQLSERVER) after a change to LoginMode. A stopped service stays stopped: once the master
# service is a cluster role, only its owner node runs it, and starting it elsewhere would fight
# the cluster.
param([Parameter(Mandatory = $true)][ValidatePattern('^[A-Za-z0-9_$-]{1,80}$')][string]$ServiceName)

$s = Get-Service -Name $ServiceName
if ($s.Status -ne 'Running') { return [ordered]@{ restarted = $false; status = [string]$s.Status } }
Restart-Service -Name $ServiceName -Force
[ordered]@{ restarted = $true; status = [string](Get-Service -Name $ServiceName).Status }
