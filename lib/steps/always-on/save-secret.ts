// Stores the SSISDB master key password for a deployment (encrypted like every other secret).
import 'server-only';
import type { Runtime } from '@/lib/runtime';
import { setSecret } from '@/lib/store/repo';
import { DMK_SECRET } from './secret';

export function saveDmkPassword(rt: Pick<Runtime, 'db' | 'box'>, deploymentId: string, password: string): void {
  if (!password) throw new Error('The SSISDB master key password is empty.');
  setSecret(rt.db, rt.box, deploymentId, DMK_SECRET, password);
}
