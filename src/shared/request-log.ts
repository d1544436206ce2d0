import type { Logger } from './logger.js';

/**
 * One HTTP request as its log lines see it. The edge makes it; whoever writes a line while
 * serving the request writes through `logger` (a child bound to the request id), and fills in
 * what the access line should say about it.
 */
export interface RequestLog {
  readonly id: string;
  readonly logger: Logger;
  operationName?: string;
  role?: string;
}
