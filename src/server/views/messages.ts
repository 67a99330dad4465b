// The small pages: sign in, and a refusal or an error with what to do about it.

import { html } from '../html.js';
import { type Chrome, page } from './layout.js';

export function loginPage(chrome: Chrome, next: string, problem?: string): string {
  const body = chrome.tokenConfigured
    ? html`<div class="login panel"><form method="post" action="/login">
<h1>Sign in to review</h1>
<p class="muted">Reading is open to everyone who can reach this page; accepting, rejecting, refreshing and changing the queues need the token this server was started with (<code>FACTSYNC_TOKEN</code>).</p>
${problem ? html`<div class="flash error" role="alert">${problem}</div>` : html``}
<input type="hidden" name="_csrf" value="${chrome.csrf}"><input type="hidden" name="next" value="${next}">
<label for="token">Token</label><input id="token" type="password" name="token" autocomplete="current-password" required autofocus>
<button class="btn primary" type="submit">Sign in</button></form></div>`
    : html`<div class="login panel pad"><h1>Read-only server</h1><p>No token is configured, so nobody can sign in and the page is read-only. Set <code>FACTSYNC_TOKEN</code> (or <code>serve.token</code> in the config) and restart <code>factsync serve</code>.</p></div>`;
  return page(chrome, { title: 'Sign in', section: 'login', body });
}

export function messagePage(
  chrome: Chrome,
  options: { title: string; text: string; signIn?: boolean; back?: string },
): string {
  const links = html`${options.signIn ? html`<a class="btn primary" href="/login?next=${encodeURIComponent(options.back ?? '/proposals')}">Sign in</a> ` : html``}<a class="btn" href="${options.back ?? '/proposals'}">Back</a>`;
  const body = html`<div class="login panel pad"><h1>${options.title}</h1><p>${options.text}</p><p>${links}</p></div>`;
  return page(chrome, { title: options.title, section: 'error', body });
}
