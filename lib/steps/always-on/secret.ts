// The SSISDB database master key password: one more deployment secret, kept by this step.
import type { SecretField } from '@/lib/inventory/schema';
import type { StepContext } from '../context';

export const DMK_SECRET = 'ssisdbMasterKeyPassword';

/**
 * StepContext.secret is typed to the inventory's secret fields; the store itself keys secrets by
 * any name (lib/store/repo.ts), so this one is read through a widened name until the context
 * lists it.
 */
export function dmkPassword(ctx: Pick<StepContext, 'secret'>): string | undefined {
  return ctx.secret(DMK_SECRET as SecretField) || undefined;
}
