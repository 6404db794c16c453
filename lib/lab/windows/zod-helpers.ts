import { z } from 'zod';

/**
 * A list of strings as PowerShell sends it: ConvertTo-Json writes a one-element array that went
 * through a subexpression as a bare string, so both shapes are accepted.
 */
export const strList = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]));
