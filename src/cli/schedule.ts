// `factsync schedule [--cron C] [--tz Z] [--off]`: show, set or clear the nightly schedule.

import type { Command } from 'commander';
import { CronExpressionParser } from 'cron-parser';
import { queueSettings } from '../jobs/queues.js';
import { scheduleStatus, setSchedule } from '../jobs/scheduler.js';
import { configOf, connectForCommand } from './context.js';
import { UsageError } from './errors.js';
import { printLines } from './output.js';

export function registerSchedule(program: Command): void {
  program
    .command('schedule')
    .description('show, set or clear the nightly schedule')
    .option('--cron <expr>', 'cron expression, such as "0 3 * * *"')
    .option('--tz <zone>', 'IANA time zone, such as "UTC" or "Europe/Paris"')
    .option('--off', 'clear the schedule (no nightly runs until set again)')
    .action(async (options: { cron?: string; tz?: string; off?: boolean }, command: Command) => {
      const config = configOf(command);
      if (options.off && (options.cron || options.tz))
        throw new UsageError('--off cannot be combined with --cron or --tz');
      const redis = await connectForCommand(config.redis);
      const settings = queueSettings(config, redis);
      try {
        if (options.off) await setSchedule(settings, redis, 'off');
        else if (options.cron || options.tz) {
          const current = await scheduleStatus(settings, redis);
          const cron = options.cron ?? current.schedule?.cron ?? config.schedule.cron;
          const tz = options.tz ?? current.schedule?.tz ?? config.schedule.tz;
          try {
            CronExpressionParser.parse(cron, { tz });
          } catch (error) {
            throw new UsageError(
              `--cron/--tz: "${cron}" in ${tz} is not a valid schedule (${(error as Error).message})`,
            );
          }
          await setSchedule(settings, redis, { cron, tz });
        }
        const status = await scheduleStatus(settings, redis);
        if (!status.schedule)
          await printLines(
            `schedule: off (${status.source === 'command' ? 'cleared with `factsync schedule --off`' : 'no worker has registered it yet'})`,
          );
        else {
          const next = status.next ? status.next.toISOString() : 'unknown';
          await printLines(
            `schedule: "${status.schedule.cron}" in ${status.schedule.tz} (from ${status.source === 'command' ? '`factsync schedule`' : 'the config'}); next run ${next}`,
          );
        }
      } finally {
        redis.disconnect();
      }
    });
}
