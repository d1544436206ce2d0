import { EventEmitter } from 'node:events';
import { describe, expect, it } from '@jest/globals';
import { installLastResortHandlers } from '../../../src/infra/last-resort.js';
import { recordingLogger } from '../../helpers/recording-logger.js';

describe('last-resort handlers', () => {
  it.each([
    ['uncaughtException', new Error('boom'), 'uncaught exception: exiting'],
    ['unhandledRejection', 'a bare string', 'unhandled promise rejection: exiting'],
  ])('log %s and exit non-zero', (event, thrown, message) => {
    const target = new EventEmitter();
    const logger = recordingLogger();
    const exits: number[] = [];
    installLastResortHandlers(target, logger, (code) => exits.push(code));

    target.emit(event, thrown);

    expect(exits).toEqual([1]);
    expect(logger.at('error').map((l) => l.msg)).toEqual([message]);
    expect(logger.text()).toContain(thrown instanceof Error ? thrown.message : thrown);
  });

  it('exits even when logging fails', () => {
    const target = new EventEmitter();
    const exits: number[] = [];
    const broken = recordingLogger();
    broken.error = () => {
      throw new Error('stdout closed');
    };
    installLastResortHandlers(target, broken, (code) => exits.push(code));
    expect(() => target.emit('uncaughtException', new Error('boom'))).toThrow('stdout closed');
    expect(exits).toEqual([1]);
  });
});
