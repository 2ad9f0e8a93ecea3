import { UsageError } from '../errors/index.js';

/** Connection settings of a Redis server from its URL; `shown` is the URL to print (no password). */
export interface RedisTarget {
  shown: string;
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls: boolean;
}

/**
 * Parses redis://[user[:password]@]host[:port][/db] and rediss://… (TLS). The password is kept out
 * of every message: errors and logs name `shown`, where it is replaced by '***'.
 */
export function parseRedisUrl(raw: string, label = 'cluster URL'): RedisTarget {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    // never echo the raw text: it may hold a password
    throw new UsageError(`${label} is not a URL (expected redis://[user:password@]host[:port][/db] or rediss://…)`);
  }
  const tls = u.protocol === 'rediss:';
  const shown = (() => {
    const copy = new URL(u.href);
    if (copy.password) copy.password = '***';
    return copy.href.replace(/\/$/, '');
  })();
  if (u.protocol !== 'redis:' && !tls) throw new UsageError(`${label} ${shown}: the scheme must be redis:// or rediss:// (TLS)`);
  if (!u.hostname) throw new UsageError(`${label} ${shown}: no host`);
  if (u.search || u.hash) throw new UsageError(`${label} ${shown}: query and fragment are not supported`);
  const port = u.port === '' ? 6379 : Number(u.port);
  const path = u.pathname.replace(/^\//, '');
  const db = path === '' ? 0 : Number(path);
  if (!Number.isInteger(db) || db < 0 || db > 15 || !/^\d*$/.test(path)) throw new UsageError(`${label} ${shown}: the path must be a database number 0–15`);
  return {
    shown,
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    tls,
  };
}

/** ioredis options for a target (BullMQ needs maxRetriesPerRequest null on blocking connections). */
export function connectionOptions(t: RedisTarget, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    host: t.host,
    port: t.port,
    db: t.db,
    ...(t.username !== undefined ? { username: t.username } : {}),
    ...(t.password !== undefined ? { password: t.password } : {}),
    ...(t.tls ? { tls: { servername: t.host } } : {}),
    maxRetriesPerRequest: null,
    // keep reconnecting quietly; the caller decides how long an outage may last
    retryStrategy: (times: number) => Math.min(100 * times, 1000),
    ...extra,
  };
}
