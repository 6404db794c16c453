// IP literals as bytes, so "2001:db8::1", "2001:DB8:0:0:0:0:0:1" and "[2001:db8::1]" compare equal.
// Client-safe (no node: imports).

/** 4 bytes for IPv4, 16 for IPv6; null when `text` is not an IP literal. Accepts [v6] brackets. */
export function parseIp(text: string): Uint8Array | null {
  let s = text.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  return s.includes(':') ? parseIpv6(s) : parseIpv4(s);
}

export function isIpLiteral(text: string): boolean {
  return parseIp(text) !== null;
}

function parseIpv4(s: string): Uint8Array | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i] ?? '';
    // No leading zeros: "010" is octal to some parsers and decimal to others.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out[i] = n;
  }
  return out;
}

function parseIpv6(s: string): Uint8Array | null {
  if (s.includes('%')) return null; // zone ids are local to a host; never in a certificate
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] === '' ? [] : (halves[0] ?? '').split(':');
  const tail = halves.length === 2 ? (halves[1] === '' ? [] : (halves[1] ?? '').split(':')) : [];
  const groups: number[] = [];
  const pushGroups = (parts: string[], isLast: boolean): boolean => {
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] ?? '';
      if (isLast && i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIpv4(p);
        if (v4 === null) return false;
        groups.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return false;
      groups.push(parseInt(p, 16));
    }
    return true;
  };
  if (!pushGroups(head, halves.length === 1)) return null;
  const headCount = groups.length;
  if (!pushGroups(tail, true)) return null;
  const tailGroups = groups.splice(headCount);
  if (halves.length === 1) {
    if (groups.length !== 8) return null;
  } else {
    if (groups.length + tailGroups.length > 7) return null;
    while (groups.length + tailGroups.length < 8) groups.push(0);
  }
  groups.push(...tailGroups);
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

/** Dotted quad, or RFC 5952 text for IPv6 (lower case, longest zero run compressed). */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length !== 16)
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function ipEquals(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
