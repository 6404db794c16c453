import type { ReactNode } from 'react';

/** Label + control + error/hint, wired with aria-describedby so screen readers and tests find them. */
export function Field({
  id,
  label,
  error,
  hint,
  children,
}: {
  id: string;
  label: string;
  error?: string;
  hint?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium text-slate-700">
        {label}
      </label>
      {children}
      {hint ? (
        <div id={`${id}-hint`} className="text-xs text-slate-500">
          {hint}
        </div>
      ) : null}
      <p id={`${id}-error`} aria-live="polite" className="min-h-4 text-xs text-red-700">
        {error}
      </p>
    </div>
  );
}

export const inputClass =
  'rounded-md border border-slate-300 px-2 py-1.5 text-sm shadow-sm focus:border-sky-600 focus:outline-none aria-[invalid=true]:border-red-600';
