import Link from 'next/link';
import type { ReactNode } from 'react';
import type { User } from '@/lib/store/repo';
import { signOutAction } from '../(auth)/actions';

export function AppShell({ user, children }: { user: User; children: ReactNode }) {
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl items-center justify-between px-6 py-3">
          <Link href="/deployments" className="font-semibold text-slate-800">
            SSIS Scale Out HA wizard
          </Link>
          <form action={signOutAction} className="flex items-center gap-3 text-sm text-slate-600">
            <span>Signed in as {user.username}</span>
            <button type="submit" className="text-sky-700 underline">
              Sign out
            </button>
          </form>
        </div>
      </header>
      <div className="mx-auto max-w-6xl px-6 py-6">{children}</div>
    </div>
  );
}
