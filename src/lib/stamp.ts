/**
 * An order of observations within this process: each call returns a larger number. For telling which of two
 * sources saw something last when the shop's clock (a test's fake clock) may not move between them.
 */
let last = 0;
export const nextStamp = (): number => ++last;
