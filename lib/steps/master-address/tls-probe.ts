// The live TLS probe of the master endpoint, from the wizard's server: connect to the client
// access point (or its "connect to" override), name it in SNI, and read the certificate it
// serves. Chain and name are judged by the caller, so the evidence can say which names the
// certificate has even when it is not trusted (Node would otherwise drop it in the handshake).
import 'server-only';
import net from 'node:net';
import tls from 'node:tls';
import { loadCertificate } from '@/lib/certs';
import { parseAddressPort } from '@/lib/inventory/rules';
import type { StoredInventory } from '@/lib/inventory/schema';
import type { CertificateInfo } from '@/lib/certs';

type Inv = Pick<StoredInventory, 'masterDnsName' | 'masterPort' | 'masterAddress' | 'trustMode' | 'trustCaPem'>;

export type ServedCertificate = Pick<CertificateInfo, 'thumbprint' | 'subject' | 'issuer' | 'commonNames' | 'sanDnsNames' | 'sanIpAddresses' | 'notAfter'>;

export type TlsSeen =
  | {
      ok: true;
      /** address:port actually connected to. */
      connectedTo: string;
      protocol: string;
      cert: ServedCertificate;
      /** The chain verified under the deployment's trust (system or CA bundle); false in thumbprint/insecure modes. */
      chainTrusted: boolean;
      chainError?: string;
    }
  | { ok: false; connectedTo: string; error: string };

/** Where the endpoint is reached: the override when the inventory has one (tunnels, the lab), else the DNS name and port. */
export function masterConnectTo(inv: Inv): { host: string; port: number } {
  const o = inv.masterAddress ? parseAddressPort(inv.masterAddress) : null;
  return o ?? { host: inv.masterDnsName, port: inv.masterPort };
}

export function probeTls(inv: Inv, timeoutMs = 10_000): Promise<TlsSeen> {
  const to = masterConnectTo(inv);
  const connectedTo = `${to.host}:${to.port}`;
  const verifyChain = inv.trustMode === 'system' || inv.trustMode === 'ca';
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: TlsSeen) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const socket = tls.connect({
      host: to.host,
      port: to.port,
      servername: net.isIP(inv.masterDnsName) ? undefined : inv.masterDnsName,
      minVersion: 'TLSv1.2',
      rejectUnauthorized: false,
      ...(inv.trustMode === 'ca' ? { ca: inv.trustCaPem } : {}),
      // The name is judged by the caller against the CNs too (SSIS accepts CN matches).
      checkServerIdentity: () => undefined,
    });
    const timer = setTimeout(() => finish({ ok: false, connectedTo, error: `no TLS handshake within ${timeoutMs / 1000} s` }), timeoutMs);
    socket.once('error', (e: NodeJS.ErrnoException) => finish({ ok: false, connectedTo, error: `${e.code ? `${e.code}: ` : ''}${e.message}` }));
    socket.once('secureConnect', () => {
      const raw = socket.getPeerCertificate()?.raw;
      if (!raw || raw.length === 0) return finish({ ok: false, connectedTo, error: 'the server presented no certificate' });
      try {
        const { info } = loadCertificate(raw, { label: `The certificate served at ${connectedTo}` });
        const chainTrusted = verifyChain && socket.authorized;
        const chainError = verifyChain && !socket.authorized ? String(socket.authorizationError ?? 'UNKNOWN') : undefined;
        finish({ ok: true, connectedTo, protocol: socket.getProtocol() ?? 'TLS', cert: info, chainTrusted, ...(chainError ? { chainError } : {}) });
      } catch (e) {
        finish({ ok: false, connectedTo, error: e instanceof Error ? e.message : String(e) });
      }
    });
  });
}
