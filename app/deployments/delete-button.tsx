'use client';

import { useRef, useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { deleteDeploymentAction } from './actions';

export function DeleteDeploymentButton({ id, name }: { id: string; name: string }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [pending, start] = useTransition();
  const [message, setMessage] = useState('');
  return (
    <>
      <Button variant="secondary" onClick={() => dialog.current?.showModal()} aria-label={`Delete ${name}`}>
        Delete
      </Button>
      <dialog ref={dialog} aria-labelledby={`del-${id}`} className="m-auto rounded-lg p-5 shadow-xl backdrop:bg-black/30">
        <h2 id={`del-${id}`} className="font-semibold">
          Delete “{name}”?
        </h2>
        <p className="mt-2 max-w-sm text-sm text-slate-600">
          The wizard forgets this deployment, its step state and its stored secrets. Nothing on the servers changes. The audit log keeps its entries.
        </p>
        <p role="status" className="text-sm text-red-700">{message}</p>
        <div className="mt-4 flex justify-end gap-2">
          <Button variant="secondary" onClick={() => dialog.current?.close()}>
            Cancel
          </Button>
          <Button
            variant="danger"
            disabled={pending}
            onClick={() =>
              start(async () => {
                const r = await deleteDeploymentAction(id);
                if (r.status === 'ok') dialog.current?.close();
                else if (r.status === 'error') setMessage(r.message);
              })
            }
          >
            {pending ? 'Deleting…' : 'Delete deployment'}
          </Button>
        </div>
      </dialog>
    </>
  );
}
