// The one place T-SQL text is built from values that T-SQL cannot take as parameters: object
// names in DDL (CREATE LOGIN [x], ALTER AVAILABILITY GROUP [ag]) and the password literal that
// CREATE/ALTER LOGIN requires. Everything else travels as a parameter.

export class SqlQuoteError extends Error {
  readonly code = 'SQL_BAD_IDENTIFIER' as const;
}

// sysname is nvarchar(128). Control characters have no business in a login or group name and
// would make the statement unreadable in a plan.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** `[name]` with `]` doubled, after checking the name is a valid sysname. */
export function quoteName(name: string, what = 'name'): string {
  if (name.length === 0) throw new SqlQuoteError(`The ${what} is empty`);
  if (name.length > 128) throw new SqlQuoteError(`The ${what} is longer than 128 characters`);
  if (CONTROL.test(name)) throw new SqlQuoteError(`The ${what} contains a control character`);
  if (name !== name.trim()) throw new SqlQuoteError(`The ${what} starts or ends with a space`);
  return `[${name.replace(/]/g, ']]')}]`;
}

/** A multi-part name, each part quoted: ['SSISDB', 'catalog', 'worker_agents'] → [SSISDB].[catalog].[worker_agents]. */
export function quoteParts(...parts: string[]): string {
  return parts.map((p) => quoteName(p)).join('.');
}

/** `N'text'` with `'` doubled: the only form CREATE LOGIN … WITH PASSWORD accepts. */
export function quoteNString(value: string): string {
  if (/\u0000/.test(value)) throw new SqlQuoteError('The value contains a NUL character');
  return `N'${value.replace(/'/g, "''")}'`;
}

/** `0x…` for a varbinary literal (a login SID). */
export function hexLiteral(bytes: Uint8Array): string {
  if (bytes.length === 0 || bytes.length > 85) throw new SqlQuoteError('A SID has 1 to 85 bytes');
  return `0x${Buffer.from(bytes).toString('hex').toUpperCase()}`;
}

/** What a plan shows instead of a secret literal. */
export const MASKED = "N'********'";
