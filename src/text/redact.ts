// Secrets that travel inside text: a password in a URL (userinfo, or a query parameter such as
// `?password=`), a bearer token in an Authorization header, a token in a line of a YAML file. Printed
// output, reports and logs pass through here so that none of them shows one. Pure.

const MASK = '***';

/**
 * Query and key=value parameters whose value is a credential: password, pass, pwd, token, secret,
 * key, apikey, sslpassword, alone or as the last word of a longer name (access_token, api_key,
 * client_secret, x-api-key).
 */
const SECRET_NAME = '(?:[a-z0-9]+[_.-])*(?:password|passwd|pass|pwd|token|secret|key|apikey|sslpassword)';
const SECRET_PARAMETER = new RegExp(String.raw`(^|[?&;\s"'(,])(${SECRET_NAME})=([^&#\s"'<>\\]*)`, 'gi');

/**
 * `scheme://userinfo@`: the userinfo is everything up to the last "@" before the host ends (a raw "@"
 * in a password is common). Stops at quotes and backslashes, so it never runs out of a JSON string.
 */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#"'<>\\`]*)@/gi;

const AUTHORIZATION = /\b(authorization["']?\s*[:=]\s*["']?)(?:(bearer|basic|token)\s+)?[^\s"',;\\]+/gi;
/** A bearer credential on its own, as an HTTP client library may print a request. */
const BEARER = /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/g;

/** `user:password` → `user:***`; a user alone (often a token: `https://TOKEN@host`) → `***`. */
function maskUserinfo(userinfo: string): string {
  const colon = userinfo.indexOf(':');
  return colon < 0 ? MASK : `${userinfo.slice(0, colon)}:${MASK}`;
}

/**
 * `text` with every credential it carries replaced by "***": the password (or a bare user, which may
 * be a token) in the userinfo of any URL, the value of a password/token/secret/key parameter, and the
 * credential of an Authorization header or a bearer token. The rest is unchanged, and JSON text stays
 * valid JSON.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(USERINFO, (_, scheme: string, userinfo: string) => `${scheme}${maskUserinfo(userinfo)}@`)
    .replace(SECRET_PARAMETER, (_, before: string, name: string) => `${before}${name}=${MASK}`)
    .replace(
      AUTHORIZATION,
      (_, header: string, scheme?: string) => `${header}${scheme ? `${scheme} ` : ''}${MASK}`,
    )
    .replace(BEARER, `Bearer ${MASK}`);
}

/**
 * One configured URL (redis.url, store.url, wikidata.url…) as a user may see it. Stricter than
 * redactSecrets: the userinfo runs to the last "@" of the whole value, so a password holding "/", "?"
 * or "#" unencoded is hidden too.
 */
export function redactUrl(url: string): string {
  const start = url.indexOf('://');
  const at = url.lastIndexOf('@');
  if (start < 0 || at < start) return redactSecrets(url);
  const userinfo = url.slice(start + 3, at);
  const user = userinfo.slice(0, Math.max(userinfo.indexOf(':'), 0));
  const shown = userinfo.includes(':') && !/[/?#]/.test(user) ? `${user}:${MASK}` : MASK;
  return `${url.slice(0, start + 3)}${shown}${redactSecrets(`//${url.slice(at)}`).slice(2)}`;
}

/** A secret-named YAML key opening a line (block style): its value is the rest of the line. */
const SECRET_KEY_LINE = new RegExp(String.raw`^(\s*(?:-\s+)?["']?${SECRET_NAME}["']?\s*:)(?=\s|$)(.*)$`, 'i');
/** A secret-named key inside a flow mapping (`{token: …, url: …}`): its value runs to "," or "}". */
const SECRET_KEY_FLOW = new RegExp(String.raw`[{,]\s*["']?${SECRET_NAME}["']?\s*:(?=\s)([^,}]*)`, 'gi');

/**
 * The values a YAML text gives to secret-named keys (token, password, secret, key…): the rest of the
 * key's line and every following line indented deeper (a block scalar, or a quoted value broken over
 * lines), with and without quotes; in a flow mapping, the text up to the next "," or "}". What an
 * error message about that text must never quote.
 */
export function secretValuesInYaml(yaml: string): string[] {
  const lines = yaml.split(/\r?\n/);
  const values = new Set<string>();
  const add = (text: string) => {
    const trimmed = text.trim();
    for (const value of [trimmed, trimmed.replace(/^["'|>*&][-+]?\s*|["']$/g, '').trim()])
      if (value.length >= 3) values.add(value);
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    for (const flow of line.matchAll(SECRET_KEY_FLOW)) add(flow[1] as string);
    const block = SECRET_KEY_LINE.exec(line);
    if (!block) continue;
    add(block[2] as string);
    const indent = (block[1] as string).search(/\S/);
    for (; i + 1 < lines.length; i++) {
      const next = lines[i + 1] as string;
      if (next.trim() !== '' && next.search(/\S/) <= indent) break;
      add(next);
    }
  }
  return [...values].sort((a, b) => b.length - a.length);
}

/** `text` with each of `secrets` (longest first) replaced by "***". */
export function withoutValues(text: string, secrets: readonly string[]): string {
  return secrets.reduce((out, secret) => out.split(secret).join(MASK), text);
}

/**
 * A site as evidence links show it: without the user and password a proxy may need (they would be
 * stored with every proposal and shown on the review page).
 */
export function withoutCredentials(site: string): string {
  try {
    const url = new URL(site);
    url.username = '';
    url.password = '';
    return url.href.replace(/\/+$/, '');
  } catch {
    return site.replace(/\/\/[^/]*@/, '//').replace(/\/+$/, '');
  }
}
