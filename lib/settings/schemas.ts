import { z } from 'zod';
import {
  normalizeThumbprint,
  parseMasterEndpoint,
  parsePortNumber,
  parseSqlServerName,
  type ParseResult,
} from './validate';

/** A trimmed string checked by one of the parse functions; its output is the parser's value. */
function parsed<T>(parse: (s: string) => ParseResult<T>) {
  return z
    .string()
    .trim()
    .transform((input, ctx) => {
      const result = parse(input);
      if (result.ok) return result.value;
      ctx.addIssue({ code: 'custom', message: result.error, input });
      return z.NEVER;
    });
}

/** Keeps the text (what goes into the file) while checking it. */
function checked<T>(parse: (s: string) => ParseResult<T>) {
  return z
    .string()
    .trim()
    .superRefine((input, ctx) => {
      const result = parse(input);
      if (!result.ok) ctx.addIssue({ code: 'custom', message: result.error, input });
    });
}

/** `host`, `host,port` or `host\instance`; output is the trimmed text. */
export const sqlServerNameSchema = checked(parseSqlServerName);

/** `https://host:port`; output is the trimmed text. A missing port passes (443); see `parseMasterEndpoint` for the warning. */
export const masterEndpointSchema = checked(parseMasterEndpoint);

/** Output is the normalized thumbprint: 40 upper-case hex characters. */
export const thumbprintSchema = parsed(normalizeThumbprint);

/** Output is the port as a number. */
export const portNumberSchema = parsed(parsePortNumber);
