import { decodeFile, type DecodedFile } from './encoding';
import { SettingsError } from './errors';
import { canonicalName, isKnownSetting, spellingsOf, type SettingName } from './names';
import { parseSettingsXml, type ChildElement, type ParsedSettingsXml } from './xml';

/** A settings file decoded and parsed, with the source positions the editor needs. */
export interface SettingsSource extends DecodedFile, ParsedSettingsXml {
  fileLabel: string;
}

export function loadSource(bytes: Uint8Array, fileLabel: string): SettingsSource {
  const decoded = decodeFile(bytes, fileLabel);
  return { ...decoded, ...parseSettingsXml(decoded.text, fileLabel), fileLabel };
}

/** XML whitespace, the only characters the value of a setting is trimmed of. */
export const trimXml = (s: string) => s.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');

/**
 * A known setting present more than once (in either spelling) is ambiguous: nobody knows which one
 * the service reads, so neither reading nor editing guesses.
 */
export function assertNoDuplicateKnownSettings(source: SettingsSource): void {
  const seen = new Map<string, ChildElement>();
  for (const child of source.children) {
    if (!isKnownSetting(child.local)) continue;
    const key = canonicalName(child.local);
    const first = seen.get(key);
    if (first) throw duplicateError(source, [first, child]);
    seen.set(key, child);
  }
}

/** The one element for a setting, in whichever documented spelling the file uses. */
export function findSetting(source: SettingsSource, name: SettingName): ChildElement | undefined {
  const spellings = spellingsOf(name);
  const matches = source.children.filter((c) => spellings.includes(c.local));
  if (matches.length > 1) throw duplicateError(source, matches);
  return matches[0];
}

function duplicateError(source: SettingsSource, elements: ChildElement[]): SettingsError {
  const names = [...new Set(elements.map((e) => `<${e.local}>`))].join(' and ');
  const lines = elements.map((e) => e.line).join(' and ');
  const first = elements[0];
  return new SettingsError(
    'duplicate-element',
    source.fileLabel,
    `${names} appears more than once (lines ${lines}); remove the extra one by hand`,
    { element: first?.local, line: first?.line },
  );
}
