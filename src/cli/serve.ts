// `factsync serve [--port P] [--host H]`: the review web page and the queue dashboard, until SIGTERM or
// SIGINT. Without a token (FACTSYNC_TOKEN) the page is read-only.

import type { Command } from 'commander';
import { redactUrl } from '../config.js';
import { redisAnswers } from '../jobs/embedded-redis.js';
import { connectRedis } from '../jobs/runtime.js';
import { openLocalSource } from '../local/read/index.js';
import { isLoopback } from '../server/security.js';
import { openStore } from '../sinks/open-store.js';
import { configOf } from './context.js';
import { UsageError } from './errors.js';
import { writeErr } from './output.js';
import { commandLogger } from './runtime-context.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('the review web page and the queue dashboard')
    .option('--port <port>', 'port to listen on (serve.port, 8080; 0 picks a free one)')
    .option('--host <host>', 'address to listen on (serve.host, 127.0.0.1; 0.0.0.0 for every interface)')
    .action(async (options: { port?: string; host?: string }, command: Command) => {
      const port = options.port === undefined ? undefined : Number(options.port);
      if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535))
        throw new UsageError('--port: expected a port number from 0 to 65535');
      if (options.host !== undefined && options.host.trim() === '')
        throw new UsageError('--host: expected an address such as 127.0.0.1 or 0.0.0.0');
      const config = configOf(command, { 'serve.port': port, 'serve.host': options.host });
      const log = commandLogger(config, true);
      const { host } = config.serve;
      if (!(await redisAnswers(config.redis.url)))
        log.warn(
          { redis: redactUrl(config.redis.url) },
          'no Redis answers: proposals and runs show, but refreshes, their progress and /queues wait for it',
        );
      const redis = connectRedis(config.redis);
      let redisDown = false;
      redis.on('error', (error) => {
        if (!redisDown) log.warn({ err: error }, 'Redis connection error');
        redisDown = true;
      });
      redis.on('ready', () => {
        redisDown = false;
      });
      const store = await openStore(config);
      const local = await openLocalSource(config).catch((error: unknown) => {
        log.warn({ err: error }, 'the local store cannot be opened: entity pages show proposals only');
        return undefined;
      });
      // Loaded here: the web app's modules stay out of the other commands' memory (workers).
      const { startServer } = await import('../server/app.js');
      const server = await startServer(
        { config, log, store, redis, local },
        { port: config.serve.port, host },
      );
      if (!config.serve.token) {
        if (!isLoopback(host))
          log.warn(
            { host },
            'listening beyond loopback without a token: anyone who reaches it can read the proposals; set FACTSYNC_TOKEN to review from the page',
          );
        writeErr(
          'read-only: no token configured (set FACTSYNC_TOKEN to accept, reject and refresh from the page)\n',
        );
      }
      // The names a browser may use (DNS-rebinding defence); others get 421 naming serve.allowedHosts.
      const { configuredHostRules } = await import('../server/request-checks.js');
      const hosts = [
        'localhost',
        ...configuredHostRules(config.serve).map((r) => (r.port ? `${r.name}:${r.port}` : r.name)),
      ];
      log.info({ url: server.url, readOnly: !config.serve.token, hosts }, 'serving');
      writeErr(`factsync serve: ${server.url}/proposals (Ctrl-C or SIGTERM to stop)\n`);
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGTERM', () => resolve('SIGTERM'));
        process.once('SIGINT', () => resolve('SIGINT'));
      });
      log.info({ signal }, 'stopping');
      await server.close();
      await store.close();
      redis.disconnect();
    });
}
