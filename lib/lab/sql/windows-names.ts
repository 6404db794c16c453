/**
 * Windows names as an instance's host resolves them (LookupAccountName / LookupAccountSid): what
 * CREATE LOGIN ... FROM WINDOWS, SUSER_SID and SUSER_SNAME ask Windows. The SQL side does not own
 * the hosts: the lab gives the engine the Windows side's accounts (windows-sql-link.ts). Without
 * it (SQL-only tests) a host knows the well-known accounts and the virtual accounts of the SQL
 * services the SQL side itself models on it, and no domain account: a test that needs a domain
 * account says which (sqlSideWindowsNames' `domainAccounts`).
 *
 * SIDs are computed as Windows makes them, so every instance agrees:
 * - well-known accounts: their fixed SIDs (NT AUTHORITY\SYSTEM is S-1-5-18);
 * - NT SERVICE\<service>: S-1-5-80- and the SHA-1 of the upper-case service name (UTF-16LE) as five
 *   sub-authorities: derived from the name only, the same on every machine (sc.exe showsid);
 * - DOMAIN\name (users and computers, HOST$): the domain's SID S-1-5-21-x-y-z plus a relative id,
 *   the same on every member of the domain. The lab derives both from the names (Administrator
 *   keeps its well-known RID 500).
 */

import { createHash } from 'node:crypto';
import type { Store } from './state/store';

export interface WindowsAccount {
  /** As Windows spells it: DOMAIN\name. */
  name: string;
  sid: Buffer;
  /** sys.server_principals type: 'U' a user (also a computer or a virtual account), 'G' a group. */
  type: 'U' | 'G';
}

/** The accounts `host` resolves: the domain's, the virtual accounts of its own services, the well-known ones. */
export type WindowsNames = (host: string) => readonly WindowsAccount[];

function sid(authority: number, subs: readonly number[]): Buffer {
  const b = Buffer.alloc(8 + 4 * subs.length);
  b[0] = 1;
  b[1] = subs.length;
  b.writeUIntBE(authority, 2, 6);
  subs.forEach((s, i) => b.writeUInt32LE(s >>> 0, 8 + 4 * i));
  return b;
}

/** S-1-5-... text of a binary SID (for messages and tests). */
export function sidText(b: Buffer): string {
  const subs = Array.from({ length: b[1] ?? 0 }, (_, i) => b.readUInt32LE(8 + 4 * i));
  return ['S', b[0], b.readUIntBE(2, 6), ...subs].join('-');
}

const nt = (...subs: number[]) => sid(5, subs);

/** Accounts every Windows machine resolves. */
export const WELL_KNOWN_ACCOUNTS: readonly WindowsAccount[] = [
  { name: 'NT AUTHORITY\\SYSTEM', sid: nt(18), type: 'U' },
  { name: 'NT AUTHORITY\\LOCAL SERVICE', sid: nt(19), type: 'U' },
  { name: 'NT AUTHORITY\\NETWORK SERVICE', sid: nt(20), type: 'U' },
  { name: 'BUILTIN\\Administrators', sid: nt(32, 544), type: 'G' },
  { name: 'BUILTIN\\Users', sid: nt(32, 545), type: 'G' },
];

/** NT SERVICE\<service>: S-1-5-80 and the SHA-1 of the upper-case name, whatever the machine. */
export function serviceSid(service: string): Buffer {
  const h = createHash('sha1').update(Buffer.from(service.toUpperCase(), 'utf16le')).digest();
  return nt(80, ...[0, 1, 2, 3, 4].map((i) => h.readUInt32LE(4 * i)));
}

const hash32 = (text: string, at = 0) => createHash('sha256').update(text).digest().readUInt32LE(at);

/** A domain account's SID: the domain's S-1-5-21-x-y-z and the account's relative id. */
export function domainAccountSid(domain: string, name: string): Buffer {
  const d = `domain:${domain.toUpperCase()}`;
  const rid = name.toLowerCase() === 'administrator' ? 500 : 1100 + (hash32(`account:${domain.toUpperCase()}\\${name.toLowerCase()}`) % 0x7ffff000);
  return nt(21, hash32(d, 0), hash32(d, 4), hash32(d, 8), rid);
}

/** The SID Windows gives `DOMAIN\name` (well-known, NT SERVICE or domain account), resolvable or not. */
export function windowsSid(account: string): Buffer {
  const known = WELL_KNOWN_ACCOUNTS.find((a) => sameName(a.name, account));
  if (known) return known.sid;
  const cut = account.indexOf('\\');
  if (cut <= 0) throw new Error(`not a DOMAIN\\name account: ${account}`);
  const domain = account.slice(0, cut);
  const name = account.slice(cut + 1);
  return domain.toUpperCase() === 'NT SERVICE' ? serviceSid(name) : domainAccountSid(domain, name);
}

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** An account by name, as Windows compares them (without regard to case). */
export function accountNamed(accounts: readonly WindowsAccount[], name: string): WindowsAccount | undefined {
  return accounts.find((a) => sameName(a.name, name));
}

export function accountWithSid(accounts: readonly WindowsAccount[], s: Buffer): WindowsAccount | undefined {
  return accounts.find((a) => a.sid.equals(s));
}

export const serviceAccount = (service: string): WindowsAccount => ({ name: `NT SERVICE\\${service}`, sid: serviceSid(service), type: 'U' });
export const domainAccount = (domain: string, name: string): WindowsAccount => ({ name: `${domain}\\${name}`, sid: domainAccountSid(domain, name), type: 'U' });

/**
 * The hosts as the SQL side alone knows them: the well-known accounts, and on an instance's host
 * the virtual accounts of its SQL Server and Agent services, and of the Scale Out Master service
 * when that feature is installed there. No domain accounts but `domainAccounts` (DOMAIN\name).
 */
export function sqlSideWindowsNames(st: Store, domainAccounts: readonly string[] = []): WindowsNames {
  const domain = domainAccounts.map((name): WindowsAccount => ({ name, sid: windowsSid(name), type: 'U' }));
  return (host) => {
    const services = st
      .instances()
      .filter((i) => sameName(i.machine_name, host))
      .flatMap((i) => {
        const named = i.instance_name;
        const major = i.product_version.split('.')[0] ?? '16';
        return [
          named ? `MSSQL$${named}` : 'MSSQLSERVER',
          named ? `SQLAgent$${named}` : 'SQLSERVERAGENT',
          ...(i.ssis_master_installed ? [`SSISScaleOutMaster${major}0`] : []),
        ];
      });
    return [...WELL_KNOWN_ACCOUNTS, ...domain, ...services.map(serviceAccount)];
  };
}
