/**
 * Console code pages. A Windows console program writes in the shell's code page (WINRS_CODEPAGE,
 * 437 unless the client asks for another; 65001 is UTF-8) and reads stdin in it; pwsh on Linux
 * speaks UTF-8, so the executor converts both ways. Characters a code page cannot hold become
 * '?', as WideCharToMultiByte's default character does.
 */

/** CP437 bytes 0x80–0xFF (not in the WHATWG encodings TextDecoder knows). */
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

/**
 * CP1252 bytes 0x80–0x9F (0xA0–0xFF equal Latin-1). Node's TextDecoder decodes 'windows-1252'
 * as ISO-8859-1, so this one is spelled out; undefined positions stay unmapped.
 */
const CP1252_HIGH =
  '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ' +
  Array.from({ length: 96 }, (_, i) => String.fromCharCode(0xa0 + i)).join('');

/** Other single-byte code pages, by the WHATWG label TextDecoder knows them as. */
const WHATWG: Record<number, string> = {
  866: 'ibm866',
  874: 'windows-874',
  1250: 'windows-1250',
  1251: 'windows-1251',
  1253: 'windows-1253',
  1254: 'windows-1254',
  1255: 'windows-1255',
  1256: 'windows-1256',
  1257: 'windows-1257',
  1258: 'windows-1258',
};

export interface CodePage {
  encode(text: string): Buffer;
  decode(bytes: Buffer): string;
}

export const UTF8: CodePage = {
  encode: (text) => Buffer.from(text, 'utf8'),
  decode: (bytes) => bytes.toString('utf8'),
};

function singleByte(high: string): CodePage {
  const toByte = new Map<string, number>();
  [...high].forEach((ch, i) => {
    if (!toByte.has(ch)) toByte.set(ch, 0x80 + i);
  });
  return {
    encode(text) {
      const out: number[] = [];
      for (const ch of text) {
        const code = ch.codePointAt(0) ?? 0x3f;
        out.push(code < 0x80 ? code : (toByte.get(ch) ?? 0x3f));
      }
      return Buffer.from(out);
    },
    decode(bytes) {
      let s = '';
      for (const b of bytes) s += b < 0x80 ? String.fromCharCode(b) : (high[b - 0x80] ?? '?');
      return s;
    },
  };
}

const cache = new Map<number, CodePage>();

/**
 * The converter for a code page. Multi-byte Asian code pages are not simulated and pass UTF-8
 * through unchanged (the lab's scripts are ASCII or ask for 65001).
 */
export function codePage(id: number): CodePage {
  const hit = cache.get(id);
  if (hit) return hit;
  let cp = UTF8;
  if (id === 437) cp = singleByte(CP437_HIGH);
  else if (id === 1252) cp = singleByte(CP1252_HIGH);
  else if (id === 20127) cp = singleByte('?'.repeat(128));
  else if (id === 28591)
    cp = singleByte(Array.from({ length: 128 }, (_, i) => String.fromCharCode(0x80 + i)).join(''));
  else {
    const label = WHATWG[id];
    if (label) {
      const high = new TextDecoder(label).decode(
        Buffer.from(Array.from({ length: 128 }, (_, i) => 0x80 + i)),
      );
      cp = singleByte(high);
    }
  }
  cache.set(id, cp);
  return cp;
}
