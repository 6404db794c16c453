import 'server-only';
import type { NodeState } from '../master-shared/analyse';

/**
 * The certificate the secondaries must share: the primary's, once step 2 holds there (bound from
 * Root with its key, naming the DNS host name, valid, and named in MasterSettings.config).
 * Copying anything less would spread a broken certificate to every node.
 */
export function sharedThumbprint(primary: NodeState): string | null {
  const b = primary.binding;
  const c = primary.bound;
  if (!b || !c || !c.covers || !c.validNow || !c.hasPrivateKey) return null;
  if (b.store.toLowerCase() !== 'root' || primary.settings.thumbprint !== b.thumbprint) return null;
  return b.thumbprint;
}
