import { redirect } from 'next/navigation';
import { connection } from 'next/server';
import { needsFirstRun } from '@/lib/auth/session';
import { firstRunAction } from '../actions';
import { CredentialsForm } from '../credentials-form';

// Reachable only while no user exists: the first visitor creates the administrator.
export default async function FirstRunPage() {
  await connection();
  if (!(await needsFirstRun())) redirect('/login');
  return (
    <main className="mx-auto mt-24 max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="mb-1 text-xl font-semibold">Create the administrator</h1>
      <p className="mb-4 text-sm text-slate-600">
        First start: choose the account that signs in to this wizard. For unattended starts set WIZARD_ADMIN_PASSWORD instead.
      </p>
      <CredentialsForm action={firstRunAction} submitLabel="Create and sign in" confirm />
    </main>
  );
}
