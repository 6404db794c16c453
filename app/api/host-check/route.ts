import { z } from 'zod';
import { getCurrentUser } from '@/lib/auth/session';
import { checkHost } from '@/lib/net/reachability';
import { addressOverride, isHost, port } from '@/lib/inventory/rules';

const bodySchema = z.object({
  host: z.string().trim().min(1).max(253).refine(isHost, { error: 'Not a host name' }),
  ports: z.array(z.object({ port: port('port'), override: addressOverride('override').optional() })).min(1).max(4),
});

// A route handler rather than a server action: actions run one at a time per browser, and a
// 3-second reachability test must never hold up typing or the form's submit.
export async function POST(request: Request): Promise<Response> {
  if (!(await getCurrentUser())) return Response.json({ error: 'Sign in first' }, { status: 401 });
  const parsed = bodySchema.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return Response.json({ error: 'Invalid request' }, { status: 400 });
  const results = await checkHost(
    parsed.data.host,
    parsed.data.ports.map((p) => ({ port: p.port, override: p.override || undefined })),
  );
  return Response.json({ results });
}
