import 'server-only';
import fs from 'node:fs';
import path from 'node:path';

// The checked-in PowerShell scripts the steps run on targets. They are read from the source tree
// at run time (the server runs from the repository root), so what the plan shows and what runs
// are the same bytes.
const DIR = path.join(process.cwd(), 'lib', 'powershell', 'scripts');
const cache = new Map<string, string>();

export function psScript(name: string): string {
  if (!/^[a-z0-9-]+\.ps1$/.test(name)) throw new Error(`Bad script name ${name}`);
  let text = cache.get(name);
  if (text === undefined) {
    text = fs.readFileSync(path.join(DIR, name), 'utf8');
    cache.set(name, text);
  }
  return text;
}
