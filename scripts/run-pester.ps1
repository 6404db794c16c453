# Runs every *.Tests.ps1 under lib/ with Pester 5 and writes reports/pester.json for the summary.
$ErrorActionPreference = 'Stop'
Import-Module Pester -MinimumVersion 5.7.1
$root = Split-Path -Parent $PSScriptRoot
$config = New-PesterConfiguration
$config.Run.Path = (Get-ChildItem -Path (Join-Path $root 'lib') -Recurse -Filter '*.Tests.ps1').FullName
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Normal'
$result = Invoke-Pester -Configuration $config
New-Item -ItemType Directory -Force -Path (Join-Path $root 'reports') | Out-Null
@{ passed = $result.PassedCount; failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount } |
  ConvertTo-Json | Set-Content -Path (Join-Path $root 'reports/pester.json')
if ($result.Result -ne 'Passed') { exit 1 }
