/**
 * For the Pester tests (bootstrap.Tests.ps1): prints what the client would send for each
 * script, straight from powershell.ts, so the PowerShell side tests the one real bootstrap.
 *   stdin:  [{ "script": "...", "params": { ... }, "inline": false? }, ...]
 *   stdout: [{ "encodedCommand": "<the -EncodedCommand argument>", "stdin": "<stdin text, or
 *              empty when script and parameters travel inline>", "inline": true|false, "nonce": "..." }, ...]
 * `"inline": false` forces stdin, as the client does for secret parameters.
 * Run: node --conditions=react-server --import tsx lib/winrm/testdata/invocation.ts
 */
import { buildInvocation, type ScriptParams } from '../powershell';

interface Case {
  script: string;
  params?: ScriptParams;
  inline?: boolean;
}

async function main(): Promise<void> {
  let raw = '';
  for await (const chunk of process.stdin) raw += String(chunk);
  const cases = JSON.parse(raw) as Case[];
  const out = cases.map((c) => {
    const inv = buildInvocation(c.script, c.params ?? {}, 'pwsh', { inline: c.inline !== false });
    const encodedCommand = inv.commandLine.split(' ').pop() ?? '';
    return {
      encodedCommand,
      stdin: inv.stdin?.toString('ascii') ?? '',
      inline: inv.stdin === null,
      nonce: inv.nonce,
    };
  });
  process.stdout.write(JSON.stringify(out));
}

void main();
