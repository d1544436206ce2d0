import { describe, expect, it } from '@jest/globals';
import {
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import { dataOf } from '../../helpers/api.js';
import { TEMPLATES } from '../../helpers/operations.js';
import { useGateway } from '../../helpers/stores.js';
import { ISSUE_3_SDL } from '../../helpers/public-api-sdl.js';
import {
  CLINIC_TEMPLATE_IDS,
  DEMO_TEMPLATE_IDS,
  type DemoTemplate,
} from '../../helpers/demo-templates.js';

/** Named by the contract but shaped only in prose ("Relay-style"); checked structurally below. */
const CONNECTIONS = {
  TemplateSubscriptionConnection: 'TemplateSubscription',
  MessageConnection: 'Message',
};
const CONNECTION_STUBS = Object.keys(CONNECTIONS)
  .map((name) => `type ${name} { totalCount: Int }`)
  .join('\n');

describe('the GraphQL contract, by introspection over HTTP', () => {
  const gateway = useGateway('memory');
  let served: GraphQLSchema;
  const contract = buildSchema(ISSUE_3_SDL + CONNECTION_STUBS);
  const contractTypes = Object.values(contract.getTypeMap()).filter(
    (type) =>
      !type.name.startsWith('__') &&
      !(type.name in CONNECTIONS) &&
      !['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name),
  );

  const servedSchema = async () => {
    served ??= buildClientSchema(
      dataOf(
        await gateway().gql<IntrospectionQuery>(getIntrospectionQuery({ descriptions: true })),
      ),
    );
    return served;
  };

  it.each(contractTypes.map((type) => [type.name, type] as const))(
    'serves %s exactly as the contract writes it',
    async (name, expected) => {
      const actual = (await servedSchema()).getType(name);
      expect(actual?.constructor.name).toBe(expected.constructor.name);
      if (isScalarType(expected)) return;
      if (isEnumType(expected) && isEnumType(actual)) {
        const values = actual.getValues().map((value) => value.name);
        // Enums may grow (MessageStatus does in later issues); none of the contract's values may go.
        expect(values).toEqual(expect.arrayContaining(expected.getValues().map((v) => v.name)));
        return;
      }
      if (isInputObjectType(expected) && isInputObjectType(actual)) {
        const fields = actual.getFields();
        for (const field of Object.values(expected.getFields())) {
          expect([field.name, String(fields[field.name]?.type)]).toEqual([
            field.name,
            String(field.type),
          ]);
        }
        // An extra required field would break every client written against the contract.
        const extraRequired = Object.values(fields).filter(
          (field) =>
            !(field.name in expected.getFields()) &&
            isNonNullType(field.type) &&
            field.defaultValue === undefined,
        );
        expect(extraRequired.map((field) => field.name)).toEqual([]);
        return;
      }
      if (isObjectType(expected) && isObjectType(actual)) {
        const fields = actual.getFields();
        for (const field of Object.values(expected.getFields())) {
          const servedField = fields[field.name];
          expect([field.name, String(servedField?.type)]).toEqual([field.name, String(field.type)]);
          for (const arg of field.args) {
            const servedArg = servedField!.args.find((a) => a.name === arg.name);
            expect([
              field.name,
              arg.name,
              String(servedArg?.type),
              servedArg?.defaultValue,
            ]).toEqual([field.name, arg.name, String(arg.type), arg.defaultValue]);
          }
          const extraRequired = servedField!.args.filter(
            (a) =>
              !field.args.some((b) => b.name === a.name) &&
              isNonNullType(a.type) &&
              a.defaultValue === undefined,
          );
          expect(extraRequired.map((a) => a.name)).toEqual([]);
        }
        return;
      }
      throw new Error(`unexpected kind of type ${name}`);
    },
  );

  it('paginates subscriptions and messages with Relay-style connections', async () => {
    const schema = await servedSchema();
    expect(
      String(
        schema
          .getQueryType()!
          .getFields()
          .subscriptions!.args.find((a) => a.name === 'first')!.defaultValue,
      ),
    ).toBe('20');
    for (const [connectionName, nodeName] of Object.entries(CONNECTIONS)) {
      const connection = schema.getType(connectionName);
      if (!isObjectType(connection)) throw new Error(`${connectionName} is not an object type`);
      const fields = connection.getFields();
      expect(getNamedType(fields.totalCount!.type).name).toBe('Int');
      const edge = getNamedType(fields.edges!.type);
      const pageInfo = getNamedType(fields.pageInfo!.type);
      if (!isObjectType(edge) || !isObjectType(pageInfo))
        throw new Error('edges/pageInfo are not objects');
      expect(getNamedType(edge.getFields().cursor!.type).name).toBe('String');
      expect(getNamedType(edge.getFields().node!.type).name).toBe(nodeName);
      expect(String(pageInfo.getFields().hasNextPage!.type)).toBe('Boolean!');
      expect(getNamedType(pageInfo.getFields().endCursor!.type).name).toBe('String');
    }
  });

  it('has, per template, a <Name>Data input with one String! per keyword describing label, kind and rule, and a send<Name> mutation', async () => {
    const schema = await servedSchema();
    const { templates } = dataOf(
      await gateway().gql<{
        templates: {
          id: string;
          name: string;
          fields: { key: string; kind: string; label: string | null; rule: string }[];
        }[];
      }>(TEMPLATES),
    );
    expect(Object.fromEntries(templates.map((t) => [t.name, t.id]))).toEqual({
      ...DEMO_TEMPLATE_IDS,
      ...CLINIC_TEMPLATE_IDS,
    });
    for (const template of templates) {
      const input = schema.getType(`${template.name}Data`);
      if (!isInputObjectType(input)) throw new Error(`${template.name}Data is missing`);
      const fields = input.getFields();
      expect(Object.keys(fields).sort()).toEqual(template.fields.map((f) => f.key).sort());
      for (const keyword of template.fields) {
        const field = fields[keyword.key]!;
        expect([keyword.key, String(field.type)]).toEqual([keyword.key, 'String!']);
        expect(field.description).toContain(keyword.label!);
        expect(field.description).toContain(keyword.kind);
        expect(field.description).toContain(keyword.rule);
      }
      const mutation = schema.getMutationType()!.getFields()[`send${template.name}`];
      if (!mutation) throw new Error(`send${template.name} is missing`);
      expect(String(mutation.type)).toBe('Message!');
      const inputArg = mutation.args.find((arg) => arg.name === 'input');
      expect(isNonNullType(inputArg?.type)).toBe(true);
      const sendInput = getNamedType(inputArg!.type);
      if (!isInputObjectType(sendInput))
        throw new Error(`send${template.name}(input) is not an input`);
      expect(String(sendInput.getFields().data?.type)).toBe(`${template.name}Data!`);
      expect(String(sendInput.getFields().openid?.type)).toBe('String!');
    }
  });

  it('parses keywords from the template content: key, kind without digits (never a prefix match), label', async () => {
    const { templates } = dataOf(
      await gateway().gql<{
        templates: {
          name: DemoTemplate;
          id: string;
          type: string;
          fields: { key: string; kind: string; label: string | null }[];
        }[];
      }>(TEMPLATES),
    );
    const byName = new Map(templates.map((t) => [t.name, t]));
    expect(byName.get('AuditResult')).toMatchObject({
      id: DEMO_TEMPLATE_IDS.AuditResult,
      type: 'ONE_TIME',
      fields: [
        { key: 'phrase2', kind: 'phrase', label: '审核结果' },
        { key: 'thing3', kind: 'thing', label: '备注' },
      ],
    });
    expect(byName.get('OrderShipped')!.fields.map((f) => [f.key, f.kind])).toEqual([
      ['character_string1', 'character_string'],
      ['thing2', 'thing'],
      ['date3', 'date'],
      ['short_thing4', 'short_thing'],
      ['phone_number5', 'phone_number'],
    ]);
    expect(byName.get('CourseGradeReleased')!.type).toBe('LONG_TERM');
  });

  it('finds a template by WeChat id or by name, and answers null for an unknown one', async () => {
    const query = `query($id: ID!) { template(id: $id) { id name } }`;
    const byName = dataOf(await gateway().gql(query, { id: 'PaymentSuccess' }));
    const byId = dataOf(await gateway().gql(query, { id: DEMO_TEMPLATE_IDS.PaymentSuccess }));
    expect(byName).toEqual({
      template: { id: DEMO_TEMPLATE_IDS.PaymentSuccess, name: 'PaymentSuccess' },
    });
    expect(byId).toEqual(byName);
    expect(dataOf(await gateway().gql(query, { id: 'NoSuchTemplate' }))).toEqual({
      template: null,
    });
  });
});
