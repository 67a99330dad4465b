// A proxy in front of the fake Wikimedia for the upstream fuzz suite (upstream-fuzz.reliability.ts).
// factsync talks to it; it asks the fake for the answer (identity encoding) and hands it back untouched,
// or, for a request that holds a victim of the seeded plan, spoiled by fuzz-mutators.ts. Every mutation
// is recorded with the ids the request held and those it made unreadable. The clean pass (no plan)
// records which mutations each item and page can take and how the requests grouped the ids, so victims
// are drawn only where their mutation applies.

import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hash32, mulberry32 } from '../../dev/fake-wikimedia/src/random.js';
import {
  type EntityKind,
  entityKinds,
  type Features,
  type FuzzPlan,
  gzipBomb,
  isObject,
  isRequestKind,
  type Json,
  type Mutation,
  mutateEntity,
  mutatePage,
  pageExists,
  type RequestKind,
  wholeAnswer,
} from './fuzz-mutators.js';

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

const HOP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date']);
const JSON_TYPE = { 'Content-Type': 'application/json; charset=utf-8' };

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: Buffer | string, headers: http.OutgoingHttpHeaders) {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { ...headers, 'Content-Length': String(bytes.length) });
  res.end(bytes);
}

export class FuzzProxy {
  readonly mutations: Mutation[] = [];
  readonly features: Features = { items: new Map(), pages: new Set(), groups: new Map() };
  /** Requests answered, by what they asked for. */
  readonly requests: Record<string, number> = {};
  /** The largest answer the fake gave to a full item fetch. */
  largestItemAnswer = 0;
  /** Drips ended because the client hung up. */
  dripsStopped = 0;
  private readonly drips = new Set<NodeJS.Timeout>();
  private readonly agent = new http.Agent({ keepAlive: true });
  private upstream?: URL;
  private properties: ReadonlySet<string> = new Set();
  private plan?: FuzzPlan;
  private groupCount = 0;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    private readonly maxBodyBytes: number,
    private readonly dripMs: number,
  ) {}

  static async start(options: { maxBodyBytes: number; dripMs?: number }): Promise<FuzzProxy> {
    // Compressing 17 MiB holds the event loop the in-process workers share: done before any run.
    gzipBomb(options.maxBodyBytes);
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const proxy = new FuzzProxy(
      server,
      `http://127.0.0.1:${port}`,
      options.maxBodyBytes,
      options.dripMs ?? 500,
    );
    server.on('request', (req, res) => {
      proxy.handle(req, res).catch((error: unknown) => {
        if (res.headersSent) res.destroy();
        else send(res, 502, JSON.stringify({ proxy: String(error) }), JSON_TYPE);
      });
    });
    return proxy;
  }

  /** Where the fake is (its origin), and the statement properties factsync compares. */
  connect(upstream: string, properties: ReadonlySet<string>): void {
    this.upstream = new URL(upstream);
    this.properties = properties;
  }

  /** From now on spoil the answers of `plan`'s victims (none: pass everything and learn); clears the log. */
  fuzz(plan: FuzzPlan | undefined): void {
    this.plan = plan;
    this.mutations.length = 0;
    this.dripsStopped = 0;
    for (const key of Object.keys(this.requests)) delete this.requests[key];
  }

  activeDrips(): number {
    return this.drips.size;
  }

  async close(): Promise<void> {
    for (const timer of this.drips) clearInterval(timer);
    this.drips.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.agent.destroy();
  }

  private forward(req: IncomingMessage, url: URL, body: Buffer): Promise<Answer> {
    const upstream = this.upstream;
    if (!upstream) throw new Error('the proxy is not connected to the fake yet');
    const headers = { ...req.headers, host: upstream.host, 'accept-encoding': 'identity' };
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: url.pathname + url.search,
          method: req.method,
          headers,
          agent: this.agent,
        },
        (response) =>
          readAll(response).then(
            (answer) =>
              resolve({ status: response.statusCode ?? 0, headers: response.headers, body: answer }),
            reject,
          ),
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://proxy.invalid');
    const body = await readAll(req);
    const answer = await this.forward(req, url, body);
    const params = new URLSearchParams(url.search);
    if (/^application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? ''))
      for (const [name, value] of new URLSearchParams(body.toString('utf8'))) params.set(name, value);
    const wiki = /^\/wikipedia\/([^/]+)\/w\/api\.php$/.exec(url.pathname);
    const fullFetch =
      url.pathname === '/w/api.php' &&
      params.get('action') === 'wbgetentities' &&
      (params.get('props') ?? '').split('|').includes('claims');
    const endpoint = fullFetch
      ? 'wbgetentities'
      : params.get('action') === 'wbgetentities'
        ? 'wbgetentities-labels'
        : wiki && params.get('action') === 'query'
          ? 'wikipedia-pages'
          : 'other';
    this.requests[endpoint] = (this.requests[endpoint] ?? 0) + 1;
    const passOn = () =>
      send(
        res,
        answer.status,
        answer.body,
        Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !HOP_HEADERS.has(name))),
      );
    let parsed: Json | undefined;
    try {
      parsed = answer.status === 200 ? (JSON.parse(answer.body.toString('utf8')) as Json) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!parsed || (!fullFetch && endpoint !== 'wikipedia-pages')) return passOn();
    if (fullFetch) {
      const held = (params.get('ids') ?? '').split('|');
      if (!this.plan) {
        this.learnItems(held, parsed);
        this.largestItemAnswer = Math.max(this.largestItemAnswer, answer.body.length);
        return passOn();
      }
      const plan = this.plan;
      const whole = held.find((id) => isRequestKind(plan.items.get(id) ?? ''));
      if (whole) {
        const kind = plan.items.get(whole) as RequestKind;
        this.mutations.push({ kind, held, affected: held });
        if (kind === 'drip') return this.drip(res, answer.body);
        const spoiled = wholeAnswer(kind, answer.body, this.maxBodyBytes);
        return send(res, spoiled.status, spoiled.body, spoiled.headers);
      }
      let spoiled = false;
      for (const id of held) {
        const kind = plan.items.get(id) as EntityKind | undefined;
        const random = mulberry32(hash32(plan.seed, id));
        if (kind && mutateEntity(parsed, id, kind, this.properties, random, held)) {
          this.mutations.push({ kind, held, affected: [id] });
          spoiled = true;
        }
      }
      return spoiled ? send(res, 200, JSON.stringify(parsed), JSON_TYPE) : passOn();
    }
    const held = (params.get('titles') ?? '').split('|');
    const key = (title: string) => `${wiki?.[1]}:${title}`;
    if (!this.plan) {
      for (const title of held) if (pageExists(parsed, title)) this.features.pages.add(key(title));
      return passOn();
    }
    let spoiled = false;
    for (const title of held) {
      const kind = this.plan.pages.get(key(title));
      const hit = kind ? mutatePage(parsed, title, kind, held) : [];
      if (kind && hit.length > 0) {
        this.mutations.push({ kind, held: held.map(key), affected: hit.map(key) });
        spoiled = true;
      }
    }
    return spoiled ? send(res, 200, JSON.stringify(parsed), JSON_TYPE) : passOn();
  }

  private learnItems(held: readonly string[], body: Json): void {
    const entities = isObject(body.entities) ? body.entities : {};
    const group = this.features.groups.get(held[0] ?? '') ?? this.groupCount++;
    for (const id of held) {
      this.features.items.set(id, entityKinds(id, entities[id], this.properties));
      this.features.groups.set(id, group);
    }
  }

  /** The real answer's headers, then one byte every dripMs, until the client hangs up. */
  private drip(res: ServerResponse, real: Buffer): void {
    res.writeHead(200, { ...JSON_TYPE, 'Content-Length': String(real.length) });
    res.flushHeaders();
    let sent = 0;
    const stop = () => {
      clearInterval(timer);
      this.drips.delete(timer);
    };
    const timer = setInterval(() => {
      if (sent >= real.length) {
        stop();
        res.end();
      } else res.write(real.subarray(sent, ++sent));
    }, this.dripMs);
    this.drips.add(timer);
    res.on('close', () => {
      if (!this.drips.has(timer)) return;
      stop();
      this.dripsStopped++;
    });
  }
}
