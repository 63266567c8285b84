/**
 * One road for a subscriber's speeds, read from the source with the TypeScript compiler:
 *
 * - the subscriber policy (domain/subscriber-policy.ts `subscriberSpeeds`) is asked in one place,
 *   src/services/network/usage/subscriber-speeds.ts (the portal shows its answer to the customer and applies nothing);
 * - the speeds a poll's bytes changed are decided by the poll's booking (`speedsAfter`), or between polls by the
 *   fair-use watch from the same call, and reach the router only through the enforcer's step: the rooms' step
 *   that applies them (`applySpeeds`) is handed to the site's enforcer where the site's parts are built, and
 *   called by nobody else;
 * - every subscriber's speeds at once (`subscriberSpeedsNow`) are the rooms' own checks', which put right what
 *   drifted;
 * - a running session ended to take new speeds (`restartSessions`) is the PPP room's alone.
 *
 * Each failure names the file that mentions a name it should not.
 */
import ts from 'typescript';
import { source, tsFiles } from './source';

const FILES = [...tsFiles('src'), ...tsFiles('cli')];

/** Each name, and every file that may mention it (its own declaration's included), and why. */
const ROAD: Record<string, { files: string[]; why: string }> = {
  subscriberSpeeds: {
    files: [
      'src/domain/subscriber-policy.ts',
      'src/services/network/usage/subscriber-speeds.ts',
      'src/web/portal/account.ts',
    ],
    why: "the policy's one caller, and the portal showing the customer its speed now",
  },
  speedsAfter: {
    files: [
      'src/services/network/usage/subscriber-speeds.ts',
      'src/services/network/usage/subscribers.ts',
      'src/services/network/usage/fup-watch-subscribers.ts',
    ],
    why: "the poll's booking decides the speeds its bytes changed, for the enforce order; the fair-use watch decides the same between polls from what it reads, for the enforcer's same step",
  },
  applySpeeds: {
    files: [
      'src/services/network/ppp-subscribers/index.ts',
      'src/services/network/radius-subscribers/index.ts',
      'src/services/network/site-stack/idle.ts',
      'src/services/network/site-stack/api-parts.ts',
      'src/services/network/site-stack/radius-parts.ts',
    ],
    why: "the rooms that define it, and the parts that hand it to the site's enforcer (withSubscriberSpeeds)",
  },
  subscriberSpeedsNow: {
    files: [
      'src/services/network/usage/subscriber-speeds.ts',
      'src/services/network/ppp-subscribers/speeds.ts',
      'src/services/network/radius-subscribers/rows.ts',
    ],
    why: "the rooms' checks, which ask it of every subscriber to put right what drifted",
  },
  restartSessions: {
    files: [
      'src/services/network/ppp-subscribers/speeds.ts',
      'src/services/network/ppp-subscribers/check.ts',
    ],
    why: 'the PPP room ends a session to take new speeds; nobody else does',
  },
};

/** The files that mention `name` as an identifier (a call, a property read, an import, a declaration). */
function mentioning(name: string): string[] {
  const out: string[] = [];
  for (const file of FILES) {
    const sf = source(file);
    let found = false;
    const visit = (n: ts.Node): void => {
      if (found) return;
      if (ts.isIdentifier(n) && n.text === name) found = true;
      else ts.forEachChild(n, visit);
    };
    visit(sf);
    if (found) out.push(file);
  }
  return out.sort();
}

test.each(Object.entries(ROAD))('%s is mentioned only where the road allows (%#)', (name, rule) => {
  expect([name, rule.why, mentioning(name)]).toEqual([name, rule.why, [...rule.files].sort()]);
});
