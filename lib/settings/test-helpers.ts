import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';

export const FIXTURES = [
  'MasterSettings.config',
  'MasterSettings.utf16le.config',
  'MasterSettings.annotated.config',
  'MasterSettings.self-closing.config',
  'MasterSettings.prefixed.config',
  'WorkerSettings.config',
  'WorkerSettings.localized.config',
] as const;

export function fixture(name: (typeof FIXTURES)[number]): Buffer {
  return fs.readFileSync(path.join(__dirname, 'fixtures', name));
}

export const utf16 = (s: string) => Buffer.from(s, 'utf16le');
export const utf8 = (s: string) => Buffer.from(s, 'utf8');

/**
 * Asserts that `after` is `before` with exactly `oldBytes` at byte offset `at` replaced by
 * `newBytes`: every byte before and after is identical.
 */
export function expectOnlyReplaced(
  before: Buffer,
  after: Buffer,
  at: number,
  oldBytes: Buffer,
  newBytes: Buffer,
) {
  expect(before.subarray(at, at + oldBytes.length).equals(oldBytes)).toBe(true);
  expect(after.length).toBe(before.length - oldBytes.length + newBytes.length);
  expect(after.subarray(0, at).equals(before.subarray(0, at))).toBe(true);
  expect(after.subarray(at, at + newBytes.length).equals(newBytes)).toBe(true);
  expect(after.subarray(at + newBytes.length).equals(before.subarray(at + oldBytes.length))).toBe(
    true,
  );
}

/** The `-` and `+` lines of a unified diff, without the `---`/`+++` headers. */
export function changedLines(diff: string): { removed: string[]; added: string[] } {
  const lines = diff.split('\n');
  return {
    removed: lines.filter((l) => l.startsWith('-') && !l.startsWith('---')),
    added: lines.filter((l) => l.startsWith('+') && !l.startsWith('+++')),
  };
}

/** Runs `fn`, expecting a thrown error, and returns it for inspection. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error, none was thrown');
}
