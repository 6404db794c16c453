import { z } from 'zod';

// Field rules a DBA expects, each with its own message (tests pin every message).

const DNS_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;

/** A NetBIOS computer name that is also a valid DNS label (cluster, node, listener, client access point). */
export function netbiosName(what: string) {
  return z
    .string()
    .trim()
    .min(1, { error: `Enter the ${what}` })
    .max(15, { error: `The ${what} can have at most 15 characters (the NetBIOS limit)` })
    .regex(/^[A-Za-z0-9-]+$/, {
      error: `The ${what} can contain only letters, digits and hyphens`,
    })
    .regex(DNS_LABEL, { error: `The ${what} cannot start or end with a hyphen` })
    .refine((v) => !/^[0-9]+$/.test(v), { error: `The ${what} cannot be digits only` });
}

export function isFqdn(value: string): boolean {
  const v = value.endsWith('.') ? value.slice(0, -1) : value;
  if (v.length > 253) return false;
  const labels = v.split('.');
  return labels.length >= 2 && labels.every((l) => l.length <= 63 && DNS_LABEL.test(l));
}

export function isIpv4(value: string): boolean {
  return z.ipv4().safeParse(value).success;
}

export function isIpv6(value: string): boolean {
  return z.ipv6().safeParse(value).success;
}

export function isIp(value: string): boolean {
  return isIpv4(value) || isIpv6(value);
}

/** A host to connect to: a DNS name (single label or FQDN) or an IP address. */
export function isHost(value: string): boolean {
  return isIp(value) || DNS_LABEL.test(value) || isFqdn(value);
}

export function port(what: string) {
  return z
    .number({ error: `Enter the ${what} as a number` })
    .int({ error: `The ${what} must be a whole number` })
    .min(1, { error: `The ${what} must be between 1 and 65535` })
    .max(65535, { error: `The ${what} must be between 1 and 65535` });
}

export function ipAddress(what: string) {
  return z
    .string()
    .trim()
    .min(1, { error: `Enter the ${what}` })
    .refine(isIp, { error: `The ${what} must be an IPv4 or IPv6 address` });
}

/** Optional "connect to address:port" override; empty means "connect to the host name itself". */
export function addressOverride(what: string) {
  return z
    .string()
    .trim()
    .refine((v) => v === '' || parseAddressPort(v) !== null, {
      error: `The ${what} must look like address:port (for IPv6, [address]:port)`,
    });
}

export function parseAddressPort(value: string): { host: string; port: number } | null {
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(value) ?? /^([^:[\]]+):(\d{1,5})$/.exec(value);
  if (!m || !m[1] || !m[2]) return null;
  const host = m[1];
  const portNumber = Number(m[2]);
  if (portNumber < 1 || portNumber > 65535) return null;
  const bracketed = value.startsWith('[');
  if (bracketed ? !isIpv6(host) : !isHost(host)) return null;
  return { host, port: portNumber };
}

/**
 * The master service must run under a domain account (DOMAIN\user, user@domain.tld, or a gMSA
 * DOMAIN\name$): a virtual or built-in account has a different identity on each node, so SQL
 * logins and certificates would not follow a failover.
 */
export function domainAccount(what: string) {
  return z
    .string()
    .trim()
    .min(1, { error: `Enter the ${what}` })
    .refine((v) => !/^(nt service|nt authority|builtin)\\/i.test(v), {
      error: `The ${what} must be a domain account: NT Service, NT AUTHORITY and BUILTIN accounts differ on each node`,
    })
    .refine((v) => !/^(localsystem|localservice|networkservice)$/i.test(v), {
      error: `The ${what} must be a domain account, not a built-in account`,
    })
    .refine((v) => !/^\.\\/.test(v), {
      error: `The ${what} must be a domain account, not a local account (.\\user)`,
    })
    .refine((v) => /^[A-Za-z0-9][A-Za-z0-9.-]{0,14}\\[^\\/"[\]:;|=,+*?<>@]{1,20}$/.test(v) || /^[^\\/"[\]:;|=,+*?<>@\s]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(v), {
      error: `The ${what} must look like DOMAIN\\user or user@domain.example`,
    });
}

export function isPemCertificate(value: string): boolean {
  return /-----BEGIN CERTIFICATE-----\s+[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----/.test(value);
}
