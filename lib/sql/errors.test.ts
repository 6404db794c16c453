import { describe, expect, it } from 'vitest';
import { describeSqlError } from './errors';

describe('SQL error mapping', () => {
  it.each([
    [18456, 8, 'LOGIN_FAILED', /the password is wrong/],
    [18456, 5, 'LOGIN_FAILED', /the login does not exist/],
    [18456, 7, 'LOGIN_FAILED', /disabled/],
    [18452, 1, 'LOGIN_WINDOWS_ONLY', /mixed mode/],
    [4060, 1, 'DATABASE_UNAVAILABLE', /same SID/],
    [229, 5, 'PERMISSION_DENIED', /sysadmin/],
    [297, 1, 'PERMISSION_DENIED', /permission denied/],
    [208, 1, 'OBJECT_NOT_FOUND', /SSISDB/],
    [15025, 2, 'LOGIN_EXISTS', /already exists/],
    [976, 1, 'SECONDARY_NOT_READABLE', /does not allow reads/],
    [978, 1, 'SECONDARY_NOT_READABLE', /listener/],
    [983, 1, 'DATABASE_READ_ONLY', /primary/],
    [3906, 1, 'DATABASE_READ_ONLY', /primary/],
  ] as const)('maps %i state %i to %s', (num, state, code, text) => {
    const p = describeSqlError(num, state, "The server principal 'x' already exists.", 'SQLNODE1');
    expect(p.code).toBe(code);
    expect(p.message).toMatch(text);
    expect(p.message).toContain('SQLNODE1');
  });

  it('reads 18452 by the kind of login that was refused', () => {
    expect(describeSqlError(18452, 1, 'Login failed.', 'SQLNODE1', 'sql').code).toBe(
      'LOGIN_WINDOWS_ONLY',
    );
    const windows = describeSqlError(18452, 1, 'Login failed.', 'SQLNODE1', 'windows');
    expect(windows.code).toBe('LOGIN_WINDOWS_FAILED');
    expect(windows.message).toMatch(/^SQLNODE1 refused the Windows \(NTLM\) login/);
  });

  it('keeps an unknown error with its number', () => {
    expect(describeSqlError(12345, 1, 'Odd.', 'SQLNODE2')).toMatchObject({
      code: 'SQL_ERROR',
      message: 'SQLNODE2: Odd. (error 12345)',
    });
  });
});
