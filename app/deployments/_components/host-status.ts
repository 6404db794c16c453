import type { HostCheck } from '@/lib/net/reachability';

export type HostStatus = { state: 'checking' } | { state: 'done'; ok: boolean; text: string };

/** Asks the server whether a host resolves and its ports answer (3-second limit server-side). */
export async function fetchHostStatus(
  host: string,
  ports: { label: string; port: number; override?: string }[],
): Promise<HostStatus> {
  const res = await fetch('/api/host-check', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ host, ports: ports.map(({ port, override }) => ({ port, override })) }),
  });
  if (!res.ok) return { state: 'done', ok: false, text: res.status === 401 ? 'Sign in again to check hosts' : 'Could not check this host' };
  const { results } = (await res.json()) as { results: HostCheck[] };
  const parts = results.map((r, i) => {
    const label = ports[i]?.label ?? 'port';
    if (r.status === 'unresolved') return { ok: false, text: `${label}: ${r.message}` };
    const p = r.ports[0];
    const word = p?.status === 'open' ? 'reachable' : p?.status === 'refused' ? 'connection refused' : p?.status === 'timeout' ? 'no answer within 3 s' : 'unreachable';
    return { ok: p?.status === 'open', text: `${label} ${r.target} (${r.addresses.join(', ')}): ${word}` };
  });
  return { state: 'done', ok: parts.every((p) => p.ok), text: parts.map((p) => p.text).join(' · ') };
}
