import { cycleOn, nextCycleStart } from '../../src/domain/billing-cycle';
import { AppError, ValidationErrors } from '../../src/domain/errors';
import { parseSubscriberFields } from '../../src/domain/subscriber-fields';
import { transition } from '../../src/domain/subscriber-status';

const terms = (billingDay: number, startsOn = '2020-01-01') => ({ billingDay, startsOn });

describe('the billing cycle of a day', () => {
  test.each([
    // billing day, today, start, end
    [1, '2026-11-26', '2026-11-01', '2026-11-30'],
    [1, '2026-12-01', '2026-12-01', '2026-12-31'],
    [15, '2026-11-14', '2026-10-15', '2026-11-14'],
    [15, '2026-11-15', '2026-11-15', '2026-12-14'],
    // Across the year's end.
    [20, '2027-01-05', '2026-12-20', '2027-01-19'],
    // A 28th: every month has one; February ends the cycle the day before March's.
    [28, '2027-02-28', '2027-02-28', '2027-03-27'],
    [28, '2027-02-27', '2027-01-28', '2027-02-27'],
    // Months of 29, 30, 31 days: the cycle runs to the day before the next billing day.
    [1, '2028-02-10', '2028-02-01', '2028-02-29'], // leap year
    [1, '2027-02-10', '2027-02-01', '2027-02-28'],
    [1, '2026-04-30', '2026-04-01', '2026-04-30'],
    [1, '2026-01-31', '2026-01-01', '2026-01-31'],
    [28, '2028-02-29', '2028-02-28', '2028-03-27'],
    [28, '2028-03-01', '2028-02-28', '2028-03-27'],
  ])('day %i on %s: %s to %s', (day, today, start, end) => {
    expect(cycleOn(terms(day), today)).toEqual({ start, end });
  });

  it('starts on starts_on when service began mid-cycle, and before it gives the first cycle', () => {
    expect(cycleOn(terms(5, '2026-11-20'), '2026-11-26')).toEqual({ start: '2026-11-20', end: '2026-12-04' });
    expect(cycleOn(terms(5, '2026-11-20'), '2026-12-05')).toEqual({ start: '2026-12-05', end: '2027-01-04' });
    expect(cycleOn(terms(5, '2026-12-10'), '2026-11-26')).toEqual({ start: '2026-12-10', end: '2027-01-04' });
    // Starting on the billing day itself: a whole first cycle.
    expect(cycleOn(terms(5, '2026-11-05'), '2026-11-05')).toEqual({ start: '2026-11-05', end: '2026-12-04' });
  });

  it('a changed billing day counts from the next cycle on, the change cycle ending the day before the new day', () => {
    const t = { billingDay: 5, startsOn: '2026-01-01', next: { billingDay: 20, from: '2026-12-05' } };
    expect(cycleOn(t, '2026-11-26')).toEqual({ start: '2026-11-05', end: '2026-12-04' });
    expect(cycleOn(t, '2026-12-05')).toEqual({ start: '2026-12-05', end: '2026-12-19' });
    expect(cycleOn(t, '2026-12-20')).toEqual({ start: '2026-12-20', end: '2027-01-19' });
    expect(nextCycleStart(terms(5), '2026-11-26')).toBe('2026-12-05');
  });
});

describe("a subscriber's status", () => {
  it('moves active ↔ suspended and either to ended, never back from ended', () => {
    expect(transition('active', 'suspend')).toBe('suspended');
    expect(transition('suspended', 'resume')).toBe('active');
    expect(transition('active', 'end')).toBe('ended');
    expect(transition('suspended', 'end')).toBe('ended');
    const refused = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return [(e as AppError).code, (e as AppError).status];
      }
      return 'allowed';
    };
    expect(refused(() => transition('ended', 'resume'))).toEqual(['SUBSCRIBER_ENDED', 409]);
    expect(refused(() => transition('ended', 'end'))).toEqual(['SUBSCRIBER_ENDED', 409]);
    expect(refused(() => transition('active', 'resume'))).toEqual(['SUBSCRIBER_STATUS', 409]);
    expect(refused(() => transition('suspended', 'suspend'))).toEqual(['SUBSCRIBER_STATUS', 409]);
  });
});

describe("a subscriber's fields", () => {
  const good = {
    name: 'Juan dela Cruz',
    mobile: '0917 123 4567',
    profile: 'HOME10',
    billing_day: 5,
    username: 'juan.dc',
  };
  it('keeps a mobile number as +639…', () => {
    expect(parseSubscriberFields(good, false).mobile).toBe('+639171234567');
    expect(parseSubscriberFields({ ...good, mobile: '+639171234567' }, false).mobile).toBe('+639171234567');
  });
  it('never repeats a refused password in its message', () => {
    try {
      parseSubscriberFields({ ...good, password: 'has a space' }, false);
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationErrors);
      expect((e as Error).message).not.toContain('has a space');
      expect((e as ValidationErrors).fields).toEqual(['password']);
    }
  });
});
