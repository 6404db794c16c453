# DnsClient's Resolve-DnsName against the lab's DNS (A records; a short name gets the domain suffix).

function Resolve-DnsName {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)][string]$Name,
        [Parameter(Position = 1)][string]$Type = 'A_AAAA',
        [string[]]$Server,
        [switch]$DnsOnly,
        [switch]$NoHostsFile,
        [switch]$QuickTimeout,
        [switch]$CacheOnly,
        [switch]$TcpOnly,
        [switch]$NoRecursion,
        [switch]$NoIdn
    )
    process {
        $reply = Invoke-LabOp 'dns.resolve' @{ name = $Name }
        if (-not $reply.ok) { $PSCmdlet.WriteError((New-LabErrorRecord $reply.error $Name)); return }
        $r = $reply.result
        [pscustomobject]@{
            PSTypeName  = 'Microsoft.DnsClient.Commands.DnsRecord_A'
            Name        = $r.name
            Type        = 'A'
            TTL         = 1200
            Section     = 'Answer'
            DataLength  = 4
            CharacterSet = 'Unicode'
            IPAddress   = $r.ip
            IP4Address  = $r.ip
            QueryType   = 'A'
        }
    }
}
