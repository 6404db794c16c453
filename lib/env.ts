import 'server-only';
import path from 'node:path';
import { z } from 'zod';

// The only module that reads process.env for the wizard's own settings.
const envSchema = z.object({
  WIZARD_DATA_DIR: z.string().min(1).default('data'),
  WIZARD_SECRET_KEY: z
    .string()
    .regex(/^(?:[0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, {
      error: 'WIZARD_SECRET_KEY must be 32 bytes as 64 hex characters or base64',
    })
    .optional(),
  WIZARD_ADMIN_USER: z.string().min(1).default('admin'),
  WIZARD_ADMIN_PASSWORD: z.string().min(12, { error: 'WIZARD_ADMIN_PASSWORD needs 12 characters or more' }).optional(),
  WIZARD_DEMO: z.enum(['0', '1']).default('0'),
  /** The built-in lab's endpoints.json: the demo deployment is made from it. */
  WIZARD_LAB_ENDPOINTS: z.string().optional(),
  WIZARD_COOKIE_SECURE: z.enum(['auto', '0', '1']).default('auto'),
});

export type WizardEnv = z.infer<typeof envSchema> & { dataDir: string };

export function readEnv(source: NodeJS.ProcessEnv = process.env): WizardEnv {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid environment: ${detail}`);
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.WIZARD_DATA_DIR) };
}
