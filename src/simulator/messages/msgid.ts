import { randomBytes } from 'node:crypto';

const SIXTY_TWO_BITS = (1n << 62n) - 1n;
const FLOOR = 1n << 60n;

/**
 * Message ids like WeChat's (2097683633284153344): 64-bit, always above 2^60 and so above
 * Number.MAX_SAFE_INTEGER, which makes any JSON.parse precision loss in a client visible. Unique
 * for the life of the simulator.
 */
export class MsgIdGenerator {
  private readonly issued = new Set<string>();

  next(): string {
    for (;;) {
      const random = randomBytes(8).readBigUInt64BE() & SIXTY_TWO_BITS;
      const id = (FLOOR + random).toString();
      if (!this.issued.has(id)) {
        this.issued.add(id);
        return id;
      }
    }
  }
}
