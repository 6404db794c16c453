// Judges the SQL readings (reachability, Always On enabled) and the DNS answers for the names
// the deployment plans to create. Pure.
import type { Check } from '@/lib/engine/types';
import { CHECK, dnsCheckId } from './ids';
import { describeFailure, type NodeReading } from './readings';
import { dnsRemediation, hadrRemediation, sqlRemediation } from './remediation';

export type SqlNode = { host: string; instance: string; label: string };

export function sqlChecks(r: NodeReading, node: SqlNode, clusterName: string): Check[] {
  const reach = { id: CHECK.sql, title: "SQL Server reachable with the deployment's credentials", target: r.host };
  const hadr = { id: CHECK.hadr, title: 'Always On availability groups enabled', target: r.host };
  if (!r.sql.ok) {
    const f = r.sql.error;
    const text = `SQL connection to ${node.label} failed (${describeFailure(f)}).`;
    const cancelled = f.code === 'CANCELLED';
    return [
      cancelled ? { ...reach, status: 'unknown', evidence: text } : { ...reach, status: 'fail', evidence: text, remediation: sqlRemediation(f) },
      { ...hadr, status: 'unknown', evidence: `Not read: ${text}` },
    ];
  }
  const row = r.sql.value;
  const value = row.hadr === null ? 'NULL' : String(row.hadr);
  const evidence = `SERVERPROPERTY('IsHadrEnabled') = ${value} on ${row.serverName ?? node.label}.`;
  let hadrCheck: Check;
  if (row.hadr === 1) hadrCheck = { ...hadr, status: 'pass', evidence };
  else {
    // NULL: this edition or build has no availability groups at all (Express, or before 2012).
    const note = row.hadr === null ? '\nIsHadrEnabled is NULL: this edition or version does not support availability groups; SSISDB in Always On needs Enterprise (or Standard for a basic availability group).' : '';
    hadrCheck = { ...hadr, status: 'fail', evidence, remediation: hadrRemediation(r.host, node.instance, clusterName) + note };
  }
  return [
    { ...reach, status: 'pass', evidence: `Connected to ${node.label}: @@SERVERNAME = ${row.serverName ?? 'NULL'}, version ${row.version ?? 'unknown'}.` },
    hadrCheck,
  ];
}

export type PlannedName = { name: string; what: string; planned: string[] };

/** DNS is asked from the first node that answered: every node uses the same domain DNS. */
export function dnsChecks(readings: NodeReading[], names: PlannedName[]): Check[] {
  const source = readings.find((r) => r.winrm.ok);
  return names.map(({ name, what, planned }): Check => {
    const base = { id: dnsCheckId(name), title: `${what} ${name} free in DNS (or already on its planned address)`, target: name };
    if (!source || !source.winrm.ok) return { ...base, status: 'unknown', evidence: 'Not read: no master node answered over WinRM.' };
    const entry = source.winrm.value.dns.find((d) => d.name.toUpperCase() === name.toUpperCase());
    if (!entry) return { ...base, status: 'unknown', evidence: `Not read: ${source.host} returned no answer for ${name}.` };
    const from = `(Resolve-DnsName on ${source.host})`;
    if (!entry.found) {
      if ((entry.errorId ?? '').startsWith('DNS_ERROR_RCODE_NAME_ERROR')) return { ...base, status: 'pass', evidence: `${name}: DNS name does not exist ${from}.` };
      return { ...base, status: 'unknown', evidence: `Resolve-DnsName ${name} failed on ${source.host}: ${entry.error ?? entry.errorId ?? 'no detail'}` };
    }
    const wanted = new Set(planned.map((p) => p.toLowerCase()));
    const addresses = entry.addresses.join(', ') || 'no address records';
    // Only our own planned address(es): the listener or the role was created already.
    if (entry.addresses.length > 0 && entry.addresses.every((a) => wanted.has(a.toLowerCase()))) {
      return { ...base, status: 'pass', evidence: `${name} resolves to ${addresses} ${from}: the planned address, so it may already be this deployment's ${what.toLowerCase()}.` };
    }
    return { ...base, status: 'warn', evidence: `${name} resolves to ${addresses} ${from}; planned: ${planned.join(', ') || 'none'}.`, remediation: dnsRemediation(name, entry.addresses, planned) };
  });
}
