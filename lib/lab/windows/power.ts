// Hosts going down and coming up. Down: every service stops and the host's cluster groups fail
// over. Up: a boot finishes pending feature installs and SCM starts every Automatic service, a
// clustered one too (which is why clustered services should be Manual: otherwise each node
// runs its own copy after a reboot).

import { failoverFrom, recoverOnto } from './cluster';
import { completePendingFeatures } from './features';
import { startServiceRaw } from './services';
import type { WindowsStore } from './store';

export function setHostUp(store: WindowsStore, host: string, up: boolean): void {
  const h = store.requireHost(host);
  if (h.up === up) return;
  store.tx(() => {
    if (!up) {
      store.setHostFields(h.name, { up: false });
      for (const s of store.services(h.name)) if (s.status !== 'Stopped') store.updateService(h.name, s.name, { status: 'Stopped', processId: 0 });
      failoverFrom(store, h.name);
      return;
    }
    completePendingFeatures(store, h.name);
    store.setHostFields(h.name, { up: true, pendingReboot: false, bootTime: new Date().toISOString() });
    for (const s of store.services(h.name)) {
      if (s.startType !== 'Automatic') continue;
      try {
        startServiceRaw(store, h.name, s.name);
      } catch {
        // A service that cannot log on stays stopped, as at a real boot (event 7000 in the log).
      }
    }
    recoverOnto(store, h.name);
  });
}
