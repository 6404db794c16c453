'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';

const KINDS = [
  { kind: 'markdown', label: 'Markdown (zip)' },
  { kind: 'pdf', label: 'PDF' },
  { kind: 'scripts', label: 'Script bundle (zip)' },
] as const;

type Kind = (typeof KINDS)[number]['kind'];
type State = { kind: Kind; stages: string[]; href?: string; error?: string; running: boolean } | null;

/** Each export is built by its route, which streams its stages (NDJSON) and then links the file. */
export function ExportButtons({ deploymentId }: { deploymentId: string }) {
  const [state, setState] = useState<State>(null);

  async function run(kind: Kind) {
    setState({ kind, stages: ['Starting'], running: true });
    try {
      const res = await fetch(`/api/deployments/${deploymentId}/export/${kind}`, { method: 'POST' });
      if (!res.ok || !res.body) throw new Error(`The server answered ${res.status}`);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines.filter(Boolean)) {
          const msg = JSON.parse(line) as { stage?: string; done?: boolean; href?: string; error?: string };
          if (msg.stage) setState((s) => s && { ...s, stages: [...s.stages, msg.stage!] });
          if (msg.error) setState((s) => s && { ...s, error: msg.error, running: false });
          if (msg.done && msg.href) {
            setState((s) => s && { ...s, href: msg.href, running: false });
            window.location.assign(msg.href);
          }
        }
      }
      setState((s) => (s && s.running ? { ...s, running: false, error: s.error ?? 'The export stopped before it was finished.' } : s));
    } catch (e) {
      setState((s) => s && { ...s, running: false, error: e instanceof Error ? e.message : String(e) });
    }
  }

  const busy = !!state?.running;
  return (
    <div className="flex flex-col gap-3 print:hidden">
      <div className="flex flex-wrap gap-2">
        {KINDS.map((k) => (
          <Button key={k.kind} variant="secondary" disabled={busy} onClick={() => void run(k.kind)}>
            Export {k.label}
          </Button>
        ))}
      </div>
      {state ? (
        <div className="text-sm" aria-label="Export progress">
          <p role="status" className="flex items-center gap-2 text-slate-700">
            {state.running ? <span className="inline-block h-3 w-3 animate-spin rounded-full border-2 border-sky-700 border-t-transparent" aria-hidden /> : null}
            {state.error
              ? `Export failed: ${state.error}`
              : state.href
                ? 'Export ready: the download has started.'
                : `${state.stages.at(-1)}…`}
          </p>
          {state.href ? (
            <a className="text-sky-700 underline" href={state.href}>
              Download again
            </a>
          ) : null}
          <ol className="mt-1 list-inside list-decimal text-xs text-slate-500">
            {state.stages.map((s, i) => (
              <li key={i}>{s}</li>
            ))}
          </ol>
        </div>
      ) : null}
    </div>
  );
}
