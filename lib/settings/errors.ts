/** Every way reading or editing a settings file can fail. Closed: callers switch on it. */
export type SettingsErrorCode =
  | 'unsupported-encoding'
  | 'malformed-xml'
  | 'unsupported-content'
  | 'missing-element'
  | 'duplicate-element'
  | 'conflicting-edits'
  | 'invalid-value';

export interface SettingsErrorDetails {
  element?: string;
  line?: number;
  column?: number;
}

/**
 * A settings file could not be read or edited. The message always starts with the file label
 * (e.g. `MasterSettings.config on SQLNODE1`) and names the element when there is one.
 */
export class SettingsError extends Error {
  readonly code: SettingsErrorCode;
  readonly fileLabel: string;
  readonly element: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(
    code: SettingsErrorCode,
    fileLabel: string,
    detail: string,
    where: SettingsErrorDetails = {},
  ) {
    super(`${fileLabel}: ${detail}`);
    this.name = 'SettingsError';
    this.code = code;
    this.fileLabel = fileLabel;
    this.element = where.element;
    this.line = where.line;
    this.column = where.column;
  }
}

export function isSettingsError(e: unknown): e is SettingsError {
  return e instanceof SettingsError;
}
