/** Shared by the codec tests: the secret, RadiusError expectations, MD5 as the RFCs write it, a seeded generator. */
import { createHash } from 'node:crypto';
import { RadiusError } from '../../src/radius/packet';

export const SECRET = 'testing123';

export function expectRadiusError(fn: () => unknown, code: RadiusError['code'], message?: RegExp): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(RadiusError);
  expect((thrown as RadiusError).code).toBe(code);
  if (message) expect((thrown as RadiusError).message).toMatch(message);
}

export function md5(...parts: Buffer[]): Buffer {
  return createHash('md5').update(Buffer.concat(parts)).digest();
}

/** A deterministic generator, so a failing fuzz case fails the same way every run. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
}

/** Runs `fn`; anything it throws must be a RadiusError. */
export function expectOnlyRadiusErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof RadiusError)) throw err;
  }
}
