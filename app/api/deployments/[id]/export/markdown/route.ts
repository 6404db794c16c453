import { exportHandlers } from '@/lib/runbook/http';

export const dynamic = 'force-dynamic';
const handlers = exportHandlers('markdown');

/** The built export (?file=<name> from POST), or built now. */
export function GET(request: Request, ctx: { params: Promise<{ id: string }> }) {
  return handlers.GET(request, ctx);
}

/** Builds the export, streaming its progress as NDJSON; the last line links the file. */
export function POST(request: Request, ctx: { params: Promise<{ id: string }> }) {
  return handlers.POST(request, ctx);
}
