import { StringDecoder } from 'node:string_decoder';
import { Transform, type TransformCallback } from 'node:stream';
import { UTF8, codePage } from './codepage';

/**
 * pwsh on Linux writes UTF-8 with LF line ends; powershell.exe on Windows writes the console code
 * page with CRLF. This transform makes the first look like the second, streaming:
 *
 * - every LF not already preceded by CR becomes CRLF (also `#< CLIXML\n`, which pywinrm and
 *   others match as `#< CLIXML\r\n`);
 * - in a CLIXML error stream, the serialized newline `_x000A_` becomes `_x000D__x000A_`, which is
 *   what Windows PowerShell writes and what pywinrm's clean-up replaces with a newline;
 * - text is re-encoded from UTF-8 to the shell's code page.
 *
 * Text is held back only up to the last `\n` or `>` (neither can sit inside `_x000A_`), so the
 * rewriting never sees half a pattern and output still flows line by line.
 */
export class WindowsConsoleText extends Transform {
  readonly #decoder = new StringDecoder('utf8');
  readonly #encode: (text: string) => Buffer;
  #held = '';
  #lastWasCr = false;
  /** From the `#< CLIXML` line on (it may follow plain text a script wrote first), the stream is CLIXML. */
  #clixml = false;

  constructor(codepage: number) {
    super();
    this.#encode = codePage(codepage).encode;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#held += this.#decoder.write(chunk);
    const cut = Math.max(this.#held.lastIndexOf('\n'), this.#held.lastIndexOf('>')) + 1;
    if (cut > 0) {
      this.#emit(this.#held.slice(0, cut));
      this.#held = this.#held.slice(cut);
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.#emit(this.#held + this.#decoder.end());
    this.#held = '';
    callback();
  }

  #emit(text: string): void {
    if (text === '') return;
    let out = '';
    for (const ch of text) {
      if (ch === '\n' && !this.#lastWasCr) out += '\r';
      out += ch;
      this.#lastWasCr = ch === '\r';
    }
    const escape = (xml: string) => xml.replace(/(?<!_x000D_)_x000A_/g, '_x000D__x000A_');
    if (this.#clixml) {
      out = escape(out);
    } else {
      // The marker starts a line: it starts the text (cut after a newline) or follows a newline in it.
      const m = /(^|\n)#< CLIXML/.exec(out);
      if (m) {
        this.#clixml = true;
        const at = m.index + m[1]!.length;
        out = out.slice(0, at) + escape(out.slice(at));
      }
    }
    this.push(this.#encode(out));
  }
}

/** stdin from the client, in the shell's code page, to UTF-8 for pwsh. */
export class ConsoleInput extends Transform {
  readonly #decode: ((bytes: Buffer) => string) | undefined;

  constructor(codepage: number) {
    super();
    const cp = codePage(codepage);
    // UTF-8 passes through as bytes: a character split across two Sends stays intact.
    this.#decode = cp === UTF8 ? undefined : cp.decode;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    callback(null, this.#decode ? Buffer.from(this.#decode(chunk), 'utf8') : chunk);
  }
}
