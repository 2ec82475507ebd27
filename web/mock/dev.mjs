#!/usr/bin/env node
// `npm run dev`: the mock API (web/mock/server.mjs, API only) and Vite's dev
// server with hot reload, which forwards /api to it (vite.config.ts).
//   XPUPLAN_MOCK_PORT (default 8787), XPUPLAN_API (another API instead of the mock,
//   e.g. http://127.0.0.1:8080 for a running `xpuplan serve`).
import { createServer as createVite } from 'vite';
import { createMockServer } from './server.mjs';

const port = Number(process.env.XPUPLAN_MOCK_PORT ?? 8787);
if (!process.env.XPUPLAN_API) {
  const mock = createMockServer({ port, apiOnly: true });
  await new Promise((resolve) => mock.listen(port, '127.0.0.1', resolve));
  process.env.XPUPLAN_API = `http://127.0.0.1:${port}`;
  console.log(`mock API on ${process.env.XPUPLAN_API}/api/ (fixtures from web/fixtures)`);
}
const vite = await createVite({ configFile: new URL('../vite.config.ts', import.meta.url).pathname, server: { host: '127.0.0.1' } });
await vite.listen();
vite.printUrls();
