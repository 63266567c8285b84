/**
 * V8 settings the server process starts with (`npm start`; the poll benchmark starts its controller with
 * the same ones). Without them V8 sizes its heap from the machine's RAM: on a 24 GiB box it lets the heap
 * grow to four times what is live before collecting it (peak RSS ~150-210 MiB at 5,000 customers, with
 * ~30 MiB live), on a 1 GiB box far less. Fixed values make the controller's memory the same on every box:
 * - the old-generation ceiling (512 MB) also caps how far V8 lets the heap outgrow what is live between
 *   full collections (its growth factor scales with this ceiling), still ten times the live heap at
 *   5,000 customers;
 * - a smaller young generation (8 MB semi-spaces instead of 16) keeps ~16 MB less memory committed, at the
 *   cost of more frequent (cheap) scavenges.
 * Measured with `npm run bench -- poll` (README, "Benchmarks").
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-old-space-size=512', '--max-semi-space-size=8'];
