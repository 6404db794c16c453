'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useState, useTransition, type ReactNode } from 'react';
import { get, useFieldArray, useForm, type Path } from 'react-hook-form';
import { Button } from '@/components/ui/button';
import { Field, inputClass } from '@/components/ui/field';
import {
  emptyMaster,
  inventorySchema,
  TRUST_MODES,
  WINRM_TRANSPORTS,
  type Inventory,
  type InventoryInput,
  type SecretField,
} from '@/lib/inventory/schema';
import { saveInventoryAction } from '../actions';
import { fetchHostStatus, type HostStatus } from './host-status';

type Props = { deploymentId: string | null; defaults: InventoryInput; secretsSet: Record<SecretField, boolean> };

export function InventoryForm({ deploymentId, defaults, secretsSet }: Props) {
  const form = useForm<InventoryInput, unknown, Inventory>({
    resolver: zodResolver(inventorySchema),
    defaultValues: defaults,
    mode: 'onTouched',
  });
  const { register, control, handleSubmit, setError, getValues, watch, formState } = form;
  const masters = useFieldArray({ control, name: 'masters' });
  const workers = useFieldArray({ control, name: 'workers' });
  const [pending, start] = useTransition();
  const [message, setMessage] = useState('');
  const [hosts, setHosts] = useState<Record<string, HostStatus>>({});
  const trustMode = watch('trustMode');

  const err = (name: string): string | undefined => (get(formState.errors, name) as { message?: string } | undefined)?.message;

  const checkField = (key: string, host: string, ports: { label: string; port: number; override?: string }[]) => {
    if (!host.trim()) return;
    setHosts((h) => ({ ...h, [key]: { state: 'checking' } }));
    void fetchHostStatus(host.trim(), ports).then((s) => setHosts((h) => ({ ...h, [key]: s })));
  };
  const winrmPort = () => WINRM_TRANSPORTS[getValues('winrmTransport')].defaultPort;
  const checkMaster = (i: number) => {
    const m = getValues(`masters.${i}`);
    checkField(`masters.${i}.hostName`, m.hostName, [
      { label: 'WinRM', port: winrmPort(), override: m.winrmAddress || undefined },
      { label: 'SQL', port: Number(m.sqlPort) || 1433, override: m.sqlAddress || undefined },
    ]);
  };
  const checkWorker = (i: number) => {
    const w = getValues(`workers.${i}`);
    checkField(`workers.${i}.hostName`, w.hostName, [{ label: 'WinRM', port: winrmPort(), override: w.winrmAddress || undefined }]);
  };

  const onValid = () =>
    start(async () => {
      setMessage('');
      const result = await saveInventoryAction(deploymentId, getValues());
      if (result.status === 'invalid') {
        for (const [name, messages] of Object.entries(result.fieldErrors)) {
          setError(name as Path<InventoryInput>, { type: 'server', message: messages[0] });
        }
        setMessage(result.message);
      } else if (result.status === 'error') {
        setMessage(result.message);
      }
    });

  const text = (name: Path<InventoryInput>, label: string, opts: { hint?: ReactNode; number?: boolean; onBlur?: () => void; placeholder?: string } = {}) => (
    <Field id={name} label={label} error={err(name)} hint={opts.hint}>
      <input
        id={name}
        type={opts.number ? 'number' : 'text'}
        placeholder={opts.placeholder}
        className={inputClass}
        aria-invalid={!!err(name)}
        aria-describedby={`${name}-error${opts.hint ? ` ${name}-hint` : ''}`}
        {...register(name, { valueAsNumber: opts.number, onBlur: opts.onBlur })}
      />
    </Field>
  );
  const secret = (name: SecretField, label: string) =>
    <Field id={name} label={label} error={err(name)} hint={secretsSet[name] ? 'Stored: set. Leave empty to keep it, or type a new one to replace it.' : 'Stored: not set.'}>
      <input id={name} type="password" autoComplete="new-password" className={inputClass} aria-invalid={!!err(name)} aria-describedby={`${name}-error ${name}-hint`} {...register(name)} />
    </Field>;
  const select = (name: Path<InventoryInput>, label: string, options: Record<string, string>) => (
    <Field id={name} label={label} error={err(name)}>
      <select id={name} className={inputClass} aria-invalid={!!err(name)} aria-describedby={`${name}-error`} {...register(name)}>
        {Object.entries(options).map(([v, l]) => (
          <option key={v} value={v}>{l}</option>
        ))}
      </select>
    </Field>
  );
  const hostHint = (key: string) => {
    const s = hosts[key];
    if (!s) return undefined;
    if (s.state === 'checking') return <span role="status">Checking…</span>;
    return <span role="status" className={s.ok ? 'text-emerald-700' : 'text-amber-700'}>{s.text}</span>;
  };

  return (
    <form onSubmit={handleSubmit(onValid)} noValidate className="flex flex-col gap-6">
      <Section title="Deployment">
        {text('name', 'Deployment name')}
        {text('clusterName', 'Cluster name', { hint: 'The Windows failover cluster (its computer name).' })}
        {select('sqlVersion', 'SQL Server version', { '2017': 'SQL Server 2017 (140)', '2019': 'SQL Server 2019 (150)', '2022': 'SQL Server 2022 (160)' })}
      </Section>

      <Section title="Master nodes" wide>
        {masters.fields.map((f, i) => (
          <fieldset key={f.id} className="grid grid-cols-1 gap-3 rounded-md border border-slate-200 p-3 md:grid-cols-3" aria-label={`Master node ${i + 1}`}>
            <legend className="px-1 text-sm font-medium">Master node {i + 1}{i === 0 ? ' (primary)' : ''}</legend>
            {text(`masters.${i}.hostName`, 'Host name', { onBlur: () => checkMaster(i), hint: hostHint(`masters.${i}.hostName`) })}
            {text(`masters.${i}.fqdn`, 'FQDN (optional)')}
            {text(`masters.${i}.sqlInstance`, 'SQL instance')}
            {text(`masters.${i}.sqlPort`, 'SQL port', { number: true })}
            {text(`masters.${i}.winrmAddress`, 'Connect WinRM to (optional)', { placeholder: 'address:port', onBlur: () => checkMaster(i) })}
            {text(`masters.${i}.sqlAddress`, 'Connect SQL to (optional)', { placeholder: 'address:port', onBlur: () => checkMaster(i) })}
            {masters.fields.length > 2 ? (
              <div><Button type="button" variant="secondary" onClick={() => masters.remove(i)}>Remove node {i + 1}</Button></div>
            ) : null}
          </fieldset>
        ))}
        <p className="text-xs text-red-700">{err('masters')}</p>
        <div><Button type="button" variant="secondary" onClick={() => masters.append(emptyMaster())}>Add master node</Button></div>
      </Section>

      <Section title="Availability group">
        {text('agName', 'Availability group name')}
        {text('listenerName', 'Listener DNS name')}
        {text('listenerPort', 'Listener port', { number: true })}
        {text('listenerIps', 'Listener IP address(es)', { hint: 'Separate several with commas.' })}
        {text('listenerAddress', 'Connect to the listener at (optional)', { placeholder: 'address:port' })}
      </Section>

      <Section title="Scale Out Master">
        {text('masterDnsName', 'Master service DNS host name', { hint: 'The client access point of the cluster role; workers connect to it.' })}
        {text('masterIp', 'Master service static IP')}
        {text('masterPort', 'Master port', { number: true })}
        {text('masterAddress', 'Connect to the master endpoint at (optional)', { placeholder: 'address:port' })}
        {text('masterAccount', 'Master service account', { placeholder: 'DOMAIN\\user' })}
        {secret('masterAccountPassword', 'Master service account password')}
      </Section>

      <Section title="Scale Out Workers" wide>
        {workers.fields.map((f, i) => (
          <fieldset key={f.id} className="grid grid-cols-1 gap-3 rounded-md border border-slate-200 p-3 md:grid-cols-3" aria-label={`Worker ${i + 1}`}>
            <legend className="px-1 text-sm font-medium">Worker {i + 1}</legend>
            {text(`workers.${i}.hostName`, 'Worker host name', { onBlur: () => checkWorker(i), hint: hostHint(`workers.${i}.hostName`) })}
            {text(`workers.${i}.winrmAddress`, 'Connect WinRM to (optional)', { placeholder: 'address:port', onBlur: () => checkWorker(i) })}
            <div className="self-center"><Button type="button" variant="secondary" onClick={() => workers.remove(i)}>Remove worker {i + 1}</Button></div>
          </fieldset>
        ))}
        <div><Button type="button" variant="secondary" onClick={() => workers.append({ hostName: '', winrmAddress: '' })}>Add worker</Button></div>
      </Section>

      <Section title="Connections">
        {select('winrmTransport', 'WinRM transport', Object.fromEntries(Object.entries(WINRM_TRANSPORTS).map(([k, v]) => [k, v.label])))}
        {text('winrmUser', 'WinRM user', { placeholder: 'DOMAIN\\admin' })}
        {secret('winrmPassword', 'WinRM password')}
        {select('sqlAuth', 'SQL authentication', { sql: 'SQL Server authentication', windows: 'Windows authentication (NTLM)' })}
        {text('sqlUser', 'SQL user')}
        {secret('sqlPassword', 'SQL password')}
        {select('trustMode', 'Trust server certificates using', TRUST_MODES)}
        {trustMode === 'ca' ? (
          <Field id="trustCaPem" label="Trusted CA certificate(s), PEM" error={err('trustCaPem')}>
            <textarea id="trustCaPem" rows={4} className={`${inputClass} font-mono`} aria-invalid={!!err('trustCaPem')} aria-describedby="trustCaPem-error" {...register('trustCaPem')} />
          </Field>
        ) : null}
        {trustMode === 'thumbprint' ? text('trustThumbprint', 'Pinned certificate thumbprint') : null}
        {trustMode === 'insecure' ? (
          <p role="alert" className="text-sm font-medium text-red-700 md:col-span-3">
            Unsafe: server certificates will not be verified, so anyone on the network path can read the credentials sent.
          </p>
        ) : null}
      </Section>

      <div className="flex items-center gap-4">
        <Button type="submit" disabled={pending}>
          {pending ? 'Saving…' : deploymentId ? 'Save inventory' : 'Create deployment'}
        </Button>
        <p role="status" aria-live="polite" className="text-sm text-red-700">{message}</p>
      </div>
    </form>
  );
}

function Section({ title, wide = false, children }: { title: string; wide?: boolean; children: ReactNode }) {
  return (
    <section aria-label={title} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 className="mb-3 font-semibold text-slate-800">{title}</h2>
      <div className={wide ? 'flex flex-col gap-3' : 'grid grid-cols-1 gap-3 md:grid-cols-3'}>{children}</div>
    </section>
  );
}
