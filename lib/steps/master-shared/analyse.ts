import 'server-only';
import { createHash } from 'node:crypto';
import { covers, loadCertificate } from '@/lib/certs';
import { applyEdits, readMasterSettings } from '@/lib/settings';
import { classifyAccount, type AccountKind } from './account';
import { parseSslBinding, type SslBinding } from './netsh';
import type { CertEntry, MasterRead } from './read-schema';

/** One certificate as the checks need it: names, and whether they cover the master DNS name. */
export type CertView = {
  thumbprint: string;
  store: string;
  hasPrivateKey: boolean;
  names: string[];
  covers: boolean;
  notBefore: string;
  validNow: boolean;
};

export type NodeState = {
  host: string;
  service: MasterRead['service'];
  account: { name: string; kind: AccountKind } | null;
  binding: SslBinding | null;
  settings: { path: string; bytes: Buffer | null; thumbprint: string | null; error: string | null };
  /** The running service's process and when it started, and when MasterSettings.config was last written (both the node's clock). */
  process: { id: number | null; startTime: string | null };
  settingsLastWrite: string | null;
  /** Everything in LocalMachine\Root, upper-case thumbprints. */
  root: Set<string>;
  /** Root certificates with a private key: the ones HTTP.SYS can bind. */
  keyed: CertView[];
  bound: CertView | null;
};

function view(e: CertEntry, dnsName: string): CertView {
  const { info } = loadCertificate(Buffer.from(e.der, 'base64'));
  const names = [...new Set([...info.commonNames, ...info.sanDnsNames, ...info.sanIpAddresses])];
  return {
    thumbprint: e.thumbprint.toUpperCase(),
    store: e.store,
    hasPrivateKey: e.hasPrivateKey,
    names,
    covers: covers(info, dnsName).covered,
    notBefore: e.notBefore,
    validNow: info.validNow,
  };
}

export function analyseNode(host: string, read: MasterRead, dnsName: string): NodeState {
  let settings: NodeState['settings'] = { path: read.settingsPath, bytes: null, thumbprint: null, error: null };
  if (read.settingsBase64 !== null) {
    const bytes = Buffer.from(read.settingsBase64, 'base64');
    try {
      const parsed = readMasterSettings(bytes, { fileLabel: `MasterSettings.config on ${host}` });
      settings = { ...settings, bytes, thumbprint: parsed.sslCertThumbprint?.replace(/[^0-9a-f]/gi, '').toUpperCase() || null };
    } catch (e) {
      settings = { ...settings, bytes, error: e instanceof Error ? e.message : String(e) };
    }
  }
  const localNames = [host, read.computerName];
  return {
    host,
    service: read.service,
    account: read.service ? { name: read.service.startName, kind: classifyAccount(read.service.startName, localNames) } : null,
    binding: parseSslBinding(read.netsh),
    settings,
    process: { id: read.serviceProcessId ?? null, startTime: read.serviceStartTime ?? null },
    settingsLastWrite: read.settingsLastWrite ?? null,
    root: new Set(read.rootThumbprints.map((t) => t.toUpperCase())),
    keyed: read.rootCerts.map((c) => view(c, dnsName)),
    bound: read.boundCert ? view(read.boundCert, dnsName) : null,
  };
}

/** In LocalMachine\Root with its private key: what the binding (certstorename=Root) needs. */
export function inRootWithKey(s: NodeState, thumbprint: string): boolean {
  return s.keyed.some((c) => c.thumbprint === thumbprint.toUpperCase() && c.hasPrivateKey);
}

/**
 * The certificate this node should use as master certificate: the bound one when it is fit (in
 * Root with its key, naming the DNS host name), else the one MasterSettings.config names, else
 * the newest fit one in Root (a certificate made by the wizard's previous operation). Null:
 * none is fit, a new one is needed.
 */
export function fitCertificate(s: NodeState): string | null {
  const fit = (t: string | null | undefined) => !!t && s.keyed.some((c) => c.thumbprint === t && c.covers && c.validNow);
  if (fit(s.binding?.thumbprint)) return s.binding!.thumbprint;
  if (fit(s.settings.thumbprint)) return s.settings.thumbprint;
  const newest = s.keyed.filter((c) => c.covers && c.validNow).sort((a, b) => b.notBefore.localeCompare(a.notBefore))[0];
  return newest?.thumbprint ?? null;
}

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A placeholder the diff shows when the thumbprint is only known once a new certificate exists. */
export const NEW_CERT_PLACEHOLDER = '<thumbprint of the new certificate>';
const PLACEHOLDER_THUMB = '0'.repeat(40);

/** The SSLCertThumbprint edit for the plan: its diff (null when nothing would change or it cannot be made). */
export function settingsDiff(s: NodeState, thumbprint: string | null): string | null {
  if (!s.settings.bytes || s.settings.error) return null;
  try {
    const r = applyEdits(s.settings.bytes, [{ element: 'SSLCertThumbprint', value: thumbprint ?? PLACEHOLDER_THUMB, insertIfMissing: true }], {
      fileLabel: s.settings.path,
    });
    if (!r.changed) return null;
    return thumbprint ? r.diff : r.diff.split(PLACEHOLDER_THUMB).join(NEW_CERT_PLACEHOLDER);
  } catch {
    return null;
  }
}
