// The step's three checks, pure: MASTER_ADDRESS reads back as https://<master DNS name>:<port>,
// the endpoint answers over TLS, and what it serves is the shared master certificate, whose
// names cover the master DNS host name.
import { covers, presentedNames } from '@/lib/certs/hostnames';
import type { Check, CheckStatus } from '@/lib/engine/types';
import type { StoredInventory } from '@/lib/inventory/schema';
import type { Reading } from '../master-shared/node-read';
import { noHomeEvidence } from './catalog-home';
import { CHECK, masterUrl, sameUrl } from './names';
import type { MasterAddressReads } from './read';
import type { TlsSeen } from './tls-probe';

type Inv = Pick<StoredInventory, 'agName' | 'masterDnsName' | 'masterPort' | 'masterAddress' | 'trustMode'>;

const check = (id: string, title: string, target: string, status: CheckStatus, evidence: string, remediation?: string): Check =>
  remediation && status !== 'pass' ? { id, title, target, status, evidence, remediation } : { id, title, target, status, evidence };

export function addressCheck(inv: Inv, reads: Pick<MasterAddressReads, 'home' | 'address'>): Check {
  const want = masterUrl(inv);
  const title = `catalog.master_properties MASTER_ADDRESS is ${want}`;
  const { home, address } = reads;
  if (!home.home) {
    const down = home.nodes.some((n) => !n.ok);
    return check(CHECK.address, title, inv.agName, down ? 'unknown' : 'fail', noHomeEvidence(home, inv.agName), 'SSISDB must be online on the primary replica (step 4) before its master address can be set.');
  }
  const where = `SSISDB.catalog.master_properties on ${home.home.server} (${home.home.why})`;
  if (!address || !address.ok) return check(CHECK.address, title, home.home.node, 'unknown', `${where}: ${address?.error ?? 'not read'}`);
  if (sameUrl(address.value, want)) return check(CHECK.address, title, home.home.node, 'pass', `${where}: MASTER_ADDRESS = '${address.value}'.`);
  const seen = address.value === null ? 'no MASTER_ADDRESS row (Scale Out is not enabled in this catalog)' : `MASTER_ADDRESS = '${address.value}', not '${want}'`;
  return check(
    CHECK.address,
    title,
    home.home.node,
    'fail',
    `${where}: ${seen}.`,
    `Run EXEC catalog.update_master_address @MasterAddress = N'${want}' in SSISDB on the primary. Workers attached through Scale Out Manager are given this address: the client access point of the master role, never a node name.`,
  );
}

const endpointName = (inv: Inv) => `${inv.masterDnsName}:${inv.masterPort}`;
const via = (inv: Inv, tls: TlsSeen) => (inv.masterAddress ? ` (connected to ${tls.connectedTo})` : '');

export function endpointCheck(inv: Inv, tls: TlsSeen): Check {
  const title = `The master endpoint ${endpointName(inv)} answers over TLS`;
  if (tls.ok) return check(CHECK.endpoint, title, inv.masterDnsName, 'pass', `${tls.protocol} handshake with ${endpointName(inv)}${via(inv, tls)}.`);
  return check(
    CHECK.endpoint,
    title,
    inv.masterDnsName,
    'fail',
    `Connecting to ${endpointName(inv)}${via(inv, tls)}: ${tls.error}.`,
    `The master cluster role (step 7) must be online with ${inv.masterDnsName} resolving to its IP, the master service running on the owner node, its certificate bound on 0.0.0.0:${inv.masterPort} (HTTP.SYS), and TCP ${inv.masterPort} open in the firewall.`,
  );
}

/** The certificate each reachable node has bound on the master port (what "the shared certificate" means). */
function boundOnNodes(nodes: Reading[]): { bound: { host: string; thumbprint: string }[]; missing: string[]; unread: string[] } {
  const bound: { host: string; thumbprint: string }[] = [];
  const missing: string[] = [];
  const unread: string[] = [];
  for (const n of nodes) {
    if (!n.ok) unread.push(n.host);
    else if (n.read.boundCert) bound.push({ host: n.host, thumbprint: n.read.boundCert.thumbprint.toUpperCase() });
    else missing.push(n.host);
  }
  return { bound, missing, unread };
}

export function certificateCheck(inv: Inv, tls: TlsSeen, nodes: Reading[]): Check {
  const title = `The endpoint serves the shared master certificate, naming ${inv.masterDnsName}`;
  const target = inv.masterDnsName;
  if (!tls.ok) return check(CHECK.certificate, title, target, 'fail', `No certificate read: the endpoint did not answer (${tls.error}).`);
  const c = tls.cert;
  const thumb = c.thumbprint.toUpperCase();
  const names = presentedNames(c);
  const cover = covers(c, inv.masterDnsName);
  const chain = tls.chainTrusted ? "its chain is trusted by the deployment's trust settings" : tls.chainError ? `its chain is not trusted by the deployment's trust settings (${tls.chainError})` : `the chain is not checked (trust mode ${inv.trustMode})`;
  const served = `${endpointName(inv)} served ${thumb} (${c.subject}; ${c.issuer === c.subject ? 'self-signed' : `issuer ${c.issuer}`}; names ${names.join(', ') || 'none'}; valid to ${c.notAfter}); ${chain}.`;
  const { bound, missing, unread } = boundOnNodes(nodes);
  const boundText = [
    bound.length ? `Bound on 0.0.0.0:${inv.masterPort}: ${bound.map((b) => `${b.host} ${b.thumbprint}`).join(', ')}.` : '',
    missing.length ? `No binding on ${missing.join(', ')}.` : '',
    unread.length ? `Not readable: ${nodes.flatMap((n) => (n.ok ? [] : [`${n.host} (${n.error})`])).join(', ')}.` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const evidence = `${served} ${boundText}`.trim();
  const fix = `Every master node must bind the same certificate, whose CNs include ${inv.masterDnsName} (steps 2 and 3: make it on the primary, copy it with its key to the others, bind it on port ${inv.masterPort}).`;
  if (!cover.covered) return check(CHECK.certificate, title, target, 'fail', `${evidence} It does not cover ${inv.masterDnsName}: workers reject it ("remote certificate is invalid").`, fix);
  const others = bound.filter((b) => b.thumbprint !== thumb);
  if (others.length) return check(CHECK.certificate, title, target, 'fail', `${evidence} ${others.map((b) => b.host).join(', ')} bind${others.length === 1 ? 's' : ''} another certificate: after the role moves there, workers see a different certificate.`, fix);
  if (bound.length === 0) {
    // Nothing to compare with: trust rests on the chain alone.
    return check(CHECK.certificate, title, target, tls.chainTrusted ? 'warn' : 'unknown', `${evidence} The shared certificate could not be read from any master node.`);
  }
  if (missing.length || unread.length) return check(CHECK.certificate, title, target, missing.length ? 'fail' : 'warn', `${evidence}`, missing.length ? fix : undefined);
  return check(CHECK.certificate, title, target, 'pass', `${evidence} It covers ${inv.masterDnsName} (${cover.source === 'cn' ? 'CN' : 'SAN'} ${cover.matchedName}) and is the certificate bound on every master node.`);
}

export function buildChecks(inv: Inv, reads: MasterAddressReads): Check[] {
  return [addressCheck(inv, reads), endpointCheck(inv, reads.tls), certificateCheck(inv, reads.tls, reads.nodes)];
}
