import { getCurrentUser } from '@/lib/auth/session';
import { eventsSince, getJob, jobBus } from '@/lib/engine/jobs';
import type { JobEvent } from '@/lib/engine/types';
import { getRuntime } from '@/lib/runtime';

export const dynamic = 'force-dynamic';

/**
 * A job's progress as server-sent events: first what is recorded (after Last-Event-ID, so a
 * reconnecting browser misses nothing and repeats nothing), then live events until the job ends.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  if (!(await getCurrentUser())) return Response.json({ error: 'Sign in first' }, { status: 401 });
  const { id } = await params;
  const { db } = await getRuntime();
  if (!getJob(db, id)) return Response.json({ error: 'No such job' }, { status: 404 });
  const after = Number(request.headers.get('last-event-id') ?? new URL(request.url).searchParams.get('after') ?? 0) || 0;

  const encoder = new TextEncoder();
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let last = after;
      let closed = false;
      const send = (e: JobEvent) => {
        if (closed || e.seq <= last) return;
        last = e.seq;
        controller.enqueue(encoder.encode(`id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`));
        if (e.type === 'job') close();
      };
      const listener = (e: JobEvent) => send(e);
      const close = () => {
        if (closed) return;
        closed = true;
        cleanup();
        controller.close();
      };
      cleanup = () => jobBus.off(id, listener);
      // Subscribe first, then replay: an event landing in between is sent once (seq check).
      jobBus.on(id, listener);
      for (const e of eventsSince(db, id, after)) send(e);
      if (!closed && getJob(db, id)?.status !== 'running') close();
      request.signal.addEventListener('abort', close);
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive' },
  });
}
