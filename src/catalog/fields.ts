// Small field readers that turn untyped JSON into typed values or record a problem.

import type { DataProblem } from './types.ts';

export class FieldReader {
  readonly problems: DataProblem[] = [];
  constructor(readonly file: string) {}

  error(field: string, message: string): void {
    this.problems.push({ file: this.file, field, message, severity: 'error' });
  }

  warn(field: string, message: string): void {
    this.problems.push({ file: this.file, field, message, severity: 'warning' });
  }

  object(value: unknown, field = '(root)'): Record<string, unknown> | undefined {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
    this.error(field, 'must be a JSON object');
    return undefined;
  }

  string(obj: Record<string, unknown>, field: string, opts: { optional?: boolean; pattern?: RegExp } = {}): string {
    const value = obj[field];
    if (value === undefined && opts.optional) return '';
    if (typeof value !== 'string' || (!opts.optional && value.trim() === '')) {
      this.error(field, 'must be a non-empty string');
      return '';
    }
    if (opts.pattern && value !== '' && !opts.pattern.test(value)) {
      this.error(field, `must match ${opts.pattern.source}`);
    }
    return value;
  }

  timestamp(obj: Record<string, unknown>, field: string): string {
    const value = this.string(obj, field);
    if (value && (!ISO_UTC.test(value) || Number.isNaN(Date.parse(value)))) {
      this.error(field, 'must be an ISO 8601 UTC time such as 2026-01-01T00:00:00Z');
    }
    return value;
  }

  strings(obj: Record<string, unknown>, field: string, opts: { optional?: boolean; pattern?: RegExp } = {}): string[] | undefined {
    const value = obj[field];
    if (value === undefined && opts.optional) return undefined;
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      this.error(field, 'must be an array of strings');
      return [];
    }
    value.forEach((v, i) => {
      if (opts.pattern && !opts.pattern.test(v)) this.error(`${field}[${i}]`, `must match ${opts.pattern.source}`);
    });
    return value;
  }

  unknownFields(obj: Record<string, unknown>, known: readonly string[]): void {
    for (const key of Object.keys(obj)) {
      if (!known.includes(key)) this.error(key, 'is not a known field');
    }
  }
}

export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
export const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Parses JSON text, recording a problem instead of throwing. */
export function parseJson(reader: FieldReader, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    reader.error('(file)', `is not valid JSON (${err instanceof SyntaxError ? err.message : 'parse error'})`);
    return undefined;
  }
}
