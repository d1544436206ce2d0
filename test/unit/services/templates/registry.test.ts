import { describe, expect, it } from '@jest/globals';
import { TemplateNotFoundError } from '../../../../src/shared/errors.js';
import {
  parseTemplate,
  TemplateDefinitionError,
  TemplateRegistry,
  type Template,
} from '../../../../src/services/templates/index.js';

function template(fields: Record<string, unknown>): Template {
  return parseTemplate(
    { title: '标题', content: '内容:{{thing1.DATA}}', type: 2, ...fields },
    'test',
  );
}

const audit = template({ id: 'id-audit', name: 'AuditResult' });
const order = template({ id: 'id-order', name: 'OrderShipped' });

describe('TemplateRegistry', () => {
  it('lists templates in order and finds them by id or name', () => {
    const registry = new TemplateRegistry([audit, order]);
    expect(registry.list()).toEqual([audit, order]);
    expect(registry.find('id-order')).toBe(order);
    expect(registry.find('AuditResult')).toBe(audit);
    expect(registry.find('auditresult')).toBeUndefined();
    expect(registry.require('id-audit')).toBe(audit);
  });

  it('throws TemplateNotFoundError for unknown templates', () => {
    const registry = new TemplateRegistry([audit]);
    expect(() => registry.require('Nope')).toThrow(TemplateNotFoundError);
    expect(() => registry.require('Nope')).toThrow('Unknown template: Nope');
  });

  it('rejects duplicate ids, duplicate names and names that shadow an id', () => {
    const problemsFor = (templates: Template[]) => {
      try {
        new TemplateRegistry(templates);
      } catch (error) {
        if (error instanceof TemplateDefinitionError) return error.problems;
        throw error;
      }
      return [];
    };
    expect(problemsFor([audit, template({ id: 'id-audit', name: 'Other' })])).toEqual([
      'template Other (id id-audit): id id-audit is already used by template AuditResult (id id-audit)',
    ]);
    expect(problemsFor([audit, template({ id: 'x', name: 'AuditResult' })])).toEqual([
      'template AuditResult (id x): name AuditResult is already used by template AuditResult (id id-audit)',
    ]);
    expect(
      problemsFor([template({ id: 'Shadow', name: 'A' }), template({ id: 'b', name: 'Shadow' })]),
    ).toEqual(['template Shadow (id b): name Shadow equals the id of template A (id Shadow)']);
  });

  describe('mergeRemote', () => {
    const localPayment = template({
      id: 'id-pay',
      name: 'PaymentSuccess',
      content: '方式:{{enum_string1.DATA}}\n金额:{{amount2.DATA}}',
      keywordEnumValueList: [{ keywordCode: 'enum_string1.DATA', enumValueList: ['旧值'] }],
    });
    const remotePayment = template({
      priTmplId: 'id-pay',
      title: '支付成功通知',
      content: '支付方式:{{enum_string1.DATA}}\n支付金额:{{amount2.DATA}}\n备注:{{thing3.DATA}}',
      example: '支付方式:微信支付\n支付金额:￥1\n备注:无',
      type: 3,
      keywordEnumValueList: [
        { keywordCode: 'enum_string1.DATA', enumValueList: ['微信支付', '余额'] },
      ],
    });
    const remoteOnly = template({ priTmplId: 'id-new' });
    const local = new TemplateRegistry([audit, localPayment]);

    it('lets remote win, keeps the local name and local-only templates, adds remote-only ones', () => {
      const merged = local.mergeRemote([remotePayment, remoteOnly]);
      expect(merged).not.toBe(local);
      expect(merged.list().map((t) => t.name)).toEqual([
        'AuditResult',
        'PaymentSuccess',
        'Tmpl_id_hnew',
      ]);
      expect(merged.require('PaymentSuccess')).toEqual({
        ...remotePayment,
        name: 'PaymentSuccess',
      });
      expect(merged.require('id-pay').fields[0]!.enumValues).toEqual(['微信支付', '余额']);
      expect(local.require('PaymentSuccess')).toBe(localPayment);
    });

    it('keeps local enum values only where WeChat listed none', () => {
      const localWithEnum = template({
        id: 'id-e',
        name: 'WithEnum',
        content: 'a:{{enum_string1.DATA}}',
        keywordEnumValueList: [{ keywordCode: 'enum_string1', enumValueList: ['是', '否'] }],
      });
      // Hand-built, since the parser insists on enum values; mirrors a reply that omitted them.
      const remoteField = { ...localWithEnum.fields[0]!, enumValues: undefined, rule: 'x' };
      delete remoteField.enumValues;
      const remote: Template = {
        ...localWithEnum,
        name: 'Tmpl_id_he',
        title: '新',
        fields: [remoteField],
      };
      const merged = new TemplateRegistry([localWithEnum]).mergeRemote([remote]).require('id-e');
      expect(merged.title).toBe('新');
      expect(merged.fields[0]).toEqual(localWithEnum.fields[0]);
    });

    it('fails when a remote-only template collides with a local name', () => {
      const clash = template({ priTmplId: 'id-other', name: 'AuditResult' });
      expect(() => local.mergeRemote([clash])).toThrow(TemplateDefinitionError);
    });
  });
});
