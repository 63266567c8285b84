/** The Semaphore adapter against the fake of Semaphore's documented API on loopback. */
import { FakeSemaphore } from '../../src/sms/fake-semaphore';
import { semaphoreNumber, sendSemaphore, MAX_NUMBERS_PER_CALL } from '../../src/sms/semaphore';

const KEY = 'semaphore-key-0123456789abcdef';
let fake: FakeSemaphore;
let t = Date.UTC(2027, 0, 31, 1, 0, 0);
beforeEach(async () => {
  fake = new FakeSemaphore(KEY, () => t);
  await fake.start();
});
afterEach(() => fake.stop());

const settings = () => ({ apiUrl: fake.url, apiKey: KEY, senderName: 'PISONET' });

test('turns a stored mobile into the number Semaphore takes, and refuses what is not one', () => {
  expect(semaphoreNumber('+639171234567')).toBe('639171234567');
  expect(semaphoreNumber('09171234567')).toBe('639171234567');
  expect(() => semaphoreNumber('+6328123456')).toThrow(RangeError);
});

test('sends one message to many numbers in one call and reads the message list', async () => {
  const out = await sendSemaphore(
    settings(),
    ['639171234567', '639181234567'],
    'Invoice INV-000001: ₱999.00',
  );
  expect(out).toEqual({
    ok: true,
    messages: [
      { id: '1', recipient: '639171234567', status: 'Pending' },
      { id: '2', recipient: '639181234567', status: 'Pending' },
    ],
  });
  expect(fake.sent.map((s) => [s.number, s.senderName])).toEqual([
    ['639171234567', 'PISONET'],
    ['639181234567', 'PISONET'],
  ]);
  await expect(sendSemaphore(settings(), [], 'x')).rejects.toThrow(RangeError);
  await expect(
    sendSemaphore(
      settings(),
      Array.from({ length: MAX_NUMBERS_PER_CALL + 1 }, () => '639171234567'),
      'x',
    ),
  ).rejects.toThrow(RangeError);
});

test('an error object with HTTP 200 is a failure, never a send; the key never shows', async () => {
  fake.refuseNext = 1;
  const out = await sendSemaphore(settings(), ['639171234567'], 'hello');
  expect(out).toEqual({
    ok: false,
    error: 'Semaphore refused the message: sendername: The selected sendername is invalid.',
  });
  expect(fake.sent).toHaveLength(0);
  const bad = await sendSemaphore(settings(), ['12345'], 'hello');
  expect(bad).toMatchObject({
    ok: false,
    error: expect.stringContaining('number: The number format is invalid.'),
  });
  const wrongKey = await sendSemaphore(
    { ...settings(), apiKey: 'wrong-key-abcdef0123' },
    ['639171234567'],
    'x',
  );
  expect(wrongKey.ok).toBe(false);
  expect(JSON.stringify(wrongKey)).not.toContain('wrong-key-abcdef0123');
  expect(JSON.stringify(wrongKey)).toContain('HTTP 401');
});

test('past 120 calls a minute Semaphore says when to come back; down and 5xx are failures too', async () => {
  for (let i = 0; i < 120; i++)
    expect((await sendSemaphore(settings(), ['639171234567'], `m${i}`)).ok).toBe(true);
  expect(await sendSemaphore(settings(), ['639171234567'], 'one more')).toMatchObject({
    ok: false,
    retryAfterMs: 60_000,
    error: expect.stringContaining('HTTP 429'),
  });
  t += 60_000;
  expect((await sendSemaphore(settings(), ['639171234567'], 'later')).ok).toBe(true);
  fake.mode = 'error';
  expect(await sendSemaphore(settings(), ['639171234567'], 'x')).toMatchObject({
    ok: false,
    error: expect.stringContaining('HTTP 500'),
  });
  fake.mode = 'down';
  expect(await sendSemaphore(settings(), ['639171234567'], 'x')).toMatchObject({ ok: false });
});
