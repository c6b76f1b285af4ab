// A licensed feed's template validator does not depend on the per-isolate placeholder nonce, so a
// licensee's If-None-Match still matches after a restart or in another Workers isolate. Node only:
// each child process is a fresh isolate with its own nonce.

import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('template validators', () => {
  it('are the same in another isolate, whose placeholders differ (a licensee revalidates after a restart)', () => {
    // Each Node process draws its own placeholder nonce; the template's ETag must not depend on it.
    const script = `
      const { receiptPlaceholder, receiptTemplate } = await import('./src/http/receipt-template.ts');
      const body = '<rss>' + receiptPlaceholder(0) + ' and ' + receiptPlaceholder(1) + '</rss>';
      const t = await receiptTemplate(body, 'application/rss+xml', '2026-01-01T00:00:00Z', []);
      console.log(JSON.stringify({ etag: t.etag, placeholder: receiptPlaceholder(0) }));`;
    const run = () =>
      JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' })) as {
        etag: string;
        placeholder: string;
      };
    const [a, b] = [run(), run()];
    expect(a.placeholder).not.toBe(b.placeholder);
    expect(a.etag).toBe(b.etag);
  });
});
