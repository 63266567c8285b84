/** How bytes are counted as packets and rates on the router's queues, sessions and interfaces. */
import type { InterfaceCounters, QueueItem } from './state';

/** Average packet size used to derive packet counts from bytes (queues, sessions, interfaces). */
export const PACKET_BYTES = 1500;
export const packets = (bytes: number): number => Math.ceil(bytes / PACKET_BYTES);

/** Bytes received (`rx`) and sent (`tx`) added to an interface's counters, with their packets. */
export function countInterface(c: InterfaceCounters, rx: number, tx: number): void {
  c.rxByte += rx;
  c.txByte += tx;
  c.rxPacket += packets(rx);
  c.txPacket += packets(tx);
}

/** A round's bytes (`up`/`down` over `secs`) on a queue; `sum`: the round's rate adds up (a parent of several children). */
export function countQueue(
  queue: QueueItem,
  up: number,
  down: number,
  secs: number,
  now: number,
  sum = false,
): void {
  queue.bytes = [queue.bytes[0] + up, queue.bytes[1] + down];
  queue.packets = [queue.packets[0] + packets(up), queue.packets[1] + packets(down)];
  const rate = [Math.round((up * 8) / secs), Math.round((down * 8) / secs)];
  const pRate = [Math.round(packets(up) / secs), Math.round(packets(down) / secs)];
  queue.rate = sum ? [queue.rate[0] + rate[0], queue.rate[1] + rate[1]] : [rate[0], rate[1]];
  queue.packetRate = sum
    ? [queue.packetRate[0] + pRate[0], queue.packetRate[1] + pRate[1]]
    : [pRate[0], pRate[1]];
  queue.lastTrafficAt = now;
}
