import { describe, expect, it } from '@jest/globals';
import { toSubscribeResults } from '../../../examples/miniprogram/subscribe-results.js';
import { DEMO_TEMPLATE_IDS } from '../../helpers/demo-templates.js';

const { AuditResult: A, OrderShipped: B, AppointmentReminder: C } = DEMO_TEMPLATE_IDS;

describe('toSubscribeResults', () => {
  it('maps each documented choice to the gateway enum, in request order, without errMsg', () => {
    const result = {
      errMsg: 'requestSubscribeMessage:ok',
      [B]: 'reject',
      [A]: 'accept',
      [C]: 'ban',
    };
    expect(toSubscribeResults(result, [A, B, C])).toEqual([
      { templateId: A, status: 'ACCEPT' },
      { templateId: B, status: 'REJECT' },
      { templateId: C, status: 'BAN' },
    ]);
  });

  it('reports a duplicate-title filter as FILTER', () => {
    expect(toSubscribeResults({ errMsg: 'ok', [A]: 'accept', [B]: 'filter' }, [A, B])).toEqual([
      { templateId: A, status: 'ACCEPT' },
      { templateId: B, status: 'FILTER' },
    ]);
  });

  it.each(['acceptWithAudio', 'acceptWithAlert', 'acceptWithForcePush'])(
    'counts %s as ACCEPT',
    (choice) => {
      expect(toSubscribeResults({ errMsg: 'ok', [A]: choice }, [A])).toEqual([
        { templateId: A, status: 'ACCEPT' },
      ]);
    },
  );

  it('leaves out ids without an answer, undocumented values and repeated ids', () => {
    const result = { errMsg: 'requestSubscribeMessage:ok', [A]: 'fail', [B]: 'accept' };
    expect(toSubscribeResults(result, [A, B, B, C])).toEqual([{ templateId: B, status: 'ACCEPT' }]);
  });

  it('never reads errMsg as a template, even when asked to', () => {
    expect(toSubscribeResults({ errMsg: 'accept' }, ['errMsg'])).toEqual([]);
  });

  it('ignores answers for ids that were not requested', () => {
    expect(toSubscribeResults({ errMsg: 'ok', [A]: 'accept', [B]: 'accept' }, [B])).toEqual([
      { templateId: B, status: 'ACCEPT' },
    ]);
  });
});
