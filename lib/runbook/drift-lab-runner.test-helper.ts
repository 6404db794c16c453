// Test-only DRIFT_RUNNER back end: runs the drift tests' remote script on a lab host over real
// WinRM (lib/winrm's client, HTTPS + NTLM, the lab CA trusted), since pwsh on Linux has no WSMan
// client for Invoke-Command. Reads {endpoints, node, scriptText, params} as JSON on stdin and
// prints the script's one result as JSON.
// Run: node --conditions=react-server --import tsx lib/runbook/drift-lab-runner.test-helper.ts
import fs from 'node:fs';
import { z } from 'zod';
import type { LabEndpoints } from '@/lib/lab/topology';
import { createWinrmClient } from '@/lib/winrm';

async function main() {
  let raw = '';
  for await (const chunk of process.stdin) raw += String(chunk);
  const input = JSON.parse(raw) as { endpoints: string; node: string; scriptText: string; params: Record<string, unknown> };
  const e = JSON.parse(fs.readFileSync(input.endpoints, 'utf8')) as LabEndpoints;
  const host = e.hosts[input.node.toUpperCase()];
  if (!host) throw new Error(`The lab has no host ${input.node}`);
  const client = createWinrmClient(
    { host: host.fqdn, port: 5986, connectTo: `${host.winrm.https.host}:${host.winrm.https.port}` },
    { protocol: 'https', auth: 'ntlm', user: e.credentials.windows.user, password: e.credentials.windows.password, trust: { mode: 'ca', caPem: fs.readFileSync(e.caCertPath, 'utf8') } },
  );
  try {
    const r = await client.runPowerShell(input.scriptText, { params: input.params, schema: z.record(z.string(), z.unknown()), timeoutMs: 120_000 });
    process.stdout.write(JSON.stringify(r.value));
  } finally {
    await client.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
