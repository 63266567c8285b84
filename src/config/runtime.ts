/**
 * How the server process starts (`npm start`; the poll benchmark starts its controller the same way).
 * Measured with `npm run bench -- poll` (README, "Benchmarks"), 5,000 customers, on a 24 GiB 2-core box.
 *
 * V8 flags. Without them V8 sizes its heap from the machine's RAM: on a 24 GiB box it lets the heap grow
 * to four times what is live before collecting it, on a 1 GiB box far less. Fixed values make the
 * controller's memory and its garbage collection the same on every box:
 * - the old-generation ceiling (512 MB), ten times the live heap at 5,000 customers;
 * - old-generation growth of 100% between full collections. With a 512 MB ceiling V8 would pick ~1.4x,
 *   and the poll (about 20 MB live, several MB promoted per cycle) ran a full mark-compact about every
 *   second cycle: 33 in 56 cycles, a third of a cycle's CPU when one landed in it. At 2x: 11.
 * - a smaller young generation (8 MB semi-spaces instead of 16) keeps ~16 MB less memory committed, at the
 *   cost of more frequent (cheap) scavenges.
 */
export const SERVER_NODE_FLAGS: readonly string[] = [
  '--max-old-space-size=512',
  '--max-semi-space-size=8',
  '--heap-growing-percent=100',
];

/**
 * Environment the server process starts with. glibc gives each thread that allocates its own malloc
 * arena (up to 8 per core); SQLite's work runs on libuv's pool threads, and their arenas kept ~15 MB of
 * freed memory resident at 5,000 customers (peak RSS 132-135 MiB; 118 MiB with two arenas, for the same
 * CPU). Read by glibc when the process starts, so it must be set by whatever starts Node.
 */
export const SERVER_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };
