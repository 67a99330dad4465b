// docker-compose.yml, docker-compose.ports.yml, demo.env and the Dockerfile do what README's Docker section
// says, for its three uses: production (healthy services, one named image), the offline demo (worker, serve
// and cli pointed at the fake) and apply (the cards read-write only where apply runs); host ports for
// Redis and PostgreSQL off unless asked for; the production image without the fake Wikimedia (a dev
// tool) or test/, which only the demo's fake-wikimedia image carries. Parsed as compose reads them,
// `${VAR:-default}` resolved.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config.js';
import { ROOT } from '../support/spawn.js';

interface Service {
  image?: string;
  build?: string | { context: string; target?: string };
  command?: string[];
  profiles?: string[];
  user?: string;
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  healthcheck?: { test: string[] };
}

const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const servicesOf = (file: string): Record<string, Service> =>
  (parse(read(file), { merge: true }) as { services: Record<string, Service> }).services;
const compose = servicesOf('docker-compose.yml');
const ports = servicesOf('docker-compose.ports.yml');

/** KEY=VALUE lines of an env file (compose's dotenv: # comments, optional double quotes). */
function envFile(file: string): Record<string, string> {
  const entries = read(file)
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => {
      const [key, ...rest] = line.split('=');
      return [key, rest.join('=').replace(/^"(.*)"$/, '$1')] as const;
    });
  return Object.fromEntries(entries);
}
const demoEnv = envFile('demo.env');

/** Compose's interpolation of `${VAR:-default}` and `${VAR}` (unset or empty → default). */
const resolve = (text: string, env: Record<string, string> = {}) =>
  text.replace(/\$\{(\w+)(?::-([^}]*))?\}/g, (_, name: string, fallback = '') => env[name] || fallback);

const FACTSYNC_SERVICES = ['worker', 'serve', 'cli'];
const PRODUCTION = ['redis', 'postgres', 'worker', 'serve'];
const cardsMount = (service: Service) =>
  (service.volumes ?? []).map((v) => resolve(v)).find((v) => v.includes(':/data/cards'));

describe('production: docker compose up -d', () => {
  it('starts redis, postgres, worker and serve, and nothing else', () => {
    const started = Object.entries(compose)
      .filter(([, service]) => !service.profiles)
      .map(([name]) => name);
    expect(started.sort()).toEqual([...PRODUCTION].sort());
  });

  it.each(PRODUCTION)('%s has a health check', (name) => {
    expect(compose[name]?.healthcheck?.test[0]).toBe('CMD');
  });

  it('checks the worker by its heartbeat, with the `factsync` the image puts on PATH', () => {
    expect(compose.worker?.healthcheck?.test).toEqual(['CMD', 'factsync', 'worker', '--check']);
    expect(read('Dockerfile')).toMatch(/ln -s \/app\/bin\/factsync\.js \/usr\/local\/bin\/factsync/);
  });

  it('builds one named image, the Dockerfile runtime target, for every factsync service', () => {
    for (const name of FACTSYNC_SERVICES) {
      expect(compose[name]?.build, name).toEqual({ context: '.', target: 'runtime' });
      expect(resolve(compose[name]?.image ?? ''), name).toBe('factsync:local');
      expect(resolve(compose[name]?.image ?? '', { FACTSYNC_IMAGE_TAG: '0.1.0' }), name).toBe(
        'factsync:0.1.0',
      );
    }
  });

  it('publishes no Redis or PostgreSQL port on the host', () => {
    expect(compose.redis?.ports).toBeUndefined();
    expect(compose.postgres?.ports).toBeUndefined();
  });

  it('publishes the review page on 127.0.0.1:8080 unless FACTSYNC_PORT says where', () => {
    expect(compose.serve?.command).toEqual(['serve', '--host', '0.0.0.0', '--port', '8080']);
    const [port] = compose.serve?.ports ?? [];
    expect(resolve(port ?? '')).toBe('127.0.0.1:8080:8080');
    expect(resolve(port ?? '', { FACTSYNC_PORT: '0.0.0.0:9000' })).toBe('0.0.0.0:9000:8080');
  });

  it('talks to the real Wikimedia: an empty WIKIDATA_URL/WIKIPEDIA_URL leaves the default config', () => {
    const environment = compose.worker?.environment ?? {};
    const env = Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, resolve(v)]));
    const config = loadConfig({ env });
    expect(config.wikidata.url).toBe('https://www.wikidata.org');
    expect(config.wikipedia.url).toBe('https://{lang}.wikipedia.org');
    expect(config.store.kind).toBe('postgres');
  });
});

describe('host ports: docker compose -f docker-compose.yml -f docker-compose.ports.yml up -d', () => {
  it('publishes Redis and PostgreSQL on loopback, where FACTSYNC_REDIS_PORT/FACTSYNC_PG_PORT say', () => {
    expect(Object.keys(ports).sort()).toEqual(['postgres', 'redis']);
    expect(resolve(ports.redis?.ports?.[0] ?? '')).toBe('127.0.0.1:6379:6379');
    expect(resolve(ports.postgres?.ports?.[0] ?? '')).toBe('127.0.0.1:5432:5432');
    expect(resolve(ports.redis?.ports?.[0] ?? '', { FACTSYNC_REDIS_PORT: '127.0.0.1:6380' })).toBe(
      '127.0.0.1:6380:6379',
    );
    expect(resolve(ports.postgres?.ports?.[0] ?? '', { FACTSYNC_PG_PORT: '127.0.0.1:5433' })).toBe(
      '127.0.0.1:5433:5432',
    );
  });
});

describe('the demo: docker compose -p factsync-demo --profile demo --env-file demo.env up -d --build', () => {
  const fake = compose['fake-wikimedia'];
  const fakePort = fake?.command?.[fake.command.indexOf('--port') + 1];

  it("builds the fake from the Dockerfile's fake-wikimedia target, as an image of its own", () => {
    expect(fake?.build).toEqual({ context: '.', target: 'fake-wikimedia' });
    expect(resolve(fake?.image ?? '')).toBe('factsync-fake-wikimedia:local');
    expect(resolve(fake?.image ?? '', { FACTSYNC_IMAGE_TAG: '0.1.0' })).toBe('factsync-fake-wikimedia:0.1.0');
  });

  it('adds the fake, in the demo profile, healthy, not published', () => {
    expect(fake?.profiles).toEqual(['demo']);
    expect(fake?.command?.slice(0, 3)).toEqual(['fake-wikimedia', '--host', '0.0.0.0']);
    expect(fake?.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${fakePort}/`);
    expect(fake?.ports).toBeUndefined();
  });

  it.each(['worker', 'serve', 'cli'])('points %s at the fake, by its service name', (name) => {
    const environment = compose[name]?.environment ?? {};
    const env = Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, resolve(v, demoEnv)]));
    const config = loadConfig({ env });
    expect(config.wikidata.url).toBe(`http://fake-wikimedia:${fakePort}`);
    expect(config.wikipedia.url).toBe(`http://fake-wikimedia:${fakePort}/wikipedia/{lang}`);
  });

  it('publishes its review page beside a production one', () => {
    expect(resolve(compose.serve?.ports?.[0] ?? '', demoEnv)).toBe('127.0.0.1:8081:8080');
  });

  it('is the command README and demo.env give', () => {
    const command = 'docker compose -p factsync-demo --profile demo --env-file demo.env up -d --build';
    expect(read('README.md')).toContain(command);
    expect(read('demo.env')).toContain(command);
    expect(read('docker-compose.yml')).toContain(command);
  });
});

describe('apply: docker compose run --rm cli apply', () => {
  it('mounts the cards read-write only in cli, which `up` does not start', () => {
    expect(cardsMount(compose.cli as Service)).toBe('./examples/cards:/data/cards');
    expect(compose.cli?.profiles).toEqual(['cli']);
    expect(compose.cli?.command).toBeUndefined(); // `run --rm cli apply`: the arguments are the command
    for (const name of ['worker', 'serve'])
      expect(cardsMount(compose[name] as Service), name).toMatch(/:ro$/);
  });

  it('runs as the cards owner given by FACTSYNC_UID/FACTSYNC_GID (default the image user, 1000)', () => {
    expect(resolve(compose.cli?.user ?? '')).toBe('1000:1000');
    expect(resolve(compose.cli?.user ?? '', { FACTSYNC_UID: '501', FACTSYNC_GID: '20' })).toBe('501:20');
  });

  it('reads the cards from FACTSYNC_CARDS when set', () => {
    const volume = compose.cli?.volumes?.find((v) => v.includes(':/data/cards')) ?? '';
    expect(resolve(volume, { FACTSYNC_CARDS: '/srv/cards' })).toBe('/srv/cards:/data/cards');
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  /** Each stage's lines by its name, and the stage it is built FROM. */
  const stages = new Map<string, { from: string; lines: string[] }>();
  let current: string[] = [];
  for (const line of dockerfile.split('\n')) {
    const from = /^FROM (\S+) AS (\S+)/.exec(line);
    if (from) {
      current = [];
      stages.set(from[2] as string, { from: from[1] as string, lines: current });
    } else current.push(line);
  }
  /** A stage's lines with those of the stages it is built on. */
  const linesOf = (name: string): string[] => {
    const stage = stages.get(name);
    return stage ? [...linesOf(stage.from), ...stage.lines] : [];
  };
  const copiesOf = (name: string) => linesOf(name).filter((line) => line.startsWith('COPY '));

  it('builds and runs on one Node LTS line that package.json supports (22 or 24)', () => {
    const majors = [...dockerfile.matchAll(/^FROM node:(\d+)-/gm)].map((m) => Number(m[1]));
    expect(majors).toHaveLength(2);
    expect(new Set(majors).size).toBe(1);
    expect([22, 24]).toContain(majors[0]);
  });

  it('ends with the runtime stage, the default target', () => {
    expect([...stages.keys()].at(-1)).toBe('runtime');
  });

  it('copies into the production image no test/ and no dev/ (the fake Wikimedia is a dev tool)', () => {
    const copies = copiesOf('runtime');
    expect(copies).toContain('COPY --from=build /app/dist ./dist');
    expect(copies).toContain('COPY --from=build /app/examples ./examples');
    for (const copy of copies) expect(copy).not.toMatch(/\/app\/(test|dev)\b|\.\/(test|dev)\b/);
  });

  it('gives the fake a target of its own: the product plus the fake and its fixtures', () => {
    const copies = copiesOf('fake-wikimedia');
    expect(copies).toContain('COPY --from=build /app/dist ./dist');
    expect(copies).toContain('COPY --from=build /app/dev/fake-wikimedia/dist ./dev/fake-wikimedia/dist');
    expect(copies).toContain('COPY --from=build /app/test/fixtures/wikimedia ./test/fixtures/wikimedia');
  });

  it('keeps in the build context what the images read, and builds the fake there', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const kept of ['test', 'test/fixtures', 'examples', 'config', 'dev', 'dev/fake-wikimedia'])
      expect(ignored).not.toContain(kept);
    expect(ignored).toContain('dev/fake-wikimedia/dist');
    expect(JSON.parse(read('package.json')).scripts.build).toContain(
      'tsc -p dev/fake-wikimedia/tsconfig.json',
    );
  });
});
