// A separate worker process for the cross-process limit test: `count` requests at once through its
// own HttpClient, sharing the gate (Redis prefix) with the other processes.
// Usage: node --import tsx test/support/http-worker.ts URL PREFIX COUNT CONCURRENCY RATE

import { HttpClient } from '../../src/sources/http.js';
import { redisGate } from '../../src/sources/http-gate.js';
import { INSTALL_USER_AGENT } from './config.js';
import { connectRedis } from './redis.js';

const [url, prefix, count, concurrency, rate] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const redis = connectRedis();
const gate = redisGate(redis, {
  prefix,
  concurrency: Number(concurrency),
  ratePerSecond: Number(rate),
  leaseMs: 10_000,
});
const http = new HttpClient({
  userAgent: INSTALL_USER_AGENT,
  undiciVersion: '7.30.2',
  timeoutMs: 5_000,
  maxBodyBytes: 64 * 1024 * 1024,
  retries: 0,
  concurrency: Number(concurrency),
  maxWaitMs: 10_000,
  gate,
});
await Promise.all(Array.from({ length: Number(count) }, () => http.getJson(new URL(url), 'test')));
process.stdout.write(`${JSON.stringify(http.statsByEndpoint())}\n`);
await http.close();
redis.disconnect();
