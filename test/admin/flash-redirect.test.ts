import type { Request, Response } from 'express';
import { saveBeforeRedirect } from '../../src/web/admin/pages/common';

/** A request whose session store answers only when `finishSave` is called. */
function fixture(flash: boolean) {
  const order: string[] = [];
  let finishSave: (() => void) | undefined;
  const session = {
    ...(flash ? { flash: [{ type: 'ok', message: 'Limit set.' }] } : {}),
    save(cb: (err?: unknown) => void) {
      order.push('save started');
      finishSave = () => {
        order.push('save done');
        cb();
      };
    },
  };
  const req = { session } as unknown as Request;
  const res = {
    redirect(status: number, url: string) {
      order.push(`redirect ${status} ${url}`);
    },
  } as unknown as Response;
  const log = { error: jest.fn() } as never;
  saveBeforeRedirect(req, res, log);
  return { req, res, order, finish: () => finishSave?.() };
}

test('a redirect that carries a flash message is sent only after the session is stored', () => {
  const f = fixture(true);
  f.res.redirect(303, '/admin/bandwidth');
  expect(f.order).toEqual(['save started']);
  f.finish();
  expect(f.order).toEqual(['save started', 'save done', 'redirect 303 /admin/bandwidth']);
});

test('a redirect without a message is not held up', () => {
  const f = fixture(false);
  f.res.redirect(303, '/admin/vouchers');
  expect(f.order).toEqual(['redirect 303 /admin/vouchers']);
});
