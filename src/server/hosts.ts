// Which Host headers the server answers to: its defence against DNS rebinding, where a page of
// evil.example has its name re-pointed at 127.0.0.1 and then reads this server as its own origin. The
// browser still sends `Host: evil.example`, so a name the server does not know gets nothing.
//
// Always accepted: the loopback names (localhost, 127.x.x.x, [::1]) — only a page of this very machine
// can send them — and serve.host unless it is a wildcard. Added: serve.allowedHosts (a name, or a
// name:port to pin a port). When bound to every interface (0.0.0.0, ::) with no allowedHosts, the
// machine's own host name and addresses too, so `docker compose` and a LAN address keep working.
// A bare name matches any port: a client behind Docker's port mapping or a proxy names a port the
// server does not listen on, and a rebinding page cannot choose the name, whatever port it uses. Pure.

import { isLoopback } from './security.js';

export interface HostRule {
  /** Lower case, without a trailing dot; an IPv6 address without brackets. */
  readonly name: string;
  /** Only this port, when given. */
  readonly port?: number;
}

export interface Machine {
  readonly hostname: string;
  readonly addresses: readonly string[];
}

const HOST = /^(?:\[([0-9a-f:.]+)\]|([a-z0-9_.-]+))(?::(\d{1,5}))?$/i;

/** A Host header (or an allowedHosts entry) as a name and an optional port; undefined when malformed. */
export function parseHost(text: string): HostRule | undefined {
  const match = HOST.exec(text.trim());
  if (!match) return undefined;
  const name = (match[1] ?? match[2] ?? '').toLowerCase().replace(/\.$/, '');
  const port = match[3] === undefined ? undefined : Number(match[3]);
  if (name === '' || (port !== undefined && port > 65_535)) return undefined;
  return port === undefined ? { name } : { name, port };
}

export function isWildcard(host: string): boolean {
  return ['0.0.0.0', '::', '[::]', '::0', ''].includes(host.trim());
}

/** An allowedHosts entry, a configured host or a machine address as a rule (a bare IPv6 address too). */
function ruleOf(entry: string): HostRule | undefined {
  const bareIpv6 = !entry.includes('[') && entry.split(':').length > 2;
  return parseHost(bareIpv6 ? `[${entry}]` : entry);
}

export function hostRules(
  serve: { readonly host: string; readonly allowedHosts: readonly string[] },
  machine: Machine,
): HostRule[] {
  const entries = [...serve.allowedHosts];
  if (!isWildcard(serve.host)) entries.push(serve.host);
  else if (serve.allowedHosts.length === 0) entries.push(machine.hostname, ...machine.addresses);
  return entries.map(ruleOf).filter((rule): rule is HostRule => rule !== undefined);
}

/** Whether a request's Host header names this server. */
export function hostAllowed(header: string | undefined, rules: readonly HostRule[]): boolean {
  if (header === undefined) return false;
  const host = parseHost(header);
  if (!host) return false;
  if (isLoopback(host.name)) return true;
  const port = host.port ?? 80;
  return rules.some((rule) => rule.name === host.name && (rule.port === undefined || rule.port === port));
}
