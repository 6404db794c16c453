// The probes as Pester drift tests. Per step, a baseline: every probe script the step ran on each
// node while all its checks passed, its parameters, and what it read, flattened to
// "path = value" facts. The Pester file runs the same script on the same node and names each
// fact that changed. Secrets never enter: a call with a secret parameter is left out, a fact
// holding a secret is dropped.
import type { Check } from '@/lib/engine/types';
import type { ProbeCall } from './drift-record';

export type Facts = Record<string, string>;
export type BaselineEntry = { node: string; script: string; params: Record<string, unknown>; facts: Facts };
export type Baseline = { step: string; title: string; recordedAt: string; checks: { id: string; title: string; target: string; status: string }[]; entries: BaselineEntry[] };

/** Same rules as ConvertTo-DriftFacts in Drift.ps1: null is '', booleans lower case, arrays by index with #count. */
export function flattenFacts(value: unknown, prefix = '', out: Facts = {}): Facts {
  const key = (k: string) => (prefix ? `${prefix}.${k}` : k);
  if (value === null || value === undefined) out[prefix || '.'] = '';
  else if (Array.isArray(value)) {
    out[`${prefix}#count`] = String(value.length);
    value.forEach((v, i) => flattenFacts(v, `${prefix}[${i}]`, out));
  } else if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (!entries.length) out[prefix || '.'] = '';
    for (const [k, v] of entries) flattenFacts(v, key(k), out);
  } else out[prefix || '.'] = typeof value === 'boolean' ? String(value) : String(value);
  return out;
}

const holdsSecret = (text: string, secrets: readonly string[]) => secrets.some((s) => s.length > 0 && text.includes(s));

export function baselineFrom(step: { slug: string; title: string }, checks: readonly Check[], calls: readonly ProbeCall[], secrets: readonly string[]): Baseline {
  const entries: BaselineEntry[] = [];
  for (const c of calls) {
    if (holdsSecret(JSON.stringify(c.params), secrets)) continue;
    const facts = Object.fromEntries(Object.entries(flattenFacts(c.value)).filter(([k, v]) => !holdsSecret(k, secrets) && !holdsSecret(v, secrets)));
    entries.push({ node: c.node, script: c.script, params: c.params, facts });
  }
  return {
    step: step.slug,
    title: step.title,
    recordedAt: new Date().toISOString(),
    checks: checks.map((c) => ({ id: c.id, title: c.title, target: c.target, status: c.status })),
    entries,
  };
}

const psq = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The Pester file of one step. `baselineFile` is relative to the drift folder. */
export function pesterFile(step: { number: number; slug: string; title: string }, baselineFile: string | null, baseline: Baseline | null, why: string): string {
  const head = [
    `# Drift test for step ${step.number}: ${step.title}.`,
    '# Runs the probe scripts the wizard ran when it verified this step, on the same nodes with the same',
    '# parameters, and fails naming every fact that no longer reads the same. Schedule it, e.g.:',
    `#   Invoke-Pester -Path .\\${String(step.number).padStart(2, '0')}-${step.slug}.Tests.ps1 -Output Detailed`,
    '# Needs Pester 5 and PowerShell remoting (WinRM) to every node, as an administrator of the nodes.',
  ];
  const describe = `Describe ${psq(`Step ${step.number}: ${step.title}`)}`;
  if (!baseline || !baselineFile || baseline.entries.length === 0) {
    return [
      ...head,
      '',
      'BeforeAll { . (Join-Path $PSScriptRoot \'Drift.ps1\') }',
      '',
      `${describe} {`,
      `    It 'has a baseline' -Skip {`,
      `        # ${why.replace(/\n/g, ' ')}`,
      '    }',
      '}',
      '',
    ].join('\n');
  }
  const cases = baseline.entries.map((e, i) => `        @{ Index = ${i}; Node = ${psq(e.node)}; Script = ${psq(e.script)}; Count = ${Object.keys(e.facts).length} }`);
  return [
    ...head,
    `# Baseline: ${baselineFile}, recorded ${baseline.recordedAt} while every check passed:`,
    ...baseline.checks.map((c) => `#   [${c.status}] ${c.title} (${c.target})`),
    '',
    'BeforeAll {',
    "    . (Join-Path $PSScriptRoot 'Drift.ps1')",
    `    $script:Baseline = Get-DriftBaseline (Join-Path $PSScriptRoot ${psq(baselineFile)})`,
    '}',
    '',
    `${describe} {`,
    "    It '<Node>: <Script> still reads the <Count> facts of the baseline' -ForEach @(",
    ...cases,
    '    ) {',
    '        Assert-NoDrift -Entry $script:Baseline.entries[$Index]',
    '    }',
    '}',
    '',
  ].join('\n');
}

/** Shared by every drift file: run a probe on a node, flatten its output, compare. */
export const DRIFT_PS1 = String.raw`# Helpers of the drift tests (dot-sourced by every *.Tests.ps1 here).
# A probe runs on its node through Invoke-Command (WinRM). To run it another way, set
# $env:DRIFT_RUNNER to a script taking -Node, -ScriptText (the text below) and -Params that
# returns the facts as a hashtable.

$script:DriftRoot = $PSScriptRoot

# Runs on the node: the probe with its parameters, its output flattened to path = value facts.
$script:DriftRemoteText = @'
param([string]$ProbeText, $Params)
function ConvertTo-DriftFacts($Value, [string]$Prefix, [hashtable]$Facts) {
    $name = if ($Prefix) { $Prefix } else { '.' }
    if ($null -eq $Value) { $Facts[$name] = ''; return }
    if ($Value -is [bool]) { $Facts[$name] = ([string]$Value).ToLowerInvariant(); return }
    if ($Value -is [string] -or $Value -is [ValueType]) { $Facts[$name] = [System.Convert]::ToString($Value, [Globalization.CultureInfo]::InvariantCulture); return }
    if ($Value -is [System.Collections.IDictionary]) {
        if ($Value.Count -eq 0) { $Facts[$name] = '' }
        foreach ($k in $Value.Keys) { ConvertTo-DriftFacts $Value[$k] ($(if ($Prefix) { "$Prefix.$k" } else { [string]$k })) $Facts }
        return
    }
    if ($Value -is [System.Collections.IEnumerable]) {
        $items = @($Value)
        $Facts["$Prefix#count"] = [string]$items.Count
        for ($i = 0; $i -lt $items.Count; $i++) { ConvertTo-DriftFacts $items[$i] "$Prefix[$i]" $Facts }
        return
    }
    $props = @($Value.PSObject.Properties | Where-Object { $_.MemberType -in 'NoteProperty', 'Property' })
    if ($props.Count -eq 0) { $Facts[$name] = [string]$Value; return }
    foreach ($p in $props) { ConvertTo-DriftFacts $p.Value ($(if ($Prefix) { "$Prefix.$($p.Name)" } else { $p.Name })) $Facts }
}
$splat = @{}
if ($Params -is [System.Collections.IDictionary]) { foreach ($k in $Params.Keys) { $splat[$k] = $Params[$k] } }
elseif ($Params) { foreach ($p in $Params.PSObject.Properties) { $splat[$p.Name] = $p.Value } }
$out = @(& ([scriptblock]::Create($ProbeText)) @splat)
$value = if ($out.Count -eq 1) { $out[0] } elseif ($out.Count -eq 0) { $null } else { $out }
$facts = @{}
ConvertTo-DriftFacts $value '' $facts
$facts
'@

function Get-DriftBaseline([string]$Path) {
    Get-Content -LiteralPath $Path -Raw -Encoding UTF8 | ConvertFrom-Json
}

function ConvertTo-DriftHashtable($Object) {
    $h = @{}
    if ($Object) { foreach ($p in $Object.PSObject.Properties) { $h[$p.Name] = $p.Value } }
    $h
}

function Invoke-DriftProbe([string]$Node, [string]$Script, [hashtable]$Params) {
    $text = Get-Content -LiteralPath (Join-Path (Join-Path $script:DriftRoot 'scripts') $Script) -Raw -Encoding UTF8
    if ($env:DRIFT_RUNNER) { return & $env:DRIFT_RUNNER -Node $Node -ScriptText $script:DriftRemoteText -Params @{ ProbeText = $text; Params = $Params } }
    Invoke-Command -ComputerName $Node -ScriptBlock ([scriptblock]::Create($script:DriftRemoteText)) -ArgumentList $text, $Params -ErrorAction Stop
}

function Format-DriftValue([string]$Value) {
    if ($Value.Length -le 100) { return $Value }
    $sha = [System.Security.Cryptography.SHA256]::Create()
    $hash = -join ($sha.ComputeHash([Text.Encoding]::UTF8.GetBytes($Value))[0..5] | ForEach-Object { $_.ToString('x2') })
    "$($Value.Substring(0, 60))… ($($Value.Length) characters, sha256 $hash…)"
}

# Throws one line per fact that changed: node, script, fact, what it reads now, what it read then.
function Assert-NoDrift($Entry) {
    $actual = Invoke-DriftProbe -Node $Entry.node -Script $Entry.script -Params (ConvertTo-DriftHashtable $Entry.params)
    $diffs = @(foreach ($p in $Entry.facts.PSObject.Properties) {
            $now = if ($actual.ContainsKey($p.Name)) { [string]$actual[$p.Name] } else { '' }
            if ($now -cne [string]$p.Value) {
                "$($Entry.node) $($Entry.script): $($p.Name) reads '$(Format-DriftValue $now)', the baseline has '$(Format-DriftValue ([string]$p.Value))'"
            }
        })
    if ($diffs.Count) { throw ("Drift on $($Entry.node) ($($diffs.Count) fact(s)):" + [Environment]::NewLine + ($diffs -join [Environment]::NewLine)) }
}
`;
