/** Test and bench data without jest: the profiles subscriber tests and benches start from. */
/** The shipped prepaid profiles and two monthly plans, one of them capped. */
export const PROFILES = [
  { name: 'BASIC', price: 5, validity: '1h', users: 1, rate_up: '512K', rate_down: '1M' },
  {
    name: 'HOME10',
    billing: 'monthly',
    price: 999,
    rate_up: '5M',
    rate_down: '10M',
    data_cap: '100G',
    cap_policy: 'throttle',
    cap_rate_up: '512K',
    cap_rate_down: '1M',
  },
  {
    name: 'HOME25',
    billing: 'monthly',
    price: 1499,
    rate_up: '10M',
    rate_down: '25M',
    ppp_pool: 'pppoe-pool',
  },
];
