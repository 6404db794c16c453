// A live TLS look at the master endpoint from the wizard's server: which certificate it serves
// under the master's DNS host name. The handshake is judged here (thumbprint and names), not by
// Node, so an untrusted or mismatched certificate is evidence rather than a bare error.
import 'server-only';
import tls from 'node:tls';
import { covers, inspectCertificate } from '@/lib/certs';
import type { StoredInventory } from '@/lib/inventory/schema';

export type EndpointSeen =
  | { ok: true; thumbprint: string; names: string[]; coversName: boolean; trusted: boolean; trustError: string | null }
  | { ok: false; error: string };

/** host:port to dial for the master's DNS name: the inventory's override, else the name itself. */
export function masterDial(inv: StoredInventory): { host: string; port: number; label: string } {
  const label = `${inv.masterDnsName}:${inv.masterPort}`;
  const override = inv.masterAddress?.trim();
  if (override) {
    const m = /^(.*):(\d{1,5})$/.exec(override);
    if (m) return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]), label };
    return { host: override, port: inv.masterPort, label };
  }
  return { host: inv.masterDnsName, port: inv.masterPort, label };
}

export function seeMasterEndpoint(inv: StoredInventory, timeoutMs = 5000): Promise<EndpointSeen> {
  const dial = masterDial(inv);
  const ca = inv.trustMode === 'ca' && inv.trustCaPem ? [inv.trustCaPem] : undefined;
  return new Promise((resolve) => {
    const socket = tls.connect({
      host: dial.host,
      port: dial.port,
      servername: /^[\d.]+$|:/.test(inv.masterDnsName) ? undefined : inv.masterDnsName,
      ...(ca ? { ca } : {}),
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
    });
    const done = (r: EndpointSeen) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done({ ok: false, error: `${dial.label}: no TLS answer within ${timeoutMs / 1000} s` }), timeoutMs);
    socket.once('secureConnect', () => {
      const raw = socket.getPeerCertificate().raw;
      if (!raw) return done({ ok: false, error: `${dial.label}: the server sent no certificate` });
      const info = inspectCertificate(raw);
      done({
        ok: true,
        thumbprint: info.thumbprint,
        names: [...new Set([...info.commonNames, ...info.sanDnsNames, ...info.sanIpAddresses])],
        coversName: covers(info, inv.masterDnsName).covered,
        trusted: inv.trustMode === 'insecure' || inv.trustMode === 'thumbprint' ? true : socket.authorized,
        trustError: socket.authorizationError ? String(socket.authorizationError) : null,
      });
    });
    socket.once('error', (e: NodeJS.ErrnoException) => done({ ok: false, error: `${dial.label}: ${e.code ?? ''} ${e.message}`.trim() }));
  });
}
