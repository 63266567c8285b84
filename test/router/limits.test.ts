import { backoffDelay, Semaphore } from '../../src/router/limits';

describe('backoffDelay', () => {
  const opts = { minMs: 100, maxMs: 5000 };

  test('the first retry waits the minimum, whatever the jitter', () => {
    expect(backoffDelay(0, opts, () => 0)).toBe(100);
    expect(backoffDelay(0, opts, () => 0.999)).toBe(100);
  });

  test('grows exponentially with full jitter between min and the cap', () => {
    expect(backoffDelay(3, opts, () => 1)).toBe(800);
    expect(backoffDelay(3, opts, () => 0)).toBe(100);
    expect(backoffDelay(3, opts, () => 0.5)).toBe(450);
  });

  test('never exceeds maxMs, even after many attempts', () => {
    expect(backoffDelay(10, opts, () => 1)).toBe(5000);
    expect(backoffDelay(1000, opts, () => 1)).toBe(5000);
  });
});

describe('Semaphore', () => {
  test('admits at most `limit` holders and hands slots over in order', async () => {
    const sem = new Semaphore(2);
    const order: number[] = [];
    await sem.acquire();
    await sem.acquire();
    const third = sem.acquire().then(() => order.push(3));
    const fourth = sem.acquire().then(() => order.push(4));
    await Promise.resolve();
    expect(order).toEqual([]);
    expect(sem.inFlight).toBe(2);
    sem.release();
    await third;
    expect(order).toEqual([3]);
    sem.release();
    await fourth;
    sem.release();
    sem.release();
    expect(sem.inFlight).toBe(0);
    expect(sem.maxObserved).toBe(2);
  });

  test('rejects a nonsensical limit', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});
