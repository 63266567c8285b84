import {
  lastDayToPay,
  oldestPastDue,
  suspensionDecision,
  type InvoiceDue,
} from '../../src/domain/billing-suspension';

const inv = (number: string, dueOn: string, due = 99_900, voided = false): InvoiceDue => ({
  number,
  dueOn,
  due,
  voided,
});

describe('billing suspension policy', () => {
  const jan8 = [inv('INV-000123', '2027-01-08')];

  it('suspends from the day after the due date, not on it', () => {
    expect(oldestPastDue(jan8, 0, '2027-01-08')).toBeNull();
    expect(oldestPastDue(jan8, 0, '2027-01-09')).toMatchObject({ number: 'INV-000123' });
    expect(suspensionDecision({ status: 'active', openCause: null }, jan8, 0, '2027-01-09')).toEqual({
      action: 'suspend',
      invoice: jan8[0],
      reason: 'Unpaid: INV-000123 was due 2027-01-08',
    });
  });

  it('counts the grace days: with 2, from the third day after the due date', () => {
    expect(lastDayToPay('2027-01-08', 2)).toBe('2027-01-10');
    expect(oldestPastDue(jan8, 2, '2027-01-10')).toBeNull();
    expect(oldestPastDue(jan8, 2, '2027-01-11')).not.toBeNull();
    // Across a month and a year's end.
    expect(oldestPastDue([inv('INV-000001', '2026-12-30')], 2, '2027-01-01')).toBeNull();
    expect(oldestPastDue([inv('INV-000001', '2026-12-30')], 2, '2027-01-02')).not.toBeNull();
  });

  it('never counts a void invoice, a paid one, or one with nothing left to pay', () => {
    const none = [inv('INV-000001', '2027-01-01', 99_900, true), inv('INV-000002', '2027-01-01', 0)];
    expect(oldestPastDue(none, 0, '2027-03-01')).toBeNull();
    expect(suspensionDecision({ status: 'active', openCause: null }, none, 0, '2027-03-01')).toEqual({
      action: 'none',
    });
  });

  it('names the oldest invoice past due', () => {
    const two = [
      inv('INV-000009', '2027-02-08'),
      inv('INV-000004', '2027-01-08'),
      inv('INV-000010', '2027-03-08'),
    ];
    expect(oldestPastDue(two, 0, '2027-02-20')?.number).toBe('INV-000004');
  });

  it("lifts billing's own suspension once nothing is past due, never one by hand", () => {
    const paid = [inv('INV-000123', '2027-01-08', 0)];
    expect(suspensionDecision({ status: 'suspended', openCause: 'unpaid' }, paid, 0, '2027-01-20')).toEqual({
      action: 'lift',
    });
    // Still past due for the invoice its reason names: stays as it is.
    const reason = 'Unpaid: INV-000123 was due 2027-01-08';
    expect(
      suspensionDecision({ status: 'suspended', openCause: 'unpaid', reason }, jan8, 0, '2027-01-20'),
    ).toEqual({ action: 'none' });
    // An invoice open but not yet past due does not keep it suspended.
    const notYet = [inv('INV-000200', '2027-02-08')];
    expect(suspensionDecision({ status: 'suspended', openCause: 'unpaid' }, notYet, 0, '2027-02-01')).toEqual(
      {
        action: 'lift',
      },
    );
    expect(suspensionDecision({ status: 'suspended', openCause: 'manual' }, paid, 0, '2027-01-20')).toEqual({
      action: 'none',
    });
    expect(suspensionDecision({ status: 'suspended', openCause: 'manual' }, jan8, 0, '2027-01-20')).toEqual({
      action: 'none',
    });
    expect(suspensionDecision({ status: 'ended', openCause: null }, jan8, 0, '2027-01-20')).toEqual({
      action: 'none',
    });
  });

  it("moves billing's reason to the oldest invoice past due once the one it names is paid or voided", () => {
    const reason = 'Unpaid: INV-000123 was due 2027-01-08';
    const later = [inv('INV-000123', '2027-01-08', 0), inv('INV-000150', '2027-02-08')];
    expect(
      suspensionDecision({ status: 'suspended', openCause: 'unpaid', reason }, later, 0, '2027-02-20'),
    ).toEqual({ action: 'restate', reason: 'Unpaid: INV-000150 was due 2027-02-08' });
    const voided = [inv('INV-000123', '2027-01-08', 99_900, true), inv('INV-000150', '2027-02-08')];
    expect(
      suspensionDecision({ status: 'suspended', openCause: 'unpaid', reason }, voided, 0, '2027-02-20'),
    ).toMatchObject({ action: 'restate' });
    // A suspension by hand keeps the owner's words.
    expect(
      suspensionDecision(
        { status: 'suspended', openCause: 'manual', untilPaid: true, reason: 'Nasira ang cable' },
        later,
        0,
        '2027-02-20',
      ),
    ).toEqual({ action: 'none' });
  });
});
