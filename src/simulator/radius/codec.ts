/**
 * The simulator's one door to the project's RADIUS codec (src/radius): the router side speaks RADIUS through
 * these names only, so a change in the codec's API is one file's change here.
 */
export { attr, attrs, RadiusError, toGigawords } from '../../radius/packet';
export type { Attribute, RadiusCode, RadiusPacket } from '../../radius/packet';
export { exchange, listen } from '../../radius/udp';
export type { Peer, Responder } from '../../radius/udp';
