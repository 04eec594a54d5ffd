import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTestEndpoint } from './endpointHelper';

describe('endpoint port after a restart', () => {
  it('listens on the preferred port when it is free, and on another when it is taken', async () => {
    const first = await startTestEndpoint();
    const port = first.endpoint.port;
    await first.endpoint.close();
    // The next start of the same store (the extension after a restart) gets the port back.
    const again = await startTestEndpoint({ preferredPort: port });
    assert.equal(again.endpoint.port, port);
    const health = await fetch(`${again.endpoint.url}/api/mlwb/v1/health`, { headers: { authorization: `Bearer ${again.endpoint.token}` } });
    assert.equal(health.status, 200);
    const logs: string[] = [];
    const other = await startTestEndpoint({ preferredPort: port, log: (m) => logs.push(m) });
    assert.notEqual(other.endpoint.port, port);
    assert.match(logs.join('\n'), new RegExp(`port ${port} is taken`));
  });
});
