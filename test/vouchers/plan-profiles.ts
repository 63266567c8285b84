/** The plans the tests of a voucher's move to another plan start from (test/vouchers/plan-change*.test.ts). */
export const PLAN_PROFILES = [
  { name: 'BASIC', price: 5, validity: '1h', users: 1, rate_up: '512K', rate_down: '1M' },
  { name: 'PAUSE30', price: 15, validity: '30m', users: 1, rate_up: '512K', rate_down: '1M' },
  { name: 'STANDARD', price: 10, validity: '2h', users: 1, rate_up: '1M', rate_down: '2M' },
  { name: 'PREMIUM', price: 20, validity: '5h', users: 1, rate_up: '5M', rate_down: '10M' },
  { name: 'DAY10', price: 10, validity: '1d', users: 1, rate_up: '1M', rate_down: '2M' },
  { name: 'DAY20', price: 20, validity: '1d', users: 1, rate_up: '2M', rate_down: '4M' },
  { name: 'OLD', price: 30, validity: '1d', users: 1, rate_up: '2M', rate_down: '4M' },
  { name: 'OPEN', price: 40, validity: 'unlimited', users: 1, rate_up: '1M', rate_down: '2M' },
  // Never a move's choice: a monthly plan (subscribers').
  { name: 'HOME10', billing: 'monthly', price: 999, rate_up: '5M', rate_down: '10M' },
];
