/**
 * The poll works out each subscriber's current cycle once per distinct billing terms (subscriber-load.ts cyclesOn):
 * whatever the terms (a billing day, an anchor old or recent, a change of billing day before or after today), the
 * cycle it gives is the one the billing calendar gives for those terms, also when subscribers share it.
 */
import { addDays, cycleOn, type CycleTerms } from '../../src/domain/billing-cycle';
import { cyclesOn } from '../../src/services/network/usage/subscriber-load';

const TODAYS = ['2026-01-31', '2026-02-28', '2026-03-01', '2026-11-27', '2026-12-05', '2028-02-29'];

function terms(today: string): CycleTerms[] {
  const out: CycleTerms[] = [];
  for (const billingDay of [1, 5, 15, 28, 31])
    for (const back of [0, 1, 20, 31, 32, 33, 40, 61, 400])
      for (const next of [null, -45, -3, 0, 10].map((d) =>
        d === null ? null : { billingDay: 1 + ((billingDay + 9) % 28), from: addDays(today, d) },
      ))
        out.push({ billingDay, startsOn: addDays(today, -back), next });
  return out;
}

test.each(TODAYS)('on %s every subscriber gets the cycle its own terms give', (today) => {
  const cycle = cyclesOn(today);
  // Twice over: the second pass is answered from what the first worked out.
  for (const pass of [1, 2])
    for (const t of terms(today)) expect([pass, t, cycle(t)]).toEqual([pass, t, cycleOn(t, today)]);
});
