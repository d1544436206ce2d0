import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { renderSchemaFile, SCHEMA_FILE } from '../../../scripts/print-schema.js';
import { ISSUE_3_CONTRACT } from '../../helpers/public-api-sdl.js';

function firstDifference(committed: string, fresh: string): string {
  const a = committed.split('\n');
  const b = fresh.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      return `line ${i + 1}:\n  committed: ${a[i] ?? '<end of file>'}\n  built:     ${b[i] ?? '<end of file>'}`;
    }
  }
  return 'no line differs';
}

function kindOf(type: GraphQLNamedType): string {
  if (isObjectType(type)) return 'type';
  if (isInputObjectType(type)) return 'input';
  if (isEnumType(type)) return 'enum';
  if (isScalarType(type)) return 'scalar';
  return 'other';
}

/** Every way `actual` breaks a client written against `contract`; empty when it honours it. */
function contractViolations(contract: GraphQLSchema, actual: GraphQLSchema): string[] {
  const violations: string[] = [];
  for (const expected of Object.values(contract.getTypeMap())) {
    if (
      expected.name.startsWith('__') ||
      ['String', 'Int', 'Boolean', 'ID', 'Float'].includes(expected.name)
    ) {
      continue;
    }
    const found = actual.getType(expected.name);
    if (!found) {
      violations.push(`${expected.name}: missing`);
      continue;
    }
    if (kindOf(found) !== kindOf(expected)) {
      violations.push(`${expected.name}: is ${kindOf(found)}, contract says ${kindOf(expected)}`);
      continue;
    }
    if (isEnumType(expected) && isEnumType(found)) {
      const values = new Set(found.getValues().map((v) => v.name));
      for (const value of expected.getValues()) {
        if (!values.has(value.name))
          violations.push(`${expected.name}.${value.name}: missing enum value`);
      }
    }
    if (isObjectType(expected) && isObjectType(found)) {
      const fields = found.getFields();
      for (const field of Object.values(expected.getFields())) {
        const got = fields[field.name];
        const where = `${expected.name}.${field.name}`;
        if (!got) {
          violations.push(`${where}: missing`);
          continue;
        }
        if (String(got.type) !== String(field.type)) {
          violations.push(`${where}: is ${String(got.type)}, contract says ${String(field.type)}`);
        }
        const gotArgs = new Map(got.args.map((arg) => [arg.name, arg]));
        for (const arg of field.args) {
          const gotArg = gotArgs.get(arg.name);
          if (!gotArg) violations.push(`${where}(${arg.name}): missing argument`);
          else if (
            String(gotArg.type) !== String(arg.type) ||
            gotArg.defaultValue !== arg.defaultValue
          ) {
            violations.push(
              `${where}(${arg.name}): is ${String(gotArg.type)} = ${String(gotArg.defaultValue)}, contract says ${String(arg.type)} = ${String(arg.defaultValue)}`,
            );
          }
          gotArgs.delete(arg.name);
        }
        for (const extra of gotArgs.values()) {
          if (isNonNullType(extra.type))
            violations.push(`${where}(${extra.name}): extra required argument`);
        }
      }
    }
    if (isInputObjectType(expected) && isInputObjectType(found)) {
      const fields = found.getFields();
      const contractFields = expected.getFields();
      for (const field of Object.values(contractFields)) {
        const got = fields[field.name];
        if (!got) violations.push(`${expected.name}.${field.name}: missing`);
        else if (String(got.type) !== String(field.type)) {
          violations.push(
            `${expected.name}.${field.name}: is ${String(got.type)}, contract says ${String(field.type)}`,
          );
        }
      }
      for (const extra of Object.values(fields)) {
        if (
          !contractFields[extra.name] &&
          isNonNullType(extra.type) &&
          extra.defaultValue === undefined
        ) {
          violations.push(`${expected.name}.${extra.name}: extra required input field`);
        }
      }
    }
  }
  return violations;
}

describe('schema.graphql', () => {
  it('is up to date with the schema built from the demo apps’ templates', async () => {
    const committed = await readFile(SCHEMA_FILE, 'utf8').catch(() => '');
    const fresh = await renderSchemaFile();
    if (committed !== fresh) {
      throw new Error(
        `schema.graphql is stale: run \`npm run schema:print\` and commit the result.\nFirst difference at ${firstDifference(committed, fresh)}`,
      );
    }
  });

  it('would notice a change: another templates file renders a different schema', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'schema-snapshot-'));
    try {
      const file = join(dir, 'one.json');
      const template = {
        priTmplId: 'abcDEF0123456789abcDEF0123456789abcDEF01234',
        name: 'OnlyOne',
        title: '唯一模板',
        content: '备注:{{thing1.DATA}}\n',
        type: 2,
      };
      await writeFile(file, JSON.stringify({ templates: [template] }), 'utf8');
      const other = await renderSchemaFile(file);
      expect(other).toContain('sendOnlyOne(input: SendOnlyOneInput!): Message!');
      expect(other).not.toContain('sendAuditResult');
      expect(other).not.toBe(await readFile(SCHEMA_FILE, 'utf8'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('honours the contract of issue 3, name for name and type for type', async () => {
    const contract = buildSchema(ISSUE_3_CONTRACT);
    const actual = buildSchema(await readFile(SCHEMA_FILE, 'utf8'));
    expect(contractViolations(contract, actual)).toEqual([]);
  });

  it('the contract check itself catches a renamed field, a changed type and a dropped default', () => {
    const contract = buildSchema(
      `type Query { messages(first: Int = 20): [String!]! template(id: ID!): String }`,
    );
    const broken = buildSchema(
      `type Query { messages(first: Int): [String] templateById(id: ID!): String }`,
    );
    expect(contractViolations(contract, broken)).toEqual([
      'Query.messages: is [String], contract says [String!]!',
      'Query.messages(first): is Int = undefined, contract says Int = 20',
      'Query.template: missing',
    ]);
  });

  it('prints the contract’s root fields and the typed send of each demo template verbatim', async () => {
    const text = await readFile(SCHEMA_FILE, 'utf8');
    const lines = [
      // Query and Mutation fields of the contract (arguments appear sorted by name).
      // Every operation on an app's data takes an optional app.
      '  apps: [App!]!',
      '  templates(app: ID): [Template!]!',
      '  template(app: ID, id: ID!): Template',
      '  subscriptions(after: String, app: ID, filter: SubscriptionFilter, first: Int = 20): TemplateSubscriptionConnection!',
      '  messages(after: String, app: ID, filter: MessageFilter, first: Int = 20): MessageConnection!',
      '  message(id: ID!): Message',
      '  subscribe(input: SubscribeInput!): [TemplateSubscription!]!',
      '  sendSubscribeMessage(input: SendSubscribeMessageInput!): Message!',
      '  syncTemplates(app: ID): [Template!]!',
      'scalar JSONObject',
      'scalar DateTime',
      // One typed mutation and data input per template: what codegen turns into compile-time checks.
      '  sendAuditResult(input: SendAuditResultInput!): Message!',
      '  sendOrderShipped(input: SendOrderShippedInput!): Message!',
      '  sendAppointmentReminder(input: SendAppointmentReminderInput!): Message!',
      '  sendPaymentSuccess(input: SendPaymentSuccessInput!): Message!',
      '  sendCourseGradeReleased(input: SendCourseGradeReleasedInput!): Message!',
      '  sendVisitReminder(input: SendVisitReminderInput!): Message!',
      '  sendLabReportReady(input: SendLabReportReadyInput!): Message!',
      'input AuditResultData {',
      '  phrase2: String!',
      '  thing3: String!',
      '  data: AuditResultData!',
    ];
    const present = new Set(
      text.split('\n').map((line) => line.replace(/ @specifiedBy\(.*\)$/, '')),
    );
    expect(lines.filter((line) => !present.has(line))).toEqual([]);
    expect(text.split('\n')[0]).toMatch(/^# Generated .*npm run schema:print/);
  });
});
