# Pester 5: each simulated Windows command of LabWindows has the parameters of the real cmdlet, as
# the table in cmdlet-params.psd1 records them from Microsoft's documentation: names, aliases,
# mandatory per parameter set, positions, types and accepted values; no parameter the real cmdlet
# lacks; and every parameter the product's scripts need. Starts and stops its own throwaway lab
# (test-server.ts), like LabWindows.Tests.ps1, because the module needs one to import.

BeforeDiscovery {
    $table = Import-PowerShellDataFile -Path (Join-Path $PSScriptRoot 'cmdlet-params.psd1')
    $commands = foreach ($c in $table.Commands) {
        $c + @{
            ParameterCases = @(foreach ($p in $c.Parameters) { @{ Command = $c.Command; P = $p; Label = $p.Parameter } })
        }
    }
}

BeforeAll {
    $script:Table = Import-PowerShellDataFile -Path (Join-Path $PSScriptRoot 'cmdlet-params.psd1')
    . (Join-Path $PSScriptRoot 'TestLab.ps1')
    $first = Start-TestLab 'fresh'
    Save-TestSession -Also 'USERDOMAIN', 'USERDNSDOMAIN'
    $env:LAB_HOST = 'SQLNODE1'; $env:LAB_API_URL = $first.url; $env:LAB_API_TOKEN = $first.token; $env:LAB_REMOTE = '0'; $env:LAB_AUTH = 'local'
    # 'fresh' has RSAT-Clustering-PowerShell on SQLNODE1, so the FailoverClusters commands are exported.
    Import-Module (Join-Path $PSScriptRoot 'LabWindows.psm1') -DisableNameChecking -Force

    $script:Common = @([System.Management.Automation.PSCmdlet]::CommonParameters) + @([System.Management.Automation.PSCmdlet]::OptionalCommonParameters)

    function Get-LabParameter([string]$Command, [string]$Name) {
        $cmd = Get-Command -Name $Command -Module LabWindows -CommandType Function -ErrorAction SilentlyContinue
        if ($cmd) { $cmd.Parameters[$Name] }
    }

    # Every way the lab's parameter differs from the table entry, as sentences (empty = matches).
    function Compare-LabParameter([string]$Command, [hashtable]$P) {
        $problems = [System.Collections.Generic.List[string]]::new()
        $m = Get-LabParameter $Command $P.Parameter
        if (-not $m) { $problems.Add("-$($P.Parameter) is missing"); return $problems }
        if ($m.Name -cne $P.Parameter) { $problems.Add("named -$($m.Name), documented -$($P.Parameter)") }
        if ($P.ContainsKey('Confirmed') -and -not $P.Confirmed) { return $problems }   # unconfirmed: existence only

        foreach ($a in @($P.Aliases)) {
            if ($a -and $m.Aliases -notcontains $a) { $problems.Add("lacks the documented alias $a (has: $($m.Aliases -join ', '))") }
        }

        $sets = $m.ParameterSets   # set name -> ParameterSetMetadata
        if ($P.Mandatory -is [hashtable]) {
            foreach ($set in $P.Mandatory.Keys) {
                if (-not $sets.ContainsKey($set)) { $problems.Add("is not in parameter set $set (it is in: $($sets.Keys -join ', '))"); continue }
                if ($sets[$set].IsMandatory -ne $P.Mandatory[$set]) { $problems.Add("Mandatory=$($sets[$set].IsMandatory) in set $set, documented $($P.Mandatory[$set])") }
            }
        } else {
            foreach ($kv in $sets.GetEnumerator()) {
                if ($kv.Value.IsMandatory -ne [bool]$P.Mandatory) { $problems.Add("Mandatory=$($kv.Value.IsMandatory) in set $($kv.Key), documented $([bool]$P.Mandatory) in every set") }
            }
        }

        $expected = if ($P.Position -eq 'Named') { [int]::MinValue } else { [int]$P.Position }
        foreach ($kv in $sets.GetEnumerator()) {
            if ($kv.Value.Position -ne $expected) {
                $got = if ($kv.Value.Position -eq [int]::MinValue) { 'Named' } else { $kv.Value.Position }
                $problems.Add("Position $got in set $($kv.Key), documented $($P.Position)")
            }
        }

        $type = if ($P.SimType) { $P.SimType } else { $P.Type }
        if ($m.ParameterType.Name -ne $type) { $problems.Add("type [$($m.ParameterType.Name)], documented [$($P.Type)]$(if ($P.SimType) { " (lab stand-in [$($P.SimType)])" })") }

        # Index, not dot: a hashtable's .Values is its own value collection when the key is absent.
        $documented = $P['Values']
        if ($documented) {
            $vs = $m.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
            $allowed = if ($vs) { $vs.ValidValues } elseif ($m.ParameterType.IsEnum) { [enum]::GetNames($m.ParameterType) } else { @() }
            $extra = @($allowed | Where-Object { $documented -notcontains $_ })
            if ($extra) { $problems.Add("accepts $($extra -join ', '), which the real cmdlet rejects") }
        }
        $problems
    }
}

AfterAll {
    Restore-TestSession
    Stop-TestLab
}

Describe 'The parameter table (cmdlet-params.psd1)' {
    It 'cites a learn.microsoft.com page and a source file for every command' {
        $bad = @($script:Table.Commands | Where-Object { $_.Docs -notmatch '^https://learn\.microsoft\.com/powershell/module/[a-z.]+/[a-z-]+$' -or -not $_.Source })
        $bad.Command | Should -BeNullOrEmpty
    }

    It 'lists every parameter the product needs, and none that Windows PowerShell 5.1 lacks' {
        $problems = foreach ($c in $script:Table.Commands) {
            foreach ($n in @($c.ProductNeeds)) {
                $p = $c.Parameters | Where-Object Parameter -EQ $n
                if (-not $p) { "$($c.Command) -$n is needed but not in the table" }
                elseif ($p.NotIn51) { "$($c.Command) -$n is needed but Windows PowerShell 5.1 lacks it" }
            }
        }
        $problems | Should -BeNullOrEmpty
    }

    It 'covers every command the lab simulates' {
        $simulated = (Get-Command -Module LabWindows -CommandType Function).Name |
            Where-Object { $_ -notin 'netsh', 'Get-ChildItem', 'Get-Item', 'Test-Path', 'Remove-Item', 'New-Item', 'Get-ItemProperty', 'Get-ItemPropertyValue', 'Set-ItemProperty', 'New-ItemProperty' }
        # netsh is a native program (no parameters); the provider cmdlets are generated proxies of
        # the real cmdlets, so their parameters are the real ones by construction.
        @($simulated | Where-Object { $_ -notin $script:Table.Commands.Command }) | Should -BeNullOrEmpty
    }
}

Describe '<Command> (<Module>)' -ForEach $commands {
    It 'is defined by the lab module' {
        Get-Command -Name $Command -Module LabWindows -CommandType Function -ErrorAction SilentlyContinue | Should -Not -BeNullOrEmpty
    }

    It 'has no parameter the table does not list' {
        $cmd = Get-Command -Name $Command -Module LabWindows -CommandType Function
        $listed = @($Parameters.Parameter)
        @($cmd.Parameters.Keys | Where-Object { $_ -notin $script:Common -and $_ -notin $listed }) | Should -BeNullOrEmpty -Because "$Docs documents the real cmdlet's parameters"
    }

    It 'has every parameter the product needs' {
        $cmd = Get-Command -Name $Command -Module LabWindows -CommandType Function
        @($ProductNeeds | Where-Object { $_ -and -not $cmd.Parameters.ContainsKey($_) }) | Should -BeNullOrEmpty
    }

    It 'exports the documented command alias <_>' -ForEach @($CommandAliases | Where-Object { $_ }) {
        $a = Get-Command -Name $_ -Module LabWindows -CommandType Alias -ErrorAction SilentlyContinue
        $a.ResolvedCommandName | Should -Be $Command
    }

    It '-<Label> matches the documentation' -ForEach $ParameterCases {
        $problems = Compare-LabParameter $Command $P
        $problems | Should -BeNullOrEmpty -Because "$Command -$($P.Parameter) per $Docs"
    }
}

Describe 'The checks fail on a wrong parameter' {
    # A stand-in command with known faults, checked against the real Set-Service entry, so a broken
    # comparison (one that passes everything) is caught here.
    BeforeAll {
        function global:Test-LabWrongSetService {
            [CmdletBinding(DefaultParameterSetName = 'Name')]
            param(
                [Parameter(ParameterSetName = 'Name', Position = 0)][Alias('SN')][string]$Name,   # not mandatory, lacks alias ServiceName
                [Parameter(ParameterSetName = 'InputObject', Mandatory = $true, Position = 0)][object]$InputObject,
                [Alias('StartMode', 'SM', 'ST', 'StartType')][ValidateSet('Automatic', 'Manual', 'Boot2')][string]$StartupType,   # accepts Boot2
                [int]$Status,                                       # wrong type
                [string]$Startuptype2
            )
        }
        $script:SetService = $script:Table.Commands | Where-Object Command -EQ 'Set-Service'
        $script:Entry = { param($n) $script:SetService.Parameters | Where-Object Parameter -EQ $n }
        Mock -CommandName Get-LabParameter -MockWith { (Get-Command Test-LabWrongSetService).Parameters[$Name] }
    }
    AfterAll { Remove-Item Function:\Test-LabWrongSetService -ErrorAction Ignore }

    It 'reports a parameter that is not mandatory where the docs say it is, and a missing alias' {
        $p = Compare-LabParameter 'Set-Service' (& $script:Entry 'Name')
        $p | Should -Contain 'Mandatory=False in set Name, documented True'
        ($p -join "`n") | Should -Match 'lacks the documented alias ServiceName'
    }

    It 'reports a misspelled (missing) parameter' {
        $bad = (& $script:Entry 'StartupType').Clone(); $bad.Parameter = 'StartupTyp'
        Compare-LabParameter 'Set-Service' $bad | Should -Be '-StartupTyp is missing'
    }

    It 'reports a value the real cmdlet rejects, and a wrong type' {
        (Compare-LabParameter 'Set-Service' (& $script:Entry 'StartupType')) -join "`n" | Should -Match 'accepts Boot2'
        (Compare-LabParameter 'Set-Service' (& $script:Entry 'Status')) -join "`n" | Should -Match 'type \[Int32\], documented \[String\]'
    }

    It 'reports a wrong position' {
        $bad = (& $script:Entry 'Name').Clone(); $bad.Position = 1
        (Compare-LabParameter 'Set-Service' $bad) -join "`n" | Should -Match 'Position 0 in set Name, documented 1'
    }
}
