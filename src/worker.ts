// The Workers entry: the app over the data bundled at build time (`wiregate pack`, run by wrangler).
// licenses/ is bundled as committed: public keys only; the local demo key is never part of it.

import { newApp } from './app.ts';
import { loadData, type DataFiles } from './data.ts';
import { withRequestOrigin } from './http/origin-bindings.ts';
import type { Bindings } from './settings.ts';
import files from '../build/data.json';

const app = newApp(loadData(files as DataFiles));

// Links follow the Worker's own origin unless WIREGATE_PUBLIC_URL is set (see origin-bindings.ts).
export default {
  fetch: (request: Request, env: Bindings, ctx: Parameters<typeof app.fetch>[2]) => app.fetch(request, withRequestOrigin(env, request), ctx),
};
