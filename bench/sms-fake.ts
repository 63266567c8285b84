/**
 * The fake Semaphore in its own process for `npm run bench -- sms` (Semaphore is another machine: its work is not
 * billed to the controller). Its clock follows the bench's fake clock: the parent sends `{ advance: ms }`.
 */
import { FakeSemaphore } from '../src/sms/fake-semaphore';

let offset = 0;
const fake = new FakeSemaphore(process.argv[2], () => Date.now() + offset);
process.on('message', (m: { advance?: number; calls?: boolean; stop?: boolean }) => {
  if (m.advance) offset += m.advance;
  if (m.calls) process.send!({ calls: fake.calls, sent: fake.sent.length });
  if (m.stop) void fake.stop().then(() => process.exit(0));
});
void fake.start().then((url) => process.send!({ url }));
