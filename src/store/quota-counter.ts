// Quotas on Workers (SPEC §13): one Durable Object per licensee holds its counters. A Durable Object
// runs one request at a time against its own storage, so its counter is exact across the whole
// deployment without a database round trip per check: 100 parallel requests against 10 a minute
// are admitted exactly 10 times.

import { quotaWindows, type QuotaLimits, type QuotaPort, type QuotaVerdict, type QuotaState } from './ledger.ts';

interface Storage {
  get<T>(key: string): Promise<T | undefined>;
  put(key: string, value: unknown): Promise<void>;
}

interface Counter {
  readonly window: string;
  readonly used: number;
}

/** The Durable Object class (wrangler.toml [[durable_objects.bindings]] QUOTAS). */
export class QuotaCounter {
  constructor(private readonly state: { readonly storage: Storage }) {}

  async fetch(request: Request): Promise<Response> {
    const { op, limits, n, now } = (await request.json()) as { op: 'take' | 'refund'; limits: QuotaLimits; n: number; now: number };
    const w = quotaWindows(now);
    const storage = this.state.storage;
    const current = async (name: 'minute' | 'month', window: string) => {
      const c = await storage.get<Counter>(name);
      return c && c.window === window ? c.used : 0;
    };
    let minute = await current('minute', w.minute);
    let month = await current('month', w.month);
    let admitted = true;
    if (op === 'take') {
      admitted = (!limits.requestsPerMinute || minute + 1 <= limits.requestsPerMinute) && (!limits.storiesPerMonth || month + n <= limits.storiesPerMonth);
      if (admitted) {
        minute += 1;
        month += n;
      }
    } else {
      minute = Math.max(0, minute - 1);
      month = Math.max(0, month - n);
    }
    await storage.put('minute', { window: w.minute, used: minute });
    await storage.put('month', { window: w.month, used: month });
    const quotas: QuotaState[] = [];
    if (limits.requestsPerMinute)
      quotas.push({ name: 'minute', limit: limits.requestsPerMinute, remaining: Math.max(0, limits.requestsPerMinute - minute), reset: w.minuteReset });
    if (limits.storiesPerMonth)
      quotas.push({ name: 'month', limit: limits.storiesPerMonth, remaining: Math.max(0, limits.storiesPerMonth - month), reset: w.monthReset });
    const monthFull = limits.storiesPerMonth !== undefined && month + n > limits.storiesPerMonth;
    const verdict: QuotaVerdict = admitted ? { admitted, quotas } : { admitted, quotas, retryAfter: monthFull ? w.monthReset : w.minuteReset };
    return Response.json(verdict);
  }
}

/** The part of a Durable Object namespace binding the port uses. */
export interface NamespaceLike {
  idFromName(name: string): unknown;
  get(id: never): { fetch(input: string, init: RequestInit): Promise<Response> };
}

/** The quota port over the QUOTAS namespace; `prefix` keeps test gateways' counters apart. */
export function durableQuotas(namespace: NamespaceLike, prefix = ''): QuotaPort {
  const call = async (op: 'take' | 'refund', licensee: string, limits: QuotaLimits, n: number, now: number): Promise<QuotaVerdict> => {
    const stub = namespace.get(namespace.idFromName(`${prefix}${licensee}`) as never);
    const res = await stub.fetch('https://quota/', { method: 'POST', body: JSON.stringify({ op, limits, n, now }) });
    return (await res.json()) as QuotaVerdict;
  };
  return {
    take: (licensee, limits, n, now) => call('take', licensee, limits, n, now),
    refund: async (licensee, limits, n, now) => {
      await call('refund', licensee, limits, n, now);
    },
  };
}
