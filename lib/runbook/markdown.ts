// runbook.md: one section per step of the registry, with its screenshot (images/NN-slug.png),
// its checks and evidence, every job with its operations, exact scripts and results, the plan
// still open, and the versions read from the nodes.
import { STEP_STATUS_LABELS } from '@/lib/steps/registry';
import { beforeAfterRows } from './history';
import { formatDuration, type Runbook, type RunbookStep } from './model';

const cell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
const fence = (text: string, lang: string) => {
  const ticks = '`'.repeat(Math.max(3, ...[...text.matchAll(/`{3,}/g)].map((m) => m[0].length + 1)));
  return `${ticks}${lang}\n${text.trimEnd()}\n${ticks}`;
};
const lang = (kind: string) => (kind === 'tsql' ? 'sql' : kind === 'manual' ? 'text' : 'powershell');

export const imageName = (s: Pick<RunbookStep, 'number' | 'slug'>) => `images/${String(s.number).padStart(2, '0')}-${s.slug}.png`;

function stepSection(s: RunbookStep): string[] {
  const out = [`## Step ${s.number}: ${s.title}`, '', s.summary, '', `**Status:** ${STEP_STATUS_LABELS[s.status]}${s.live ? '' : ' (this step is not live in the wizard yet)'}`, ''];
  if (s.screenshot) out.push(`![Step ${s.number}: ${s.title}, as the wizard showed it on ${s.screenshot.capturedAt}](${imageName(s)})`, '');
  else out.push('_No screenshot of this step._', '');

  out.push('### Checks', '');
  if (s.checks.length) {
    out.push(`Read from the nodes at ${s.checkedAt ?? 'an unknown time'}:`, '', '| Check | Target | Status | Evidence |', '|---|---|---|---|');
    for (const c of s.checks) out.push(`| ${cell(c.title)} | ${cell(c.target)} | ${c.status} | ${cell(c.evidence)} |`);
  } else out.push(s.live ? '_Not checked yet._' : '_No live checks for this step yet._');
  out.push('');

  out.push('### Operations applied', '');
  if (!s.jobs.length) out.push('_None: the wizard applied nothing for this step._', '');
  for (const job of s.jobs) {
    out.push(
      `#### Job ${job.id}: ${job.status}`,
      '',
      `Applied by **${job.actor}**, started ${job.startedAt ?? job.createdAt}, finished ${job.finishedAt ?? '—'} (${formatDuration(job.durationMs)}).${job.message ? ` ${job.message}` : ''}`,
      '',
    );
    const rows = beforeAfterRows(job.checksBefore, job.checksAfter);
    if (rows.length) {
      out.push(`Checks before (${job.checksBefore!.at}) and after (${job.checksAfter?.at ?? '—'}):`, '', '| Check | Target | Before | Evidence before | After | Evidence after |', '|---|---|---|---|---|---|');
      for (const r of rows) out.push(`| ${cell(r.title)} | ${cell(r.target)} | ${r.before} | ${cell(r.beforeEvidence)} | ${r.after} | ${cell(r.afterEvidence)} |`);
      out.push('');
    }
    for (const o of job.operations) {
      out.push(
        `${o.index + 1}. **${o.op.summary}** on ${o.op.target} (${o.op.kind}, risk ${o.op.risk}): ${o.status}, ${formatDuration(o.durationMs)}${o.startedAt ? `, started ${o.startedAt}` : ''}.`,
        '',
        fence(o.op.script, lang(o.op.kind)),
        '',
      );
      if (o.op.diff) out.push(fence(o.op.diff, 'diff'), '');
      if (o.result) out.push(`Result: ${o.result.replace(/\r?\n/g, ' ')}`, '');
    }
  }

  if (s.openPlan.length) {
    out.push('### Still planned', '');
    for (const op of s.openPlan) {
      out.push(`- **${op.summary}** on ${op.target} (${op.kind === 'manual' ? 'manual: the DBA does it' : op.kind}, risk ${op.risk})`, '', fence(op.script, lang(op.kind)), '');
    }
  }
  return out;
}

export function runbookMarkdown(rb: Runbook): string {
  const inv = rb.deployment.inventory;
  const lines = [
    `# Runbook: ${rb.deployment.name}`,
    '',
    `Generated ${rb.generatedAt} by the SSIS Scale Out HA wizard from its records. Secrets are masked as ********.`,
    '',
    `- Cluster ${inv.clusterName}; master nodes ${inv.masters.map((m) => `${m.hostName}${m.sqlInstance !== 'MSSQLSERVER' ? `\\${m.sqlInstance}` : ''}`).join(', ')}`,
    `- Availability group ${inv.agName}, listener ${inv.listenerName},${inv.listenerPort}`,
    `- Master endpoint https://${inv.masterDnsName}:${inv.masterPort}; workers ${inv.workers.map((w) => w.hostName).join(', ') || 'none'}`,
    '',
    '## Versions',
    '',
  ];
  if (rb.versions.length) {
    lines.push('| Node or instance | What | As read |', '|---|---|---|');
    for (const v of rb.versions) lines.push(`| ${cell(v.target)} | ${cell(v.what)} | ${cell(v.evidence)} |`);
  } else lines.push('_No probe has read a version yet._');
  lines.push('');
  for (const s of rb.steps) lines.push(...stepSection(s));
  lines.push(...drillSection(rb));
  return lines.join('\n') + '\n';
}

/** The failover drill: each run, each move with its result (recovery times or what did not recover). */
function drillSection(rb: Runbook): string[] {
  const lines = ['## Failover drill', ''];
  if (!rb.drill.jobs.length) return [...lines, '_The failover drill has not been run._', ''];
  for (const j of rb.drill.jobs) {
    lines.push(`Run by ${cell(j.actor)} at ${j.startedAt ?? j.createdAt}: **${j.status}**${j.message ? ` (${cell(j.message)})` : ''}`, '');
    lines.push('| Move | Status | Duration | Result |', '|---|---|---|---|');
    for (const o of j.operations) lines.push(`| ${cell(o.op.summary)} | ${o.status} | ${formatDuration(o.durationMs)} | ${cell(o.result ?? '')} |`);
    lines.push('');
  }
  return lines;
}
