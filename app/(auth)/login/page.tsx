import { redirect } from 'next/navigation';
import { connection } from 'next/server';
import { getCurrentUser, needsFirstRun } from '@/lib/auth/session';
import { signInAction } from '../actions';
import { CredentialsForm } from '../credentials-form';

export default async function LoginPage() {
  await connection(); // decided per request: never prerendered at build time
  if (await needsFirstRun()) redirect('/setup');
  if (await getCurrentUser()) redirect('/deployments');
  return (
    <main className="mx-auto mt-24 max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="mb-1 text-xl font-semibold">Sign in</h1>
      <p className="mb-4 text-sm text-slate-600">SSIS Scale Out HA wizard</p>
      <CredentialsForm action={signInAction} submitLabel="Sign in" />
    </main>
  );
}
