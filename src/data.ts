// The gateway's data: catalog and registry loaded together from files (disk on Node, bundle on Workers).

import { loadCatalog, type Catalog } from './catalog/catalog.ts';
import type { DataFile, DataProblem } from './catalog/types.ts';
import { feedWarnings, loadRegistry, type Registry } from './registry/registry.ts';

/** The raw files, as `scripts/pack-data.mjs` bundles them and the Node entry reads them. */
export interface DataFiles {
  readonly feeds: readonly DataFile[];
  readonly licenses: readonly DataFile[];
  /** The directories the files came from (default `feeds` and `licenses`): problems name files in them. */
  readonly dirs?: { readonly feeds: string; readonly licenses: string };
}

export interface GatewayData {
  readonly catalog: Catalog;
  readonly registry: Registry;
}

export class DataError extends Error {
  override readonly name = 'DataError';
  constructor(readonly problems: readonly DataProblem[]) {
    super(`invalid data:\n${problems.map(formatProblem).join('\n')}`);
  }
}

export function formatProblem(p: DataProblem): string {
  return `${p.severity}: ${p.file}: ${p.field} ${p.message}`;
}

/** Loads everything and reports every problem; warnings do not stop anything. */
export function checkData(files: DataFiles): { data: GatewayData; problems: DataProblem[] } {
  const dirs = files.dirs ?? { feeds: 'feeds', licenses: 'licenses' };
  const { catalog, problems: catalogProblems } = loadCatalog(files.feeds, dirs.feeds);
  const { registry, problems: registryProblems } = loadRegistry(files.licenses, dirs.licenses);
  const warnings = feedWarnings(registry, new Set(catalog.feeds.keys()), dirs.licenses);
  return { data: { catalog, registry }, problems: [...catalogProblems, ...registryProblems, ...warnings] };
}

/** Loads everything or throws a DataError naming each file and field at fault. */
export function loadData(files: DataFiles): GatewayData {
  const { data, problems } = checkData(files);
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new DataError(errors);
  return data;
}
