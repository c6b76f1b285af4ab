import { describe, expect, it } from 'vitest';
import { bearer, gateway, LATE, SLUG } from './support/gateway.ts';

describe('smoke', () => {
  it('serves excerpt and licensed text', async () => {
    const gw = await gateway();
    const pub = await gw.request(`/articles/${SLUG}.txt`);
    expect(pub.status).toBe(200);
    expect(await pub.text()).not.toContain(LATE);
    const lic = await gw.request(`/articles/${SLUG}.txt`, bearer(await gw.token()));
    expect(lic.status).toBe(200);
    expect(await lic.text()).toContain(LATE);
  });
});
