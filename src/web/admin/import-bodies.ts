/**
 * The bodies of a customer import, larger than any other admin form: the API's `text/csv` and the import page's
 * form holding the file's text. Only on their two addresses; every other body keeps the parsers' 256 kB.
 */
import express, { type RequestHandler } from 'express';
import { IMPORT_MAX_BYTES, importTooLarge } from '../../services/subscriptions/subscribers/import';

const IMPORT_PATH = /^\/admin\/(?:api\/)?subscribers\/import\/?$/i;

/** A form's text is percent-encoded: a comma or a line break takes three bytes. */
const FORM_LIMIT = IMPORT_MAX_BYTES * 3 + 64 * 1024;

export function importBodies(): RequestHandler {
  const text = express.text({ type: 'text/csv', limit: IMPORT_MAX_BYTES });
  const form = express.urlencoded({ extended: false, limit: FORM_LIMIT, parameterLimit: 10 });
  return (req, res, next) => {
    if (req.method !== 'POST' || !IMPORT_PATH.test(req.originalUrl.split('?')[0])) return next();
    const parse = req.is('text/csv') ? text : form;
    parse(req, res, (err?: unknown) =>
      next(
        (err as { type?: string } | undefined)?.type === 'entity.too.large'
          ? importTooLarge('over 2 MB')
          : err,
      ),
    );
  };
}
