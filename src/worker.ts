// The Workers entry: the app over the data bundled at build time (`wiregate pack`, run by wrangler).
// licenses/ is bundled as committed: public keys only; the local demo key is never part of it.

import { newApp } from './app.ts';
import { loadData, type DataFiles } from './data.ts';
import files from '../build/data.json';

export default newApp(loadData(files as DataFiles));
