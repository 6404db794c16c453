import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="mx-auto max-w-xl p-10">
      <h1 className="text-xl font-semibold">Not found</h1>
      <p className="mt-2 text-slate-600">There is no such page or deployment.</p>
      <Link className="mt-4 inline-block text-sky-700 underline" href="/deployments">
        Back to deployments
      </Link>
    </main>
  );
}
