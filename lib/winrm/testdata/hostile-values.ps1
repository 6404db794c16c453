# Parameter values that are code in PowerShell, cmd.exe or a Unix shell (for bootstrap.Tests.ps1,
# which loads this list both at discovery and at run time). Each payload, if it ever ran, would
# write the file named by $env:CANARY.
@(
    @{ Name = 'single quotes'; Value = 'O''Brien''; Set-Content -Path $env:CANARY -Value single; ''' }
    @{ Name = 'double quotes'; Value = '"; Set-Content -Path $env:CANARY -Value double; "' }
    @{ Name = 'subexpression'; Value = '$(Set-Content -Path $env:CANARY -Value subexpr)' }
    @{ Name = 'backticks'; Value = '`$(Set-Content -Path $env:CANARY -Value backtick)`n`0`' }
    @{ Name = 'semicolon'; Value = 'a; Set-Content -Path $env:CANARY -Value semicolon' }
    @{ Name = 'newlines'; Value = "line1`nSet-Content -Path `$env:CANARY -Value newline`r`nline3`n" }
    @{ Name = 'percent'; Value = '%COMPUTERNAME% %CANARY% 100%' }
    @{ Name = 'caret'; Value = '^& echo pwned ^| more ^^' }
    @{ Name = 'ampersand'; Value = '& Set-Content -Path $env:CANARY -Value amp' }
    @{ Name = 'non-ASCII'; Value = "Zo$([char]0x00EB) $([char]0x65E5)$([char]0x672C) $([char]0x2603) $([char]::ConvertFromUtf32(0x1D11E)) $([char]0x200B)" }
    @{ Name = 'script block'; Value = '{ Set-Content -Path $env:CANARY -Value block }.Invoke()' }
)
