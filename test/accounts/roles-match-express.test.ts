/**
 * The role gate reads an address as Express routes it: the table in src/domain/roles.ts and an Express 5 router
 * made of the same rows (in the same order, the app's default settings) give every spelling of every row the
 * same capability: in any letter case, with one trailing slash or two, with an empty segment. A spelling Express
 * sends to a row the table does not match would be a page reached past its gate.
 */
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { ADMIN_ROUTES, capabilityFor } from '../../src/domain/roles';
import { spellings } from './role-spellings';

let server: Server;
let url: string;

beforeAll(async () => {
  const app = express();
  const admin = express.Router();
  for (const [method, path, capability] of ADMIN_ROUTES) {
    const verb = method === '*' ? 'all' : (method.toLowerCase() as 'get' | 'post' | 'put' | 'delete');
    admin[verb](path, (_req, res) => void res.type('text').send(capability));
  }
  admin.use((_req, res) => void res.status(404).type('text').send('owner')); // unlisted: the owner's
  app.use('/admin', admin);
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/admin`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

test('every row, in every spelling: the capability Express routes it to is the one the gate asks', async () => {
  const differ: string[] = [];
  let asked = 0;
  for (const [method, path] of ADMIN_ROUTES) {
    const filled = path.replace(/:\w+/g, 'x1');
    for (const spelt of [...spellings(filled), `${filled}//`, filled.replace('/', '//'), `${filled}/x`]) {
      const m = method === '*' ? 'POST' : method;
      const routed = await (await fetch(`${url}${spelt}`, { method: m })).text();
      asked += 1;
      if (routed !== capabilityFor(m, spelt))
        differ.push(`${m} ${spelt}: Express ${routed}, gate ${capabilityFor(m, spelt)}`);
    }
  }
  expect(asked).toBeGreaterThan(ADMIN_ROUTES.length * 6);
  expect(differ).toEqual([]);
});
