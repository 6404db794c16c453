// The export route handlers' shared body. POST builds the export and streams its progress as
// NDJSON lines ({"stage"} ... then {"done","href"} or {"error"}); the built file waits under
// the data folder for GET ?file=<name>. GET without a file builds and answers in one go.
import 'server-only';
import { getCurrentUser } from '@/lib/auth/session';
import { getRuntime, type Runtime } from '@/lib/runtime';
import { getDeployment, type Deployment, type User } from '@/lib/store/repo';
import { rememberOrigin, selfOrigin } from './chromium';
import { exportMarkdown, exportPdf, exportScripts, type Progress } from './export';
import { readExport, storeExport, type ExportKind } from './storage';

type Ctx = { params: Promise<{ id: string }> };

const TYPES: Record<ExportKind, { type: string; file: (name: string) => string }> = {
  markdown: { type: 'application/zip', file: (n) => `runbook-${n}.zip` },
  pdf: { type: 'application/pdf', file: (n) => `runbook-${n}.pdf` },
  scripts: { type: 'application/zip', file: (n) => `scripts-${n}.zip` },
};

const slugName = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'deployment';

async function build(kind: ExportKind, id: string, actor: string, origin: string, progress: Progress): Promise<Buffer> {
  const rt = await getRuntime();
  if (kind === 'markdown') return exportMarkdown(rt, { deploymentId: id, actor, origin, progress });
  if (kind === 'pdf') return exportPdf(rt, { deploymentId: id, actor, origin, progress });
  return exportScripts(rt, { deploymentId: id, actor, progress });
}

type Guarded = { error: Response } | { error?: undefined; user: User; id: string; rt: Runtime; deployment: Deployment };

async function guard(ctx: Ctx): Promise<Guarded> {
  const user = await getCurrentUser();
  if (!user) return { error: Response.json({ error: 'Sign in first' }, { status: 401 }) };
  const { id } = await ctx.params;
  const rt = await getRuntime();
  const deployment = getDeployment(rt.db, id);
  if (!deployment) return { error: Response.json({ error: 'No such deployment' }, { status: 404 }) };
  return { user, id, rt, deployment };
}

export function exportHandlers(kind: ExportKind) {
  return {
    async GET(request: Request, ctx: Ctx): Promise<Response> {
      const g = await guard(ctx);
      if (g.error) return g.error;
      rememberOrigin(new URL(request.url).origin);
      const origin = selfOrigin();
      const name = new URL(request.url).searchParams.get('file');
      let data: Buffer | null;
      if (name !== null) {
        data = readExport(g.rt, g.id, kind, name);
        if (!data) return Response.json({ error: 'That export is gone or never was: build it again' }, { status: 404 });
      } else {
        try {
          data = await build(kind, g.id, g.user.username, origin, () => undefined);
        } catch (e) {
          return Response.json({ error: e instanceof Error ? e.message : String(e) }, { status: 500 });
        }
      }
      return new Response(new Uint8Array(data), {
        headers: {
          'content-type': TYPES[kind].type,
          'content-disposition': `attachment; filename="${TYPES[kind].file(slugName(g.deployment.name))}"`,
          'cache-control': 'no-store',
        },
      });
    },

    async POST(request: Request, ctx: Ctx): Promise<Response> {
      const g = await guard(ctx);
      if (g.error) return g.error;
      rememberOrigin(new URL(request.url).origin);
      const origin = selfOrigin();
      const encoder = new TextEncoder();
      const stream = new ReadableStream<Uint8Array>({
        async start(controller) {
          const send = (o: object) => {
            try {
              controller.enqueue(encoder.encode(`${JSON.stringify(o)}\n`));
            } catch {
              // the browser went away; the build finishes anyway
            }
          };
          try {
            const data = await build(kind, g.id, g.user.username, origin, (stage) => send({ stage }));
            const file = storeExport(g.rt, g.id, kind, data);
            send({ done: true, bytes: data.length, href: `/api/deployments/${g.id}/export/${kind}?file=${file}` });
          } catch (e) {
            send({ error: e instanceof Error ? e.message : String(e) });
          } finally {
            try {
              controller.close();
            } catch {
              // already closed
            }
          }
        },
      });
      return new Response(stream, { headers: { 'content-type': 'application/x-ndjson', 'cache-control': 'no-cache, no-transform' } });
    },
  };
}
