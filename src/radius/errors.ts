/**
 * The one error of the RADIUS codec and its UDP exchange, with a stable code. Lives in its own module so the
 * dictionary and the packet codec can both throw it without importing each other; packet.ts re-exports it.
 */
type RadiusErrorCode =
  | 'MALFORMED' // the bytes are not a RADIUS packet this codec handles (lengths, truncation, unknown code)
  | 'BAD_AUTHENTICATOR' // Request or Response Authenticator does not match: wrong secret or a forged packet
  | 'BAD_MESSAGE_AUTHENTICATOR' // Message-Authenticator wrong, or missing where it is required
  | 'UNKNOWN_ATTRIBUTE' // a name the dictionary does not have
  | 'BAD_VALUE' // a value that cannot be encoded as its attribute's type
  | 'TIMEOUT' // no verified reply after every try
  | 'UNEXPECTED_REPLY' // a reply that does not answer the request (identifier, or a code that cannot answer it)
  | 'NETWORK'; // the UDP socket itself failed (bind, send, name lookup)

export class RadiusError extends Error {
  override readonly name = 'RadiusError';

  constructor(
    readonly code: RadiusErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
