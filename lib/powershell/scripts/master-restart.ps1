# Restarts the master service so it reads MasterSettings.config and the HTTP.SYS binding again
# (the documented rule after any change). A stopped service stays stopped: once the service is a
# cluster role, only its owner node runs it, and starting it elsewhere would fight the cluster.
param([Parameter(Mandatory = $true)][ValidatePattern('^[A-Za-z0-9_$-]{1,80}$')][string]$ServiceName)

$s = Get-Service -Name $ServiceName
if ($s.Status -ne 'Running') { return [ordered]@{ restarted = $false; status = [string]$s.Status } }
Restart-Service -Name $ServiceName -Force
[ordered]@{ restarted = $true; status = [string](Get-Service -Name $ServiceName).Status }
