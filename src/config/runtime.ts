/**
 * How the server process starts (`npm start`; the poll benchmark starts its controller the same way).
 * Measured with `npm run bench -- poll` (README, "Benchmarks"), 2,500 to 10,000 customers, on a 24 GiB 2-core box
 * (CHANGELOG.md, "Mechanisms: measured on and off"; what they are worth now: docs/performance.md).
 *
 * V8 flags. Without them V8 sizes its heap from the machine's RAM: on a 24 GiB box it lets the heap grow
 * to four times what is live before collecting it, on a 1 GiB box far less. Fixed values make the
 * controller's memory and its garbage collection the same on every box:
 * - the old-generation ceiling (512 MB), more than ten times the live heap at 10,000 customers;
 * - old-generation growth of 50% between full collections. The peak resident memory is about what lies outside
 *   the heap (~60 MiB: Node, ICU, SQLite) plus the young generation plus the live heap times this factor. At
 *   100% (chosen when every poll promoted 30-40 MB) the peak at 10,000 customers was 165-187 MiB; with the poll's
 *   per-customer objects dying young (rows streamed into the snapshot, each poll's usage written in its one
 *   transaction and dropped), full collections are rare enough at 50%, and the peak is 133-140 MiB.
 * - 6 MB semi-spaces (the young generation, 12 MB committed at most): at 8 a poll's garbage dies in fewer
 *   scavenges but 4-9 MiB more stays committed; at 4 the cycle's CPU rose by up to a third.
 * - no allocation-site pretenuring: V8 otherwise learns from a few polls in which an allocation site's objects
 *   survived (a poll's 10,000 device writes, held through its transaction) to allocate them straight in the old
 *   generation from then on, where only a full collection frees them; those writes now die young.
 */
export const SERVER_NODE_FLAGS: readonly string[] = [
  '--max-old-space-size=512',
  '--max-semi-space-size=6',
  '--heap-growing-percent=50',
  '--no-allocation-site-pretenuring',
];

/**
 * Environment the server process starts with, read by glibc when the process starts (so it must be set by
 * whatever starts Node):
 * Together they take 26 MiB off the peak at 10,000 customers (154 MiB without, 128 with; the poll writes its
 * usage straight into SQLite, whose pool threads parse a poll's JSON):
 * - MALLOC_ARENA_MAX: glibc gives each thread that allocates its own malloc arena (up to 8 per core); SQLite's
 *   work runs on libuv's pool threads, and their arenas kept freed memory resident.
 * - MALLOC_MMAP_THRESHOLD_: blocks from 128 KiB up come straight from the system and go back to it when freed.
 *   glibc's default starts there but raises the threshold to the largest block freed so far (up to 32 MiB), so
 *   a poll's large short-lived blocks (the JSON a poll stages its writes in, and SQLite's parse of it) were carved
 *   from the heap instead, and what was freed between live blocks stayed resident (CHANGELOG.md,
 *   "Mechanisms: measured on and off").
 */
export const SERVER_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '131072',
};
