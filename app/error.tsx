'use client';

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="mx-auto max-w-xl p-10">
      <h1 className="text-xl font-semibold">Something went wrong</h1>
      <p className="mt-2 text-slate-600">
        The wizard hit an unexpected error{error.digest ? ` (reference ${error.digest}, see the server log)` : ''}.
      </p>
      <button className="mt-4 rounded-md bg-sky-700 px-3 py-1.5 text-sm text-white" onClick={reset}>
        Try again
      </button>
    </main>
  );
}
