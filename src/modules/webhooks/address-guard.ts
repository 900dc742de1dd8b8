import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net, { type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Webhooks must never reach Tenantry's own network: loopback, private, link-local (cloud metadata
 * at 169.254.169.254), multicast, unspecified and the other special ranges, IPv4 and IPv6,
 * IPv4-mapped IPv6 included (ipaddr.js classifies them). Only public unicast addresses pass.
 * The WHATWG URL parser already turns encodings such as 0x7f000001, 2130706433 and 0177.0.0.1
 * into 127.0.0.1, and the address is checked again when connecting, after DNS: a name that
 * resolved to a public address when saved may resolve to a private one later.
 */
export function isForbiddenAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return true;
  const parsed = ipaddr.process(address);
  return parsed.range() !== 'unicast';
}

export class ForbiddenAddressError extends Error {
  readonly code = 'EFORBIDDENADDRESS';
  constructor(host: string, address: string) {
    super(`${host} resolves to ${address}, a private or reserved address`);
  }
}

/** A DNS lookup for sockets that refuses forbidden addresses before any connection is made. */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 4);
      const list = addresses as dns.LookupAddress[];
      const refused = allowPrivate ? undefined : list.find((a) => isForbiddenAddress(a.address));
      if (refused) return callback(new ForbiddenAddressError(hostname, refused.address), '', 4);
      if ((options as dns.LookupOptions).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      callback(null, list[0].address, list[0].family);
    });
  };
}

type CreateConnection = (options: Record<string, unknown>, callback: (err: Error | null, socket?: unknown) => void) => unknown;

/**
 * An IP literal host skips DNS, so the lookup never sees it: such connections are checked here,
 * just before the socket is opened.
 */
function guardLiterals<T extends http.Agent>(agent: T, allowPrivate: boolean): T {
  const create = (agent as unknown as { createConnection: CreateConnection }).createConnection.bind(agent);
  (agent as unknown as { createConnection: CreateConnection }).createConnection = (options, callback) => {
    const host = String(options.host ?? '').replace(/^\[|\]$/g, '');
    if (!allowPrivate && net.isIP(host) && isForbiddenAddress(host)) {
      callback(new ForbiddenAddressError(host, host));
      return undefined;
    }
    return create(options, callback);
  };
  return agent;
}

/** HTTP(S) agents whose every connection is checked, whether its host is a name or an address. */
export function guardedAgents(allowPrivate: boolean) {
  const lookup = guardedLookup(allowPrivate);
  return {
    http: guardLiterals(new http.Agent({ lookup, keepAlive: false }), allowPrivate),
    https: guardLiterals(new https.Agent({ lookup, keepAlive: false }), allowPrivate),
  };
}

/**
 * Refusals that can be made when a URL is saved (400): not http(s), credentials in the URL, or a
 * host that is itself a forbidden address or a local name. Names are checked again at connect time.
 */
export function webhookUrlProblem(value: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an absolute http(s) URL';
  if (url.username || url.password) return 'must not contain a user name or password';
  if (allowPrivate) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(host)) return isForbiddenAddress(host) ? 'must not point to a private, loopback or reserved address' : null;
  if (host === 'localhost' || host.endsWith('.localhost') || !host.includes('.')) return 'must be a public host name';
  return null;
}
