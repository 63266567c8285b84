import { LoginsInFlight } from '../../src/router/hotspot/logins-in-flight';

describe('LoginsInFlight', () => {
  it('protects a queue from a snapshot taken before its login finished, and forgets it once seen', () => {
    const logins = new LoginsInFlight();
    const before = logins.mark();
    const done = logins.begin('pisonet-A', 'AA');
    const during = logins.mark();
    expect([...logins.devicesMissedBy(before)]).toEqual(['AA']);
    expect(logins.protects('pisonet-A', before)).toBe(true);
    expect(logins.protects('pisonet-A', during)).toBe(true); // still in flight
    done();
    expect(logins.protects('pisonet-A', during)).toBe(true); // finished after that read
    const after = logins.mark();
    expect(logins.protects('pisonet-A', after)).toBe(false);
    expect(logins.devicesMissedBy(after).size).toBe(0);
    expect(logins.protects('pisonet-B', before)).toBe(false);
    logins.forgetBefore(after);
    expect(logins.protects('pisonet-A', before)).toBe(false); // forgotten: later snapshots show it
  });

  it('keeps a login still in flight however many snapshots pass', () => {
    const logins = new LoginsInFlight();
    logins.begin('pisonet-A', 'AA');
    for (let i = 0; i < 3; i++) logins.forgetBefore(logins.mark());
    expect(logins.protects('pisonet-A', logins.mark())).toBe(true);
  });
});
