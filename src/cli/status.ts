// `factsync status [--json]`: queue counts, live workers, the schedule and its next fire time, the last runs.

import type { Command } from 'commander';
import { BATCH_QUEUE, openQueue, queueSettings, RUN_QUEUE } from '../jobs/queues.js';
import { scheduleStatus } from '../jobs/scheduler.js';
import { legacyStateAdvice, legacyStateLeft } from '../jobs/state-store.js';
import { scopeLines, storeScope } from '../jobs/store-scope.js';
import { openStore } from '../sinks/open-store.js';
import { budgetSummary, readBudget } from '../sources/budget-state.js';
import { configuredBudget } from '../sources/index.js';
import { configOf, connectForCommand, jsonOutput } from './context.js';
import { printJson, printLines } from './output.js';

const STATES = [
  'waiting',
  'prioritized',
  'active',
  'delayed',
  'waiting-children',
  'completed',
  'failed',
] as const;

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('queues, workers, schedule, last runs (--json: as one JSON object)')
    .action(async (_options: unknown, command: Command) => {
      const config = configOf(command);
      const redis = await connectForCommand(config.redis);
      const settings = queueSettings(config, redis);
      const scope = storeScope(config);
      const queues = [openQueue(settings, RUN_QUEUE), openQueue(settings, BATCH_QUEUE)];
      const store = await openStore(config);
      try {
        const counts = Object.fromEntries(
          await Promise.all(queues.map(async (q) => [q.name, await q.getJobCounts(...STATES)] as const)),
        );
        const workers = (await queues[1]?.getWorkers()) ?? [];
        const schedule = await scheduleStatus(settings, redis);
        const runs = await store.listRuns(5);
        const legacyState = await legacyStateLeft(redis, scope);
        const budget = await readBudget(redis, scope.shared, configuredBudget(config));
        if (jsonOutput(command)) {
          await printJson(
            { store: { ...scope, legacyState }, queues: counts, workers, schedule, budget, runs },
            { indent: 2 },
          );
          return;
        }
        const lines = [
          ...scopeLines(scope),
          ...(legacyState ? [`note: ${legacyStateAdvice(scope)}`] : []),
          'queues:',
        ];
        for (const [name, byState] of Object.entries(counts)) {
          lines.push(`  ${name.padEnd(8)} ${STATES.map((s) => `${s} ${byState[s] ?? 0}`).join(' · ')}`);
        }
        lines.push(
          `workers: ${workers.length}${workers.length ? ` (${workers.map((w) => `${(w.rawname ?? w.name ?? '').split(':w:').at(-1) || w.id} at ${w.addr}`).join(', ')})` : ' — start one with `factsync worker`'}`,
        );
        lines.push(
          schedule.schedule
            ? `schedule: "${schedule.schedule.cron}" in ${schedule.schedule.tz}, next ${schedule.next?.toISOString() ?? 'unknown'}`
            : 'schedule: off',
        );
        lines.push('request budget (all workers):', ...budgetSummary(budget).map((line) => `  ${line}`));
        lines.push('last runs:');
        if (runs.length === 0) lines.push('  none yet');
        for (const run of runs) {
          const c = run.counts;
          lines.push(
            `  ${run.id}  ${run.trigger.padEnd(8)} ${run.status.padEnd(7)} ${c.seen} entities, ${run.proposals.created} new proposals, ${c.failed} failed`,
          );
        }
        await printLines(...lines);
      } finally {
        await Promise.all(queues.map((q) => q.close()));
        await store.close();
        redis.disconnect();
      }
    });
}
