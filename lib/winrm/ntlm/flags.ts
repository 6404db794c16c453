/** NegotiateFlags bits (MS-NLMP 2.2.2.5). Values are unsigned; combine with `|` then `>>> 0`. */
export const NegotiateFlag = {
  UNICODE: 0x00000001,
  OEM: 0x00000002,
  REQUEST_TARGET: 0x00000004,
  SIGN: 0x00000010,
  SEAL: 0x00000020,
  DATAGRAM: 0x00000040,
  LM_KEY: 0x00000080,
  NTLM: 0x00000200,
  ANONYMOUS: 0x00000800,
  OEM_DOMAIN_SUPPLIED: 0x00001000,
  OEM_WORKSTATION_SUPPLIED: 0x00002000,
  ALWAYS_SIGN: 0x00008000,
  TARGET_TYPE_DOMAIN: 0x00010000,
  TARGET_TYPE_SERVER: 0x00020000,
  EXTENDED_SESSIONSECURITY: 0x00080000,
  IDENTIFY: 0x00100000,
  REQUEST_NON_NT_SESSION_KEY: 0x00400000,
  TARGET_INFO: 0x00800000,
  VERSION: 0x02000000,
  NEGOTIATE_128: 0x20000000,
  KEY_EXCH: 0x40000000,
  NEGOTIATE_56: 0x80000000,
} as const;

export type NegotiateFlagName = keyof typeof NegotiateFlag;

export function hasFlag(flags: number, flag: number): boolean {
  return (flags & flag) !== 0;
}

/** ORs flags together and keeps the result unsigned (bit 31 is NEGOTIATE_56). */
export function combineFlags(...flags: number[]): number {
  return flags.reduce((acc, f) => acc | f, 0) >>> 0;
}

/** The names of the set bits, for logs and error messages. */
export function describeFlags(flags: number): NegotiateFlagName[] {
  return (Object.keys(NegotiateFlag) as NegotiateFlagName[]).filter((name) =>
    hasFlag(flags, NegotiateFlag[name]),
  );
}
