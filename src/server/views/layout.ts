// The frame every page shares: the nav bar (Proposals · Runs · Queues, with counts), who is signed in,
// a flash message, and the one stylesheet and script (files, so the CSP needs no inline code).

import { ASSET_VERSION } from '../assets.js';
import { type Html, html } from '../html.js';

export interface NavCounts {
  /** Open proposals. */
  readonly open: number;
  /** Runs still running, and the last run's status and new proposals. */
  readonly running: number;
  readonly lastRun?: { readonly status: string; readonly created: number };
  /** Jobs waiting or active in the queues; absent when Redis does not answer. */
  readonly queued?: number;
}

export interface Chrome {
  readonly csrf: string;
  readonly signedIn: boolean;
  readonly tokenConfigured: boolean;
  readonly nav: NavCounts;
  /** The page's own path and query, to come back to after signing in. */
  readonly here: string;
}

export interface Flash {
  readonly text: string;
  readonly tone?: 'info' | 'warn' | 'error';
}

export type Section = 'proposals' | 'runs' | 'queues' | 'entity' | 'login' | 'error';

function count(n: number | undefined, hot = false): Html {
  if (n === undefined) return html`<span class="count" title="Redis does not answer">?</span>`;
  return html`<span class="count${hot && n > 0 ? ' hot' : ''}">${n.toLocaleString('en')}</span>`;
}

function who(chrome: Chrome): Html {
  if (!chrome.tokenConfigured)
    return html`<span title="Set FACTSYNC_TOKEN (serve.token) and restart to review from this page">read-only server</span>`;
  if (chrome.signedIn)
    return html`<span>signed in</span><form method="post" action="/logout"><input type="hidden" name="_csrf" value="${chrome.csrf}"><button type="submit">Sign out</button></form>`;
  return html`<span>read-only</span><a href="/login?next=${encodeURIComponent(chrome.here)}">Sign in</a>`;
}

export function page(
  chrome: Chrome,
  options: { title: string; section: Section; body: Html; flash?: Flash | undefined },
): string {
  const link = (section: Section, href: string, label: string, badge: Html) =>
    html`<a href="${href}"${options.section === section ? html` class="active" aria-current="page"` : ''}>${label}${badge}</a>`;
  const runsBadge =
    chrome.nav.running > 0
      ? html`<span class="count hot" title="running">${chrome.nav.running} running</span>`
      : chrome.nav.lastRun && chrome.nav.lastRun.created > 0
        ? html`<span class="count" title="new proposals in the last run (${chrome.nav.lastRun.status})">+${chrome.nav.lastRun.created.toLocaleString('en')}</span>`
        : html``;
  const flash = options.flash
    ? html`<div class="flash ${options.flash.tone ?? 'info'}" role="status">${options.flash.text}</div>`
    : html``;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${options.title} · factsync</title>
<link rel="stylesheet" href="/assets/app.css?v=${ASSET_VERSION}">
<script src="/assets/app.js?v=${ASSET_VERSION}" defer></script></head>
<body><header class="top"><a class="brand" href="/proposals">factsync</a>
<nav aria-label="Sections">${link('proposals', '/proposals', 'Proposals', count(chrome.nav.open, true))}${link('runs', '/runs', 'Runs', runsBadge)}${link('queues', '/queues', 'Queues', count(chrome.nav.queued))}</nav>
<div class="who">${who(chrome)}</div></header>
<main>${flash}${options.body}</main></body></html>
`.text;
}

/** What a reviewer sees instead of the review buttons when they cannot use them. */
export function writeHint(chrome: Chrome): Html | undefined {
  if (!chrome.tokenConfigured)
    return html`<span class="muted">Read-only: set <code>FACTSYNC_TOKEN</code> and restart <code>factsync serve</code> to review here.</span>`;
  if (!chrome.signedIn)
    return html`<span class="muted"><a href="/login?next=${encodeURIComponent(chrome.here)}">Sign in</a> with the token to review.</span>`;
  return undefined;
}

export function canWrite(chrome: Chrome): boolean {
  return chrome.tokenConfigured && chrome.signedIn;
}
