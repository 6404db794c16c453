// Runs a step script "on" a simulated host in real pwsh, as lib/winrm's bootstrap would: the
// parameters splatted from JSON, $ErrorActionPreference Stop, the one result back as JSON.
// Used until (and besides) the lab's WinRM executor loads the Windows simulation.
import fs from 'node:fs';
import path from 'node:path';
import type { ZodType } from 'zod';
import { runOnHost, type TestLab } from '@/lib/lab/windows/test-support';

export async function runScript<T>(lab: TestLab, host: string, name: string, params: Record<string, unknown>, schema: ZodType<T>, times = 1): Promise<T[]> {
  const text = fs.readFileSync(path.join(process.cwd(), 'lib/powershell/scripts', name), 'utf8');
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  const wrapper = `$ErrorActionPreference = 'Stop'
$__u = [Text.Encoding]::UTF8
$__s = [ScriptBlock]::Create($__u.GetString([Convert]::FromBase64String('${b64(text)}')))
$__h = $__u.GetString([Convert]::FromBase64String('${b64(JSON.stringify(params))}')) | ConvertFrom-Json -AsHashtable
$__all = @(for ($i = 0; $i -lt ${times}; $i++) { ,(@(& $__s @__h)[0]) })
'##RESULT ' + (ConvertTo-Json -InputObject $__all -Depth 32 -Compress)`;
  const r = await runOnHost(lab, host, wrapper, { remote: true, auth: 'ntlm', user: 'LAB\\wizard' });
  const line = r.stdout.split('\n').find((l) => l.startsWith('##RESULT '));
  if (!line) throw new Error(`${name} on ${host} gave no result.\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  const all = JSON.parse(line.slice('##RESULT '.length)) as unknown[];
  return all.map((v) => schema.parse(v));
}
