// Thumbprint input clean-up. Client-safe (no node: imports) so forms can use it too.
//
// A thumbprint copied from the Windows certificate dialog (Details > Thumbprint) usually starts
// with an invisible LEFT-TO-RIGHT MARK (U+200E); pasted into SQL or a config file it makes the
// value silently not match. Older dialogs show it as "ab cd ef ..." and other tools use colons
// or dashes.

import { certError } from './errors';

// Bidi marks and embeddings/overrides/isolates, zero-width characters, BOM, no-break spaces.
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF\u00A0\u2007\u202F]/g;
const SEPARATORS = /[\s:\-]/g;
const THUMBPRINT = /^[0-9A-F]{40}$/;

/** Strip separators and invisible characters and upper-case; does not validate. */
export function cleanThumbprint(input: string): string {
  return input.replace(INVISIBLE, '').replace(SEPARATORS, '').toUpperCase();
}

/** True for 40 upper-case hex characters exactly (the form Windows uses in config and netsh). */
export function isThumbprint(value: string): boolean {
  return THUMBPRINT.test(value);
}

/** The normalised thumbprint, or null when the input is not one (for form validation). */
export function tryNormalizeThumbprint(input: string): string | null {
  const cleaned = cleanThumbprint(input);
  return isThumbprint(cleaned) ? cleaned : null;
}

/** The normalised thumbprint; throws CertError INVALID_THUMBPRINT naming `label`. */
export function normalizeThumbprint(input: string, label = 'The value'): string {
  const cleaned = cleanThumbprint(input);
  if (isThumbprint(cleaned)) return cleaned;
  let detail: string;
  if (cleaned.length === 0) detail = 'it is empty';
  else if (/[^0-9A-F]/.test(cleaned)) detail = 'it contains characters other than 0-9 and A-F';
  else if (cleaned.length === 64)
    detail = 'that is a SHA-256 hash; Windows and SSIS use the 40-character SHA-1 thumbprint';
  else detail = `it has ${cleaned.length} hexadecimal characters, not 40`;
  throw certError('INVALID_THUMBPRINT', { subject: label, label, detail });
}
