/**
 * A minimal browser for HTTP tests across several servers: cookies by host (not port, as browsers do) and path,
 * manual redirects, form posts. It follows redirects the way a browser does (303 turns into GET).
 */
interface Cookie {
  name: string;
  value: string;
  host: string;
  path: string;
  expires: number;
}

export interface Page {
  url: URL;
  status: number;
  headers: Headers;
  body: string;
  /** Every URL visited on the way, the first one included. */
  chain: URL[];
}

export interface RequestOptions {
  method?: 'GET' | 'POST';
  form?: Record<string, string>;
  headers?: Record<string, string>;
}

export class TestBrowser {
  private cookies: Cookie[] = [];

  cookieValue(host: string, name: string): string | undefined {
    return this.cookies.find((c) => c.host === host && c.name === name && c.expires > Date.now())?.value;
  }

  clearCookies(): void {
    this.cookies = [];
  }

  /** One request, no redirect followed. */
  async request(target: string | URL, options: RequestOptions = {}): Promise<Page> {
    const url = new URL(target);
    const headers = new Headers(options.headers);
    const cookie = this.cookieHeader(url);
    if (cookie) headers.set('cookie', cookie);
    let body: string | undefined;
    if (options.form) {
      headers.set('content-type', 'application/x-www-form-urlencoded');
      // What a browser sends with a form: where the page that posts it comes from (same origin unless told).
      if (!headers.has('origin')) headers.set('origin', url.origin);
      body = new URLSearchParams(options.form).toString();
    }
    const response = await fetch(url, { method: options.method ?? (options.form ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    this.store(url, response.headers.getSetCookie());
    return { url, status: response.status, headers: response.headers, body: await response.text(), chain: [url] };
  }

  /** Requests, then follows redirects until a non-redirect answer or until `stopAt` matches the next URL. */
  async visit(target: string | URL, options: RequestOptions = {}, stopAt?: (next: URL) => boolean): Promise<Page> {
    let page = await this.request(target, options);
    const chain = [page.url];
    for (let hops = 0; page.status >= 300 && page.status < 400 && page.headers.has('location'); hops += 1) {
      if (hops > 20) throw new Error(`trop de redirections depuis ${String(target)}`);
      const next = new URL(page.headers.get('location') ?? '', page.url);
      if (stopAt?.(next)) return { ...page, chain: [...chain, next] };
      const keepPost = (page.status === 307 || page.status === 308) && options.form;
      page = await this.request(next, keepPost ? options : {});
      chain.push(next);
    }
    return { ...page, chain };
  }

  /** The Cookie header this browser would send to `url` (for load generators that replay a signed-in request). */
  cookieHeaderFor(url: string | URL): string {
    return this.cookieHeader(new URL(url));
  }

  private cookieHeader(url: URL): string {
    const now = Date.now();
    this.cookies = this.cookies.filter((c) => c.expires > now);
    return this.cookies
      .filter((c) => c.host === url.hostname && (url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  private store(url: URL, setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const separator = pair.indexOf('=');
      const cookie: Cookie = {
        name: pair.slice(0, separator),
        value: pair.slice(separator + 1),
        host: url.hostname,
        path: url.pathname.replace(/\/[^/]*$/, '') || '/',
        expires: Number.POSITIVE_INFINITY,
      };
      for (const attribute of attributes) {
        const [key = '', value = ''] = attribute.split('=');
        if (key.toLowerCase() === 'path') cookie.path = value || '/';
        if (key.toLowerCase() === 'expires') cookie.expires = Date.parse(value);
        if (key.toLowerCase() === 'max-age') cookie.expires = Date.now() + Number(value) * 1000;
      }
      this.cookies = this.cookies.filter((c) => !(c.name === cookie.name && c.host === cookie.host && c.path === cookie.path));
      if (cookie.expires > Date.now()) this.cookies.push(cookie);
    }
  }
}
