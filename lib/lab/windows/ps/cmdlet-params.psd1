# The real cmdlets behind LabWindows' simulated commands: parameter names, types, mandatory-ness
# per parameter set, positions and aliases, as Microsoft documents them. CmdletParameters.Tests.ps1
# checks the lab module against this table (and this table against the product's needs).
#
# Sources: the Markdown the learn.microsoft.com pages are built from, read on the dates below.
#   FailoverClusters, ServerManager, pki, DnsClient: MicrosoftDocs/windows-powershell-docs,
#     docset/winserver2022-ps/<module>/<Cmdlet>.md (view=windowsserver2022-ps).
#   Microsoft.PowerShell.Management, CimCmdlets: MicrosoftDocs/PowerShell-Docs,
#     reference/7.4/<module>/<Cmdlet>.md (view=powershell-7.4), Set-Service also reference/5.1.
#   The lab runs scripts in PowerShell 7, so the 7.4 pages describe the cmdlets its functions stand
#   in for. The product itself starts Windows PowerShell 5.1 on the hosts (lib/winrm/powershell.ts
#   runs `powershell ...`): parameters 5.1 lacks carry NotIn51 = $true, and the product must not
#   need any of them.
#
# Per command:
#   Command, Module, Docs (the learn.microsoft.com page), Source (the file read), Confirmed
#   ($true: every entry below was checked against that file), CommandAliases (aliases the real
#   module exports), ProductNeeds (parameters the product's scripts use or will use: from
#   lib/powershell/scripts/*.ps1 and the scripts built in lib/steps/**, the step definitions in
#   lib/steps/registry.ts and the lab's own tests), Note.
# Per parameter:
#   Parameter     name as documented.
#   Type          documented type (short name).
#   SimType       the type the lab may use instead, where the documented type does not exist on
#                 Linux/PowerShell 7 (FailoverClusters, pki, ServerManager, CIM types) or is a
#                 documented stand-in (StringCollection <- String[]).
#   Mandatory     $true  = required in every parameter set it belongs to;
#                 $false = required in none;
#                 @{ Set = $bool } = per named parameter set (the lab must define those sets).
#   Position      0, 1, ... or 'Named'.
#   Aliases       documented aliases (the lab must have each; extra lab aliases are reported only).
#   Values        documented accepted values; a lab ValidateSet must not accept anything outside.
#   NotIn51       $true when Windows PowerShell 5.1's cmdlet has no such parameter.
#   Confirmed     $false when the entry could not be checked against Microsoft's documentation
#                 (the test then only checks that the parameter exists).
#   Note          anything else.
@{
    Commands = @(
        # ------------------------------------------------------------------ ServerManager
        @{
            Command      = 'Get-WindowsFeature'
            Module       = 'ServerManager'
            Docs         = 'https://learn.microsoft.com/powershell/module/servermanager/get-windowsfeature'
            Source       = 'MicrosoftDocs/windows-powershell-docs docset/winserver2022-ps/ServerManager/Get-WindowsFeature.md'
            Confirmed    = $true
            ProductNeeds = @('Name')
            Parameters   = @(
                @{ Parameter = 'Name'; Type = 'String[]'; Mandatory = $false; Position = 0; Aliases = @() }
                @{ Parameter = 'Vhd'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'ComputerName'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @('Cn') }
                @{ Parameter = 'Credential'; Type = 'PSCredential'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'LogPath'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @() }
            )
        }
        @{
            Command        = 'Install-WindowsFeature'
            Module         = 'ServerManager'
            Docs           = 'https://learn.microsoft.com/powershell/module/servermanager/install-windowsfeature'
            Source         = 'MicrosoftDocs/windows-powershell-docs docset/winserver2022-ps/ServerManager/Install-WindowsFeature.md'
            Confirmed      = $true
            CommandAliases = @('Add-WindowsFeature')
            ProductNeeds   = @('Name', 'IncludeManagementTools')
            Note           = 'Sets: ComponentNamesAndRunningComputer (default), ComponentNamesAndVhdPath, ConfigurationFile.'
            Parameters     = @(
                @{ Parameter = 'Name'; Type = 'Feature[]'; SimType = 'Object[]'; Mandatory = $true; Position = 0; Aliases = @(); Note = 'Only in the two ComponentNames sets; ByValue from Get-WindowsFeature.' }
                @{ Parameter = 'ConfigurationFilePath'; Type = 'String'; Mandatory = $true; Position = 'Named'; Aliases = @(); Note = 'Required, and only, in the ConfigurationFile set (the alternative to -Name).' }
                @{ Parameter = 'Vhd'; Type = 'String'; Mandatory = @{ ComponentNamesAndVhdPath = $true; ConfigurationFile = $false }; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'IncludeAllSubFeature'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'IncludeManagementTools'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Restart'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Source'; Type = 'String[]'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'ComputerName'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @('Cn') }
                @{ Parameter = 'Credential'; Type = 'PSCredential'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'LogPath'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'WhatIf'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @('wi') }
                @{ Parameter = 'Confirm'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @('cf') }
            )
        }
        # ------------------------------------------------------------------ Microsoft.PowerShell.Management
        @{
            Command      = 'Restart-Computer'
            Module       = 'Microsoft.PowerShell.Management'
            Docs         = 'https://learn.microsoft.com/powershell/module/microsoft.powershell.management/restart-computer'
            Source       = 'MicrosoftDocs/PowerShell-Docs reference/7.4/Microsoft.PowerShell.Management/Restart-Computer.md'
            Confirmed    = $true
            ProductNeeds = @('ComputerName', 'Force')
            Parameters   = @(
                @{ Parameter = 'ComputerName'; Type = 'String[]'; Mandatory = $false; Position = 0; Aliases = @('CN', '__SERVER', 'Server', 'IPAddress') }
                @{ Parameter = 'Credential'; Type = 'PSCredential'; Mandatory = $false; Position = 1; Aliases = @() }
                @{ Parameter = 'Force'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @('f') }
                @{ Parameter = 'Wait'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Timeout'; Type = 'Int32'; Mandatory = $false; Position = 'Named'; Aliases = @('TimeoutSec') }
                @{ Parameter = 'For'; Type = 'WaitForServiceTypes'; SimType = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @(); Values = @('Wmi', 'WinRM', 'PowerShell') }
                @{ Parameter = 'Delay'; Type = 'Int16'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'WsmanAuthentication'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @(); Values = @('Basic', 'CredSSP', 'Default', 'Digest', 'Kerberos', 'Negotiate') }
                @{ Parameter = 'WhatIf'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @('wi') }
                @{ Parameter = 'Confirm'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @('cf') }
            )
        }
        @{
            Command        = 'Get-Service'
            Module         = 'Microsoft.PowerShell.Management'
            Docs           = 'https://learn.microsoft.com/powershell/module/microsoft.powershell.management/get-service'
            Source         = 'MicrosoftDocs/PowerShell-Docs reference/7.4/Microsoft.PowerShell.Management/Get-Service.md'
            Confirmed      = $true
            CommandAliases = @('gsv')
            ProductNeeds   = @('Name')
            Parameters     = @(
                @{ Parameter = 'Name'; Type = 'String[]'; Mandatory = @{ Default = $false }; Position = 0; Aliases = @('ServiceName') }
                @{ Parameter = 'DisplayName'; Type = 'String[]'; Mandatory = @{ DisplayName = $true }; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'InputObject'; Type = 'ServiceController[]'; SimType = 'Object[]'; Mandatory = @{ InputObject = $false }; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'DependentServices'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @('DS') }
                @{ Parameter = 'RequiredServices'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @('SDO', 'ServicesDependedOn') }
                @{ Parameter = 'Include'; Type = 'String[]'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Exclude'; Type = 'String[]'; Mandatory = $false; Position = 'Named'; Aliases = @() }
            )
        }
        @{
            Command      = 'Set-Service'
            Module       = 'Microsoft.PowerShell.Management'
            Docs         = 'https://learn.microsoft.com/powershell/module/microsoft.powershell.management/set-service'
            Source       = 'MicrosoftDocs/PowerShell-Docs reference/7.4/Microsoft.PowerShell.Management/Set-Service.md and reference/5.1/Microsoft.PowerShell.Management/Set-Service.md'
            Confirmed    = $true
            ProductNeeds = @('Name', 'StartupType')
            Note         = '5.1 differs: InputObject is optional and Named there; StartupType is a ServiceStartMode (Automatic, Boot, Disabled, Manual, System; aliases StartMode, SM, ST); 5.1 also has ComputerName. A service logon account on 5.1 is changed through Win32_Service.Change (Invoke-CimMethod).'
            Parameters   = @(
                @{ Parameter = 'Name'; Type = 'String'; Mandatory = @{ Name = $true }; Position = 0; Aliases = @('ServiceName', 'SN') }
                @{ Parameter = 'InputObject'; Type = 'ServiceController'; SimType = 'Object'; Mandatory = @{ InputObject = $true }; Position = 0; Aliases = @() }
                @{ Parameter = 'DisplayName'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @('DN') }
                @{ Parameter = 'Credential'; Type = 'PSCredential'; Mandatory = $false; Position = 'Named'; Aliases = @(); NotIn51 = $true; Note = 'Introduced in PowerShell 6.0.' }
                @{ Parameter = 'Description'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'StartupType'; Type = 'ServiceStartupType'; SimType = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @('StartMode', 'SM', 'ST', 'StartType'); Values = @('Automatic', 'AutomaticDelayedStart', 'Disabled', 'InvalidValue', 'Manual') }
                @{ Parameter = 'Status'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @(); Values = @('Paused', 'Running', 'Stopped') }
                @{ Parameter = 'SecurityDescriptorSddl'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @('sd'); NotIn51 = $true }
                @{ Parameter = 'Force'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @(); NotIn51 = $true }
                @{ Parameter = 'PassThru'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'WhatIf'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @('wi') }
                @{ Parameter = 'Confirm'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @('cf') }
            )
        }
        @{
            Command        = 'Start-Service'
            Module         = 'Microsoft.PowerShell.Management'
            Docs           = 'https://learn.microsoft.com/powershell/module/microsoft.powershell.management/start-service'
            Source         = 'MicrosoftDocs/PowerShell-Docs reference/7.4/Microsoft.PowerShell.Management/Start-Service.md'
            Confirmed      = $true
            CommandAliases = @('sasv')
            ProductNeeds   = @('Name')
            Parameters     = @(
                @{ Parameter = 'InputObject'; Type = 'ServiceController[]'; SimType = 'Object[]'; Mandatory = @{ InputObject = $true }; Position = 0; Aliases = @() }
                @{ Parameter = 'Name'; Type = 'String[]'; Mandatory = @{ Default = $true }; Position = 0; Aliases = @('ServiceName') }
                @{ Parameter = 'DisplayName'; Type = 'String[]'; Mandatory = @{ DisplayName = $true }; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'PassThru'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Include'; Type = 'String[]'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Exclude'; Type = 'String[]'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'WhatIf'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @('wi') }
                @{ Parameter = 'Confirm'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @('cf') }
            )
        }
        @{
            Command        = 'Stop-Service'
            Module         = 'Microsoft.PowerShell.Management'
            Docs           = 'https://learn.microsoft.com/powershell/module/microsoft.powershell.management/stop-service'
            Source         = 'MicrosoftDocs/PowerShell-Docs reference/7.4/Microsoft.PowerShell.Management/Stop-Service.md'
            Confirmed      = $true
            CommandAliases = @('spsv')
            ProductNeeds   = @('Name', 'Force')
            Parameters     = @(
                @{ Parameter = 'InputObject'; Type = 'ServiceController[]'; SimType = 'Object[]'; Mandatory = @{ InputObject = $true }; Position = 0; Aliases = @() }
                @{ Parameter = 'Name'; Type = 'String[]'; Mandatory = @{ Default = $true }; Position = 0; Aliases = @('ServiceName') }
                @{ Parameter = 'DisplayName'; Type = 'String[]'; Mandatory = @{ DisplayName = $true }; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Force'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'NoWait'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'PassThru'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Include'; Type = 'String[]'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Exclude'; Type = 'String[]'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'WhatIf'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @('wi') }
                @{ Parameter = 'Confirm'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @('cf') }
            )
        }
        @{
            Command      = 'Restart-Service'
            Module       = 'Microsoft.PowerShell.Management'
            Docs         = 'https://learn.microsoft.com/powershell/module/microsoft.powershell.management/restart-service'
            Source       = 'MicrosoftDocs/PowerShell-Docs reference/7.4/Microsoft.PowerShell.Management/Restart-Service.md'
            Confirmed    = $true
            ProductNeeds = @('Name', 'Force')
            Parameters   = @(
                @{ Parameter = 'InputObject'; Type = 'ServiceController[]'; SimType = 'Object[]'; Mandatory = @{ InputObject = $true }; Position = 0; Aliases = @() }
                @{ Parameter = 'Name'; Type = 'String[]'; Mandatory = @{ Default = $true }; Position = 0; Aliases = @('ServiceName') }
                @{ Parameter = 'DisplayName'; Type = 'String[]'; Mandatory = @{ DisplayName = $true }; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Force'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'PassThru'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Include'; Type = 'String[]'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Exclude'; Type = 'String[]'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'WhatIf'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @('wi') }
                @{ Parameter = 'Confirm'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @('cf') }
            )
        }
        # ------------------------------------------------------------------ CimCmdlets
        @{
            Command      = 'Get-CimInstance'
            Module       = 'CimCmdlets'
            Docs         = 'https://learn.microsoft.com/powershell/module/cimcmdlets/get-ciminstance'
            Source       = 'MicrosoftDocs/PowerShell-Docs reference/7.4/CimCmdlets/Get-CimInstance.md'
            Confirmed    = $true
            ProductNeeds = @('ClassName', 'Filter')
            Note         = 'The ResourceUri sets and -ResourceUri are not simulated (WSMan-only; the product does not use them).'
            Parameters   = @(
                @{ Parameter = 'ClassName'; Type = 'String'; Mandatory = @{ ClassNameComputerSet = $true; ClassNameSessionSet = $true }; Position = 0; Aliases = @() }
                @{ Parameter = 'Query'; Type = 'String'; Mandatory = @{ QueryComputerSet = $true; QuerySessionSet = $true }; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'InputObject'; Type = 'CimInstance'; SimType = 'Object'; Mandatory = @{ CimInstanceComputerSet = $true; CimInstanceSessionSet = $true }; Position = 0; Aliases = @('CimInstance') }
                @{ Parameter = 'CimSession'; Type = 'CimSession[]'; SimType = 'Object[]'; Mandatory = @{ ClassNameSessionSet = $true; QuerySessionSet = $true; CimInstanceSessionSet = $true }; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'ComputerName'; Type = 'String[]'; Mandatory = $false; Position = 'Named'; Aliases = @('CN', 'ServerName') }
                @{ Parameter = 'Namespace'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Filter'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Property'; Type = 'String[]'; Mandatory = $false; Position = 'Named'; Aliases = @('SelectProperties') }
                @{ Parameter = 'QueryDialect'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'KeyOnly'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Shallow'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'OperationTimeoutSec'; Type = 'UInt32'; Mandatory = $false; Position = 'Named'; Aliases = @('OT') }
            )
        }
        @{
            Command      = 'Invoke-CimMethod'
            Module       = 'CimCmdlets'
            Docs         = 'https://learn.microsoft.com/powershell/module/cimcmdlets/invoke-cimmethod'
            Source       = 'MicrosoftDocs/PowerShell-Docs reference/7.4/CimCmdlets/Invoke-CimMethod.md'
            Confirmed    = $true
            ProductNeeds = @('InputObject', 'MethodName', 'Arguments')
            Note         = 'The CimClass and ResourceUri sets are not simulated. The *SessionSet sets take -CimSession (mandatory there).'
            Parameters   = @(
                @{ Parameter = 'ClassName'; Type = 'String'; Mandatory = @{ ClassNameComputerSet = $true }; Position = 0; Aliases = @('Class') }
                @{ Parameter = 'InputObject'; Type = 'CimInstance'; SimType = 'Object'; Mandatory = @{ CimInstanceComputerSet = $true }; Position = 0; Aliases = @('CimInstance') }
                @{ Parameter = 'Query'; Type = 'String'; Mandatory = @{ QueryComputerSet = $true }; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'MethodName'; Type = 'String'; Mandatory = $true; Position = 2; Aliases = @('Name') }
                @{ Parameter = 'Arguments'; Type = 'IDictionary'; Mandatory = $false; Position = 1; Aliases = @() }
                @{ Parameter = 'Namespace'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'ComputerName'; Type = 'String[]'; Mandatory = $false; Position = 'Named'; Aliases = @('CN', 'ServerName') }
                @{ Parameter = 'CimSession'; Type = 'CimSession[]'; SimType = 'Object[]'; Mandatory = $true; Position = 'Named'; Aliases = @(); Note = 'Documented only in the *SessionSet sets, required there.' }
                @{ Parameter = 'OperationTimeoutSec'; Type = 'UInt32'; Mandatory = $false; Position = 'Named'; Aliases = @('OT') }
                @{ Parameter = 'WhatIf'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @('wi') }
                @{ Parameter = 'Confirm'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @('cf') }
            )
        }
        # ------------------------------------------------------------------ pki
        @{
            Command      = 'Import-Certificate'
            Module       = 'pki'
            Docs         = 'https://learn.microsoft.com/powershell/module/pki/import-certificate'
            Source       = 'MicrosoftDocs/windows-powershell-docs docset/winserver2022-ps/pki/Import-Certificate.md'
            Confirmed    = $true
            ProductNeeds = @('FilePath', 'CertStoreLocation')
            Parameters   = @(
                @{ Parameter = 'FilePath'; Type = 'String'; Mandatory = $true; Position = 0; Aliases = @('FullName') }
                @{ Parameter = 'CertStoreLocation'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'WhatIf'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @('wi') }
                @{ Parameter = 'Confirm'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @('cf') }
            )
        }
        @{
            Command      = 'Import-PfxCertificate'
            Module       = 'pki'
            Docs         = 'https://learn.microsoft.com/powershell/module/pki/import-pfxcertificate'
            Source       = 'MicrosoftDocs/windows-powershell-docs docset/winserver2022-ps/pki/Import-PfxCertificate.md'
            Confirmed    = $true
            ProductNeeds = @('FilePath', 'CertStoreLocation', 'Password', 'Exportable')
            Parameters   = @(
                @{ Parameter = 'FilePath'; Type = 'String'; Mandatory = $true; Position = 0; Aliases = @('FullName') }
                @{ Parameter = 'CertStoreLocation'; Type = 'String'; Mandatory = $false; Position = 1; Aliases = @() }
                @{ Parameter = 'Password'; Type = 'SecureString'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Exportable'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'ProtectPrivateKey'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @(); Confirmed = $false; Note = 'Not on the Windows Server 2022 page; newer Windows client builds document it (reportedly a String taking VSM). Could not be confirmed from the stored docs; the lab declares a switch.' }
                @{ Parameter = 'WhatIf'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @('wi') }
                @{ Parameter = 'Confirm'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @('cf') }
            )
        }
        @{
            Command      = 'Export-PfxCertificate'
            Module       = 'pki'
            Docs         = 'https://learn.microsoft.com/powershell/module/pki/export-pfxcertificate'
            Source       = 'MicrosoftDocs/windows-powershell-docs docset/winserver2022-ps/pki/Export-PfxCertificate.md'
            Confirmed    = $true
            ProductNeeds = @('Cert', 'FilePath', 'Password', 'ChainOption')
            Note         = 'Sets: PfxCert (-PFXData, not simulated) and NormalCert (-Cert). Password and ProtectTo are both optional and may be given together; with neither the cmdlet fails at run time, it does not prompt.'
            Parameters   = @(
                @{ Parameter = 'Cert'; Type = 'Certificate'; SimType = 'Object'; Mandatory = $true; Position = 0; Aliases = @('PsPath'); Note = 'NormalCert set; pipeline ByPropertyName.' }
                @{ Parameter = 'FilePath'; Type = 'String'; Mandatory = $true; Position = 1; Aliases = @() }
                @{ Parameter = 'Password'; Type = 'SecureString'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'ProtectTo'; Type = 'String[]'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'ChainOption'; Type = 'ExportChainOption'; SimType = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @(); Values = @('BuildChain', 'EndEntityCertOnly', 'PfxDataOnly') }
                @{ Parameter = 'CryptoAlgorithmOption'; Type = 'CryptoAlgorithmOptions'; SimType = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @(); Values = @('TripleDES_SHA1', 'AES256_SHA256') }
                @{ Parameter = 'NoProperties'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'NoClobber'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Force'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'WhatIf'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @('wi') }
                @{ Parameter = 'Confirm'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @('cf') }
            )
        }
        @{
            Command      = 'Export-Certificate'
            Module       = 'pki'
            Docs         = 'https://learn.microsoft.com/powershell/module/pki/export-certificate'
            Source       = 'MicrosoftDocs/windows-powershell-docs docset/winserver2022-ps/pki/Export-Certificate.md'
            Confirmed    = $true
            ProductNeeds = @('Cert', 'FilePath')
            Parameters   = @(
                @{ Parameter = 'Cert'; Type = 'Certificate'; SimType = 'Object'; Mandatory = $true; Position = 'Named'; Aliases = @(); Note = 'Pipeline ByValue.' }
                @{ Parameter = 'FilePath'; Type = 'String'; Mandatory = $true; Position = 'Named'; Aliases = @('FullName') }
                @{ Parameter = 'Type'; Type = 'CertType'; SimType = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @(); Values = @('SST', 'CERT', 'P7B') }
                @{ Parameter = 'NoClobber'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Force'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'WhatIf'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @('wi') }
                @{ Parameter = 'Confirm'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @('cf') }
            )
        }
        @{
            Command      = 'New-SelfSignedCertificate'
            Module       = 'pki'
            Docs         = 'https://learn.microsoft.com/powershell/module/pki/new-selfsignedcertificate'
            Source       = 'MicrosoftDocs/windows-powershell-docs docset/winserver2022-ps/pki/New-SelfSignedCertificate.md'
            Confirmed    = $true
            ProductNeeds = @('DnsName', 'Subject', 'CertStoreLocation', 'KeyExportPolicy', 'NotAfter')
            Note         = 'Every parameter is Named; only those the lab declares are listed (the page has ~40).'
            Parameters   = @(
                @{ Parameter = 'DnsName'; Type = 'String[]'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Subject'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'CertStoreLocation'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'NotAfter'; Type = 'DateTime'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'NotBefore'; Type = 'DateTime'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'FriendlyName'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'KeyExportPolicy'; Type = 'KeyExportPolicy[]'; SimType = 'String[]'; Mandatory = $false; Position = 'Named'; Aliases = @(); Values = @('NonExportable', 'ExportableEncrypted', 'Exportable') }
                @{ Parameter = 'HashAlgorithm'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'KeyAlgorithm'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'KeyLength'; Type = 'Int32'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'KeyUsage'; Type = 'KeyUsage[]'; SimType = 'String[]'; Mandatory = $false; Position = 'Named'; Aliases = @(); Values = @('None', 'EncipherOnly', 'CRLSign', 'CertSign', 'KeyAgreement', 'DataEncipherment', 'KeyEncipherment', 'NonRepudiation', 'DigitalSignature', 'DecipherOnly') }
                @{ Parameter = 'KeySpec'; Type = 'KeySpec'; SimType = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @(); Values = @('None', 'KeyExchange', 'Signature') }
                @{ Parameter = 'Type'; Type = 'CertificateType'; SimType = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @(); Values = @('Custom', 'CodeSigningCert', 'DocumentEncryptionCert', 'SSLServerAuthentication', 'DocumentEncryptionCertLegacyCsp') }
                @{ Parameter = 'TextExtension'; Type = 'String[]'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Provider'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'CloneCert'; Type = 'Certificate'; SimType = 'Object'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Signer'; Type = 'Certificate'; SimType = 'Object'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'WhatIf'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @('wi') }
                @{ Parameter = 'Confirm'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @('cf') }
            )
        }
        # ------------------------------------------------------------------ DnsClient
        @{
            Command      = 'Resolve-DnsName'
            Module       = 'DnsClient'
            Docs         = 'https://learn.microsoft.com/powershell/module/dnsclient/resolve-dnsname'
            Source       = 'MicrosoftDocs/windows-powershell-docs docset/winserver2022-ps/dnsclient/Resolve-DnsName.md'
            Confirmed    = $true
            ProductNeeds = @('Name', 'DnsOnly')
            Parameters   = @(
                @{ Parameter = 'Name'; Type = 'String'; Mandatory = $true; Position = 0; Aliases = @() }
                @{ Parameter = 'Type'; Type = 'RecordType'; SimType = 'String'; Mandatory = $false; Position = 1; Aliases = @(); Values = @('UNKNOWN', 'A_AAAA', 'A', 'NS', 'MD', 'MF', 'CNAME', 'SOA', 'MB', 'MG', 'MR', 'NULL', 'WKS', 'PTR', 'HINFO', 'MINFO', 'MX', 'TXT', 'RP', 'AFSDB', 'X25', 'ISDN', 'RT', 'AAAA', 'SRV', 'DNAME', 'OPT', 'DS', 'RRSIG', 'NSEC', 'DNSKEY', 'DHCID', 'NSEC3', 'NSEC3PARAM', 'ANY', 'ALL', 'WINS') }
                @{ Parameter = 'Server'; Type = 'String[]'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'DnsOnly'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'CacheOnly'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'NoHostsFile'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'NoIdn'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'NoRecursion'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'QuickTimeout'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'TcpOnly'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
            )
        }
        # ------------------------------------------------------------------ ScheduledTasks
        @{
            Command      = 'New-ScheduledTaskAction'
            Module       = 'ScheduledTasks'
            Docs         = 'https://learn.microsoft.com/powershell/module/scheduledtasks/new-scheduledtaskaction'
            Source       = 'MicrosoftDocs/windows-powershell-docs docset/winserver2022-ps/scheduledtasks/New-ScheduledTaskAction.md'
            Confirmed    = $false
            ProductNeeds = @('Execute', 'Argument')
            Parameters   = @(
                @{ Parameter = 'Execute'; Type = 'String'; Mandatory = $true; Position = 0; Aliases = @(); Confirmed = $false }
                @{ Parameter = 'Argument'; Type = 'String'; Mandatory = $false; Position = 1; Aliases = @(); Confirmed = $false }
                @{ Parameter = 'WorkingDirectory'; Type = 'String'; Mandatory = $false; Position = 2; Aliases = @(); Confirmed = $false }
                @{ Parameter = 'Id'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @(); Confirmed = $false }
            )
        }
        @{
            Command      = 'Register-ScheduledTask'
            Module       = 'ScheduledTasks'
            Docs         = 'https://learn.microsoft.com/powershell/module/scheduledtasks/register-scheduledtask'
            Source       = 'MicrosoftDocs/windows-powershell-docs docset/winserver2022-ps/scheduledtasks/Register-ScheduledTask.md'
            Confirmed    = $true
            ProductNeeds = @('TaskName', 'TaskPath', 'Action', 'User', 'Password', 'RunLevel', 'Force')
            Note         = 'The lab models the User set only. The page gives Trigger position 3 and Settings position 4 in the User set, the same as User and Password: the lab leaves those two Named.'
            Parameters   = @(
                @{ Parameter = 'TaskName'; Type = 'String'; Mandatory = $true; Position = 0; Aliases = @() }
                @{ Parameter = 'TaskPath'; Type = 'String'; Mandatory = $false; Position = 1; Aliases = @() }
                @{ Parameter = 'Action'; Type = 'CimInstance[]'; SimType = 'Object[]'; Mandatory = $true; Position = 2; Aliases = @() }
                @{ Parameter = 'User'; Type = 'String'; Mandatory = $false; Position = 3; Aliases = @() }
                @{ Parameter = 'Password'; Type = 'String'; Mandatory = $false; Position = 4; Aliases = @() }
                @{ Parameter = 'RunLevel'; Type = 'RunLevelEnum'; SimType = 'String'; Mandatory = $false; Position = 7; Aliases = @(); Values = @('Limited', 'Highest') }
                @{ Parameter = 'Description'; Type = 'String'; Mandatory = $false; Position = 8; Aliases = @() }
                @{ Parameter = 'Trigger'; Type = 'CimInstance[]'; SimType = 'Object[]'; Mandatory = $false; Position = 3; Aliases = @(); Confirmed = $false }
                @{ Parameter = 'Settings'; Type = 'CimInstance'; SimType = 'Object'; Mandatory = $false; Position = 4; Aliases = @(); Confirmed = $false }
                @{ Parameter = 'Force'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
            )
        }
        @{
            Command      = 'Start-ScheduledTask'
            Module       = 'ScheduledTasks'
            Docs         = 'https://learn.microsoft.com/powershell/module/scheduledtasks/start-scheduledtask'
            Source       = 'MicrosoftDocs/windows-powershell-docs docset/winserver2022-ps/scheduledtasks/Start-ScheduledTask.md'
            Confirmed    = $true
            ProductNeeds = @('TaskName', 'TaskPath')
            Parameters   = @(
                @{ Parameter = 'TaskName'; Type = 'String'; Mandatory = $true; Position = 0; Aliases = @() }
                @{ Parameter = 'TaskPath'; Type = 'String'; Mandatory = $false; Position = 1; Aliases = @() }
            )
        }
        @{
            Command      = 'Get-ScheduledTask'
            Module       = 'ScheduledTasks'
            Docs         = 'https://learn.microsoft.com/powershell/module/scheduledtasks/get-scheduledtask'
            Source       = 'MicrosoftDocs/windows-powershell-docs docset/winserver2022-ps/scheduledtasks/Get-ScheduledTask.md'
            Confirmed    = $false
            ProductNeeds = @('TaskName', 'TaskPath')
            Parameters   = @(
                @{ Parameter = 'TaskName'; Type = 'String[]'; Mandatory = $false; Position = 0; Aliases = @(); Confirmed = $false }
                @{ Parameter = 'TaskPath'; Type = 'String[]'; Mandatory = $false; Position = 1; Aliases = @(); Confirmed = $false }
            )
        }
        @{
            Command      = 'Get-ScheduledTaskInfo'
            Module       = 'ScheduledTasks'
            Docs         = 'https://learn.microsoft.com/powershell/module/scheduledtasks/get-scheduledtaskinfo'
            Source       = 'MicrosoftDocs/windows-powershell-docs docset/winserver2022-ps/scheduledtasks/Get-ScheduledTaskInfo.md'
            Confirmed    = $false
            ProductNeeds = @('TaskName', 'TaskPath')
            Parameters   = @(
                @{ Parameter = 'TaskName'; Type = 'String'; Mandatory = $false; Position = 0; Aliases = @(); Confirmed = $false }
                @{ Parameter = 'TaskPath'; Type = 'String'; Mandatory = $false; Position = 1; Aliases = @(); Confirmed = $false }
            )
        }
        @{
            Command      = 'Unregister-ScheduledTask'
            Module       = 'ScheduledTasks'
            Docs         = 'https://learn.microsoft.com/powershell/module/scheduledtasks/unregister-scheduledtask'
            Source       = 'MicrosoftDocs/windows-powershell-docs docset/winserver2022-ps/scheduledtasks/Unregister-ScheduledTask.md'
            Confirmed    = $false
            ProductNeeds = @('TaskName', 'TaskPath')
            Parameters   = @(
                @{ Parameter = 'TaskName'; Type = 'String[]'; SimType = 'String'; Mandatory = $false; Position = 0; Aliases = @(); Confirmed = $false }
                @{ Parameter = 'TaskPath'; Type = 'String[]'; SimType = 'String'; Mandatory = $false; Position = 1; Aliases = @(); Confirmed = $false }
            )
        }
        # ------------------------------------------------------------------ FailoverClusters
        @{
            Command      = 'Get-Cluster'
            Module       = 'FailoverClusters'
            Docs         = 'https://learn.microsoft.com/powershell/module/failoverclusters/get-cluster'
            Source       = 'MicrosoftDocs/windows-powershell-docs docset/winserver2022-ps/failoverclusters/Get-Cluster.md'
            Confirmed    = $true
            ProductNeeds = @()
            Parameters   = @(
                @{ Parameter = 'Name'; Type = 'String'; Mandatory = $false; Position = 0; Aliases = @(); Note = 'The lab adds an alias Cluster the page does not list.' }
                @{ Parameter = 'Domain'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @() }
            )
        }
        @{
            Command      = 'New-Cluster'
            Module       = 'FailoverClusters'
            Docs         = 'https://learn.microsoft.com/powershell/module/failoverclusters/new-cluster'
            Source       = 'MicrosoftDocs/windows-powershell-docs docset/winserver2022-ps/failoverclusters/New-Cluster.md'
            Confirmed    = $true
            ProductNeeds = @('Name', 'Node', 'StaticAddress', 'NoStorage')
            Parameters   = @(
                @{ Parameter = 'Name'; Type = 'String'; Mandatory = $true; Position = 0; Aliases = @() }
                @{ Parameter = 'Node'; Type = 'StringCollection'; SimType = 'String[]'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'StaticAddress'; Type = 'StringCollection'; SimType = 'String[]'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'IgnoreNetwork'; Type = 'StringCollection'; SimType = 'String[]'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'NoStorage'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'S2D'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'AdministrativeAccessPoint'; Type = 'AdminAccessPoint'; SimType = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @('aap'); Values = @('None', 'ActiveDirectoryAndDns', 'Dns', 'ActiveDirectory') }
                @{ Parameter = 'Force'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
            )
        }
        @{
            Command      = 'Test-Cluster'
            Module       = 'FailoverClusters'
            Docs         = 'https://learn.microsoft.com/powershell/module/failoverclusters/test-cluster'
            Source       = 'MicrosoftDocs/windows-powershell-docs docset/winserver2022-ps/failoverclusters/Test-Cluster.md'
            Confirmed    = $true
            ProductNeeds = @('Node', 'Include', 'ReportName')
            Parameters   = @(
                @{ Parameter = 'Node'; Type = 'StringCollection'; SimType = 'String[]'; Mandatory = $false; Position = 0; Aliases = @() }
                @{ Parameter = 'Include'; Type = 'StringCollection'; SimType = 'String[]'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Ignore'; Type = 'StringCollection'; SimType = 'String[]'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'ReportName'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Force'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Disk'; Type = 'Object[]'; Mandatory = $false; Position = 'Named'; Aliases = @(); Note = 'Disk numbers, GUID strings, ClusterResource or MSFT_Disk objects.' }
                @{ Parameter = 'Pool'; Type = 'Object[]'; Mandatory = $false; Position = 'Named'; Aliases = @(); Note = 'Names, ClusterResource or MSFT_StoragePool objects.' }
                @{ Parameter = 'InputObject'; Type = 'PSObject'; SimType = 'Object'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Cluster'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'WhatIf'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @('wi') }
                @{ Parameter = 'Confirm'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @('cf') }
            )
        }
        @{
            Command      = 'Get-ClusterNode'
            Module       = 'FailoverClusters'
            Docs         = 'https://learn.microsoft.com/powershell/module/failoverclusters/get-clusternode'
            Source       = 'MicrosoftDocs/windows-powershell-docs docset/winserver2022-ps/failoverclusters/Get-ClusterNode.md'
            Confirmed    = $true
            ProductNeeds = @('Name')
            Parameters   = @(
                @{ Parameter = 'Name'; Type = 'StringCollection'; SimType = 'String[]'; Mandatory = $false; Position = 0; Aliases = @() }
                @{ Parameter = 'InputObject'; Type = 'PSObject'; SimType = 'Object'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Cluster'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @() }
            )
        }
        @{
            Command      = 'Get-ClusterGroup'
            Module       = 'FailoverClusters'
            Docs         = 'https://learn.microsoft.com/powershell/module/failoverclusters/get-clustergroup'
            Source       = 'MicrosoftDocs/windows-powershell-docs docset/winserver2022-ps/failoverclusters/Get-ClusterGroup.md'
            Confirmed    = $true
            ProductNeeds = @('Name')
            Note         = 'Also -VMId <Guid> (not simulated; the product does not use it).'
            Parameters   = @(
                @{ Parameter = 'Name'; Type = 'StringCollection'; SimType = 'String[]'; Mandatory = $false; Position = 0; Aliases = @() }
                @{ Parameter = 'InputObject'; Type = 'PSObject'; SimType = 'Object'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Cluster'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @() }
            )
        }
        @{
            Command      = 'Get-ClusterResource'
            Module       = 'FailoverClusters'
            Docs         = 'https://learn.microsoft.com/powershell/module/failoverclusters/get-clusterresource'
            Source       = 'MicrosoftDocs/windows-powershell-docs docset/winserver2022-ps/failoverclusters/Get-ClusterResource.md'
            Confirmed    = $true
            ProductNeeds = @('Name', 'InputObject')
            Note         = 'Also -VMId <Guid> (not simulated; the product does not use it).'
            Parameters   = @(
                @{ Parameter = 'Name'; Type = 'StringCollection'; SimType = 'String[]'; Mandatory = $false; Position = 0; Aliases = @() }
                @{ Parameter = 'InputObject'; Type = 'PSObject'; SimType = 'Object'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Cluster'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @() }
            )
        }
        @{
            Command      = 'Get-ClusterParameter'
            Module       = 'FailoverClusters'
            Docs         = 'https://learn.microsoft.com/powershell/module/failoverclusters/get-clusterparameter'
            Source       = 'MicrosoftDocs/windows-powershell-docs docset/winserver2022-ps/failoverclusters/Get-ClusterParameter.md'
            Confirmed    = $true
            ProductNeeds = @('Name', 'InputObject')
            Parameters   = @(
                @{ Parameter = 'Name'; Type = 'StringCollection'; SimType = 'String[]'; Mandatory = $false; Position = 0; Aliases = @() }
                @{ Parameter = 'InputObject'; Type = 'PSObject'; SimType = 'Object'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Cluster'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @() }
            )
        }
        @{
            Command      = 'Get-ClusterOwnerNode'
            Module       = 'FailoverClusters'
            Docs         = 'https://learn.microsoft.com/powershell/module/failoverclusters/get-clusterownernode'
            Source       = 'MicrosoftDocs/windows-powershell-docs docset/winserver2022-ps/failoverclusters/Get-ClusterOwnerNode.md'
            Confirmed    = $true
            ProductNeeds = @('Resource', 'Group', 'InputObject')
            Note         = 'Also -ResourceType <String> (alias ResType; not simulated, the product does not use it).'
            Parameters   = @(
                @{ Parameter = 'Resource'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @('Res') }
                @{ Parameter = 'Group'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'InputObject'; Type = 'PSObject'; SimType = 'Object'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Cluster'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @() }
            )
        }
        @{
            Command      = 'Set-ClusterOwnerNode'
            Module       = 'FailoverClusters'
            Docs         = 'https://learn.microsoft.com/powershell/module/failoverclusters/set-clusterownernode'
            Source       = 'MicrosoftDocs/windows-powershell-docs docset/winserver2022-ps/failoverclusters/Set-ClusterOwnerNode.md'
            Confirmed    = $true
            ProductNeeds = @('Owners', 'Resource', 'Group')
            Parameters   = @(
                @{ Parameter = 'Owners'; Type = 'StringCollection'; SimType = 'String[]'; Mandatory = $true; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Resource'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Group'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'InputObject'; Type = 'PSObject'; SimType = 'Object'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Cluster'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @() }
            )
        }
        @{
            Command      = 'Add-ClusterGenericServiceRole'
            Module       = 'FailoverClusters'
            Docs         = 'https://learn.microsoft.com/powershell/module/failoverclusters/add-clustergenericservicerole'
            Source       = 'MicrosoftDocs/windows-powershell-docs docset/winserver2022-ps/failoverclusters/Add-ClusterGenericServiceRole.md'
            Confirmed    = $true
            ProductNeeds = @('ServiceName', 'Name', 'StaticAddress')
            Note         = 'Needs CredSSP when run remotely (the page says so; the lab enforces it).'
            Parameters   = @(
                @{ Parameter = 'ServiceName'; Type = 'String'; Mandatory = $true; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Name'; Type = 'String'; Mandatory = $false; Position = 0; Aliases = @() }
                @{ Parameter = 'CheckpointKey'; Type = 'StringCollection'; SimType = 'String[]'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Storage'; Type = 'StringCollection'; SimType = 'String[]'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'StaticAddress'; Type = 'StringCollection'; SimType = 'String[]'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'IgnoreNetwork'; Type = 'StringCollection'; SimType = 'String[]'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Wait'; Type = 'Int32'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'InputObject'; Type = 'PSObject'; SimType = 'Object'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Cluster'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @() }
            )
        }
        @{
            Command      = 'Move-ClusterGroup'
            Module       = 'FailoverClusters'
            Docs         = 'https://learn.microsoft.com/powershell/module/failoverclusters/move-clustergroup'
            Source       = 'MicrosoftDocs/windows-powershell-docs docset/winserver2022-ps/failoverclusters/Move-ClusterGroup.md'
            Confirmed    = $true
            ProductNeeds = @('Name', 'Node')
            Parameters   = @(
                @{ Parameter = 'Name'; Type = 'String'; Mandatory = $false; Position = 0; Aliases = @() }
                @{ Parameter = 'Node'; Type = 'String'; Mandatory = $false; Position = 1; Aliases = @() }
                @{ Parameter = 'IgnoreLocked'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Wait'; Type = 'Int32'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'InputObject'; Type = 'PSObject'; SimType = 'Object'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Cluster'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @() }
            )
        }
        @{
            Command      = 'Start-ClusterGroup'
            Module       = 'FailoverClusters'
            Docs         = 'https://learn.microsoft.com/powershell/module/failoverclusters/start-clustergroup'
            Source       = 'MicrosoftDocs/windows-powershell-docs docset/winserver2022-ps/failoverclusters/Start-ClusterGroup.md'
            Confirmed    = $true
            ProductNeeds = @('Name')
            Parameters   = @(
                @{ Parameter = 'Name'; Type = 'String'; Mandatory = $false; Position = 0; Aliases = @() }
                @{ Parameter = 'IgnoreLocked'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'ChooseBestNode'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Wait'; Type = 'Int32'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'InputObject'; Type = 'PSObject'; SimType = 'Object'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Cluster'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @() }
            )
        }
        @{
            Command      = 'Stop-ClusterGroup'
            Module       = 'FailoverClusters'
            Docs         = 'https://learn.microsoft.com/powershell/module/failoverclusters/stop-clustergroup'
            Source       = 'MicrosoftDocs/windows-powershell-docs docset/winserver2022-ps/failoverclusters/Stop-ClusterGroup.md'
            Confirmed    = $true
            ProductNeeds = @('Name')
            Parameters   = @(
                @{ Parameter = 'Name'; Type = 'String'; Mandatory = $false; Position = 0; Aliases = @() }
                @{ Parameter = 'IgnoreLocked'; Type = 'SwitchParameter'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Wait'; Type = 'Int32'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'InputObject'; Type = 'PSObject'; SimType = 'Object'; Mandatory = $false; Position = 'Named'; Aliases = @() }
                @{ Parameter = 'Cluster'; Type = 'String'; Mandatory = $false; Position = 'Named'; Aliases = @() }
            )
        }
    )
}
