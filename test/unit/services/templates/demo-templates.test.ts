import { beforeAll, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import {
  exampleData,
  KNOWN_KEYWORD_KINDS,
  loadTemplatesFile,
  validateTemplateData,
  type Template,
} from '../../../../src/services/templates/index.js';
import { DEMO_TEMPLATE_IDS } from '../../../helpers/demo-templates.js';

const DEMO_FILE = fileURLToPath(new URL('../../../../templates/demo.json', import.meta.url));

describe('templates/demo.json', () => {
  let templates: Template[];

  beforeAll(async () => {
    templates = await loadTemplatesFile(DEMO_FILE);
  });

  it('loads all five demo templates, with the ids the tests address them by', () => {
    expect(templates.map((t) => t.name)).toEqual([
      'AuditResult',
      'OrderShipped',
      'AppointmentReminder',
      'PaymentSuccess',
      'CourseGradeReleased',
    ]);
    expect(Object.fromEntries(templates.map((t) => [t.name, t.id]))).toEqual(DEMO_TEMPLATE_IDS);
  });

  it('has the review template', () => {
    expect(templates.find((t) => t.name === 'AuditResult')).toMatchObject({
      title: '审核结果通知',
      content: '审核结果:{{phrase2.DATA}}\n备注:{{thing3.DATA}}\n',
      type: 'ONE_TIME',
    });
  });

  it('has realistic ids, 2-5 keywords per template and a long-term template', () => {
    for (const template of templates) {
      expect(template.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(template.fields.length).toBeGreaterThanOrEqual(2);
      expect(template.fields.length).toBeLessThanOrEqual(5);
    }
    expect(templates.some((t) => t.type === 'LONG_TERM')).toBe(true);
  });

  it('uses every keyword kind (enum_string standing in for its alias enum)', () => {
    const used = new Set(templates.flatMap((t) => t.fields.map((field) => field.kind)));
    expect([...used].sort()).toEqual(KNOWN_KEYWORD_KINDS.filter((kind) => kind !== 'enum').sort());
  });

  it('has examples whose values pass validation', () => {
    for (const template of templates) {
      const data = exampleData(template);
      expect(data && Object.keys(data)).toEqual(template.fields.map((field) => field.key));
      expect({ name: template.name, violations: validateTemplateData(template, data!) }).toEqual({
        name: template.name,
        violations: [],
      });
    }
  });
});
