import { describe, expect, it } from '@jest/globals';
import { capturedPino } from '../../helpers/captured-pino.js';

const SECRET = 'sEcReT-value-0123456789';

describe('the process logger', () => {
  it('redacts secrets, tokens and authorization headers wherever a caller puts them', () => {
    const { logger, lines, text } = capturedPino('trace');
    logger.info(
      {
        secret: SECRET,
        appSecret: SECRET,
        access_token: SECRET,
        accessToken: SECRET,
        token: SECRET,
        authorization: `Bearer ${SECRET}`,
        headers: { authorization: `Bearer ${SECRET}` },
        req: { headers: { authorization: `Bearer ${SECRET}` } },
        nested: {
          secret: SECRET,
          appSecret: SECRET,
          access_token: SECRET,
          accessToken: SECRET,
          token: SECRET,
          authorization: SECRET,
        },
        kept: 'visible',
      },
      'a line with everything in it',
    );
    logger.child({ token: SECRET }).debug({ query: { access_token: SECRET } }, 'child line');
    expect(text()).not.toContain(SECRET);
    const [first, second] = lines();
    expect(first).toMatchObject({
      secret: '[redacted]',
      token: '[redacted]',
      nested: { access_token: '[redacted]', authorization: '[redacted]' },
      kept: 'visible',
      msg: 'a line with everything in it',
    });
    expect(second).toMatchObject({ query: { access_token: '[redacted]' }, level: 20 });
  });

  it('writes one JSON object a line by default, and readable text with LOG_FORMAT=pretty', () => {
    const json = capturedPino('info');
    json.logger.info({ requestId: 'r-1' }, 'hello');
    expect(json.lines()).toEqual([expect.objectContaining({ msg: 'hello', requestId: 'r-1' })]);

    const pretty = capturedPino('info', 'pretty');
    pretty.logger.info({ requestId: 'r-1', token: SECRET }, 'hello');
    const out = pretty.text();
    expect(out).toMatch(/INFO.*hello/);
    expect(out).toContain('requestId: "r-1"');
    expect(out).not.toContain(SECRET);
    expect(() => JSON.parse(out)).toThrow();
  });

  it('writes a child’s lines with its bindings, in order, at the levels enabled only', () => {
    const { logger, lines } = capturedPino('info');
    const request = logger.child({ app: 'default' }).child({ requestId: 'r-1' });
    request.debug({ dropped: true }, 'below the level');
    request.info('100%s sure');
    request.warn({ attempt: 2 }, 'retrying');
    logger.child({ unused: true });
    expect(lines().map(({ time: _time, pid: _pid, hostname: _host, ...line }) => line)).toEqual([
      { level: 30, app: 'default', requestId: 'r-1', msg: '100%s sure' },
      { level: 40, app: 'default', requestId: 'r-1', attempt: 2, msg: 'retrying' },
    ]);
    expect(Object.keys(lines()[1]!)).toEqual([
      'level',
      'time',
      'pid',
      'hostname',
      'app',
      'requestId',
      'attempt',
      'msg',
    ]);
  });
});
