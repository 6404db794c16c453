/**
 * MD4 (RFC 1320). Node 20's default OpenSSL provider leaves MD4 out, and NTLM needs it exactly once:
 * the NT hash, MD4(UTF-16LE(password)). Not for anything else.
 */

const ROUND2_ORDER = [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15] as const;
const ROUND3_ORDER = [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15] as const;
const SHIFTS = [
  [3, 7, 11, 19],
  [3, 5, 9, 13],
  [3, 9, 11, 15],
] as const;

function rotl(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n));
}

export function md4(input: Uint8Array): Buffer {
  const length = input.byteLength;
  // Pad with 0x80, zeros, then the bit length as a 64-bit little-endian integer, to a multiple of 64 bytes.
  const padded = Buffer.alloc(Math.ceil((length + 9) / 64) * 64);
  padded.set(input);
  padded.writeUInt8(0x80, length);
  padded.writeBigUInt64LE(BigInt(length) * 8n, padded.length - 8);

  let h0 = 0x67452301;
  let h1 = 0xefcdab89 | 0;
  let h2 = 0x98badcfe | 0;
  let h3 = 0x10325476;

  for (let block = 0; block < padded.length; block += 64) {
    const word = (k: number): number => padded.readInt32LE(block + 4 * k);
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    for (let round = 0; round < 3; round++) {
      const shifts = SHIFTS[round] ?? SHIFTS[0];
      for (let i = 0; i < 16; i++) {
        let f: number;
        let k: number;
        let constant: number;
        if (round === 0) {
          f = (b & c) | (~b & d);
          k = i;
          constant = 0;
        } else if (round === 1) {
          f = (b & c) | (b & d) | (c & d);
          k = ROUND2_ORDER[i] ?? 0;
          constant = 0x5a827999;
        } else {
          f = b ^ c ^ d;
          k = ROUND3_ORDER[i] ?? 0;
          constant = 0x6ed9eba1;
        }
        const rotated = rotl((a + f + word(k) + constant) | 0, shifts[i % 4] ?? 0);
        // Rotate the roles so the next step updates what RFC 1320 calls the next register (ABCD, DABC, CDAB, BCDA).
        a = d;
        d = c;
        c = b;
        b = rotated;
      }
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
  }

  const out = Buffer.alloc(16);
  out.writeInt32LE(h0, 0);
  out.writeInt32LE(h1, 4);
  out.writeInt32LE(h2, 8);
  out.writeInt32LE(h3, 12);
  return out;
}
