import { clipInput, MAX_QUOTED_INPUT } from '../shared/quote-input.js';

/** Longer than any message the gateway or graphql-js writes about well-sized input. */
const MAX_MESSAGE_LENGTH = 1000;

/**
 * graphql-js and Apollo repeat input in their messages: unknown field, argument and operation
 * names, and whole variable values (`Variable "$input" got invalid value { … }`). Each quoted
 * string and each unbroken run of characters keeps at most MAX_QUOTED_INPUT characters, and the
 * whole message keeps its start and its end (where graphql-js says what was expected).
 */
export function boundMessage(message: string): string {
  if (message.length <= MAX_QUOTED_INPUT) return message;
  const clipped = message
    .replace(/"(?:[^"\\]|\\.)*"/g, (quoted) =>
      quoted.length > MAX_QUOTED_INPUT + 2 ? `"${clipInput(quoted.slice(1, -1))}"` : quoted,
    )
    .replace(/[^\s"]{201,}/g, (run) => clipInput(run));
  if (clipped.length <= MAX_MESSAGE_LENGTH) return clipped;
  const half = MAX_MESSAGE_LENGTH / 2;
  return `${clipped.slice(0, half)} … ${clipped.slice(-half)}`;
}
