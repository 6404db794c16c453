import { SettingsError } from './errors';
import type { SettingName } from './names';
import {
  normalizeThumbprint,
  parseMasterEndpoint,
  parsePortNumber,
  parseSqlServerName,
  type ParseResult,
} from './validate';

type Check = (value: string) => ParseResult<string>;

const keepText =
  <T>(parse: (s: string) => ParseResult<T>): Check =>
  (s) => {
    const r = parse(s);
    return r.ok ? { ok: true, value: s, warnings: r.warnings } : r;
  };

/** Settings whose values the wizard writes get checked; they are written in canonical form. */
const CHECKS: Partial<Record<SettingName, Check>> = {
  SqlServerName: keepText(parseSqlServerName),
  MasterEndpoint: keepText(parseMasterEndpoint),
  PortNumber: (s) => {
    const r = parsePortNumber(s);
    return r.ok ? { ok: true, value: String(r.value), warnings: [] } : r;
  },
  SSLCertThumbprint: normalizeThumbprint,
  MasterHttpsCertThumbprint: normalizeThumbprint,
  WorkerHttpsCertThumbprint: normalizeThumbprint,
};

// Characters XML 1.0 cannot carry, plus tab/CR/LF, which no setting needs and parsers normalize.
const FORBIDDEN =
  /[\u0000-\u001F\u007F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The text to write for a setting, or an `invalid-value` error naming the file and element. */
export function prepareValue(
  element: SettingName,
  value: string,
  fileLabel: string,
): { text: string; warnings: string[] } {
  const invalid = (detail: string) =>
    new SettingsError('invalid-value', fileLabel, `<${element}>: ${detail}`, { element });
  const check = CHECKS[element];
  // Checked values first: normalizing a pasted thumbprint removes the invisible characters.
  const result = check ? check(value) : { ok: true as const, value, warnings: [] };
  if (!result.ok) throw invalid(result.error);
  if (FORBIDDEN.test(result.value))
    throw invalid('the value contains a control or non-XML character');
  if (result.value.trim() !== result.value)
    throw invalid('the value has leading or trailing whitespace');
  return { text: result.value, warnings: result.warnings };
}

/** Escapes text content. `>` too, so `]]>` can never appear. */
export function escapeXmlText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
