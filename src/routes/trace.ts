// POST /admin/trace (SPEC §14): is this text one of our stories, was it altered, whose copy is it?

import { readBody } from '../http/body.ts';
import { storeTraceLookup } from '../store/trace-lookup.ts';
import { traceText } from '../trace/trace.ts';
import { json, route } from './admin-http.ts';
import type { App } from './context.ts';

export function register(app: App): void {
  route(app, '/admin/trace', {
    POST: {
      grant: 'trace',
      handler: async (c) => {
        const { type, bytes } = await readBody(c.req.raw, ['text/plain', 'text/html']);
        // Whatever the page's bytes, a trace reads them as UTF-8 (broken sequences become U+FFFD).
        const text = new TextDecoder('utf-8').decode(bytes);
        const result = await traceText(text, type === 'text/html', storeTraceLookup(c.get('store').db, c.get('settings').excerptWords));
        return json(c, result);
      },
    },
  });
}
