/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query Templates {\n  templates {\n    id\n    name\n    title\n    type\n    example\n    fields {\n      key\n      kind\n      label\n      rule\n      enumValues\n    }\n  }\n}\n\nmutation Subscribe($input: SubscribeInput!) {\n  subscribe(input: $input) {\n    id\n    openid\n    templateId\n    status\n    remaining\n    accepted\n    sent\n    source\n    updatedAt\n  }\n}\n\nmutation SendAuditResult($input: SendAuditResultInput!) {\n  sendAuditResult(input: $input) {\n    ...MessageFields\n  }\n}\n\nmutation SendSubscribeMessage($input: SendSubscribeMessageInput!) {\n  sendSubscribeMessage(input: $input) {\n    ...MessageFields\n  }\n}\n\nquery Subscriptions($filter: SubscriptionFilter, $first: Int, $after: String) {\n  subscriptions(filter: $filter, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        id\n        openid\n        templateId\n        status\n        remaining\n        accepted\n        sent\n        hasQuota\n        source\n        template {\n          name\n          title\n        }\n      }\n    }\n  }\n}\n\nquery Messages($filter: MessageFilter, $first: Int, $after: String) {\n  messages(filter: $filter, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        ...MessageFields\n      }\n    }\n  }\n}\n\nquery Message($id: ID!) {\n  message(id: $id) {\n    ...MessageFields\n  }\n}\n\nmutation SyncTemplates {\n  syncTemplates {\n    id\n    name\n    title\n  }\n}\n\nfragment MessageFields on Message {\n  id\n  openid\n  templateId\n  status\n  errcode\n  errmsg\n  msgid\n  attempts\n  data\n  page\n  createdAt\n  sentAt\n  deliveredAt\n}": typeof types.TemplatesDocument,
};
const documents: Documents = {
    "query Templates {\n  templates {\n    id\n    name\n    title\n    type\n    example\n    fields {\n      key\n      kind\n      label\n      rule\n      enumValues\n    }\n  }\n}\n\nmutation Subscribe($input: SubscribeInput!) {\n  subscribe(input: $input) {\n    id\n    openid\n    templateId\n    status\n    remaining\n    accepted\n    sent\n    source\n    updatedAt\n  }\n}\n\nmutation SendAuditResult($input: SendAuditResultInput!) {\n  sendAuditResult(input: $input) {\n    ...MessageFields\n  }\n}\n\nmutation SendSubscribeMessage($input: SendSubscribeMessageInput!) {\n  sendSubscribeMessage(input: $input) {\n    ...MessageFields\n  }\n}\n\nquery Subscriptions($filter: SubscriptionFilter, $first: Int, $after: String) {\n  subscriptions(filter: $filter, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        id\n        openid\n        templateId\n        status\n        remaining\n        accepted\n        sent\n        hasQuota\n        source\n        template {\n          name\n          title\n        }\n      }\n    }\n  }\n}\n\nquery Messages($filter: MessageFilter, $first: Int, $after: String) {\n  messages(filter: $filter, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        ...MessageFields\n      }\n    }\n  }\n}\n\nquery Message($id: ID!) {\n  message(id: $id) {\n    ...MessageFields\n  }\n}\n\nmutation SyncTemplates {\n  syncTemplates {\n    id\n    name\n    title\n  }\n}\n\nfragment MessageFields on Message {\n  id\n  openid\n  templateId\n  status\n  errcode\n  errmsg\n  msgid\n  attempts\n  data\n  page\n  createdAt\n  sentAt\n  deliveredAt\n}": types.TemplatesDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Templates {\n  templates {\n    id\n    name\n    title\n    type\n    example\n    fields {\n      key\n      kind\n      label\n      rule\n      enumValues\n    }\n  }\n}\n\nmutation Subscribe($input: SubscribeInput!) {\n  subscribe(input: $input) {\n    id\n    openid\n    templateId\n    status\n    remaining\n    accepted\n    sent\n    source\n    updatedAt\n  }\n}\n\nmutation SendAuditResult($input: SendAuditResultInput!) {\n  sendAuditResult(input: $input) {\n    ...MessageFields\n  }\n}\n\nmutation SendSubscribeMessage($input: SendSubscribeMessageInput!) {\n  sendSubscribeMessage(input: $input) {\n    ...MessageFields\n  }\n}\n\nquery Subscriptions($filter: SubscriptionFilter, $first: Int, $after: String) {\n  subscriptions(filter: $filter, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        id\n        openid\n        templateId\n        status\n        remaining\n        accepted\n        sent\n        hasQuota\n        source\n        template {\n          name\n          title\n        }\n      }\n    }\n  }\n}\n\nquery Messages($filter: MessageFilter, $first: Int, $after: String) {\n  messages(filter: $filter, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        ...MessageFields\n      }\n    }\n  }\n}\n\nquery Message($id: ID!) {\n  message(id: $id) {\n    ...MessageFields\n  }\n}\n\nmutation SyncTemplates {\n  syncTemplates {\n    id\n    name\n    title\n  }\n}\n\nfragment MessageFields on Message {\n  id\n  openid\n  templateId\n  status\n  errcode\n  errmsg\n  msgid\n  attempts\n  data\n  page\n  createdAt\n  sentAt\n  deliveredAt\n}"): (typeof documents)["query Templates {\n  templates {\n    id\n    name\n    title\n    type\n    example\n    fields {\n      key\n      kind\n      label\n      rule\n      enumValues\n    }\n  }\n}\n\nmutation Subscribe($input: SubscribeInput!) {\n  subscribe(input: $input) {\n    id\n    openid\n    templateId\n    status\n    remaining\n    accepted\n    sent\n    source\n    updatedAt\n  }\n}\n\nmutation SendAuditResult($input: SendAuditResultInput!) {\n  sendAuditResult(input: $input) {\n    ...MessageFields\n  }\n}\n\nmutation SendSubscribeMessage($input: SendSubscribeMessageInput!) {\n  sendSubscribeMessage(input: $input) {\n    ...MessageFields\n  }\n}\n\nquery Subscriptions($filter: SubscriptionFilter, $first: Int, $after: String) {\n  subscriptions(filter: $filter, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        id\n        openid\n        templateId\n        status\n        remaining\n        accepted\n        sent\n        hasQuota\n        source\n        template {\n          name\n          title\n        }\n      }\n    }\n  }\n}\n\nquery Messages($filter: MessageFilter, $first: Int, $after: String) {\n  messages(filter: $filter, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        ...MessageFields\n      }\n    }\n  }\n}\n\nquery Message($id: ID!) {\n  message(id: $id) {\n    ...MessageFields\n  }\n}\n\nmutation SyncTemplates {\n  syncTemplates {\n    id\n    name\n    title\n  }\n}\n\nfragment MessageFields on Message {\n  id\n  openid\n  templateId\n  status\n  errcode\n  errmsg\n  msgid\n  attempts\n  data\n  page\n  createdAt\n  sentAt\n  deliveredAt\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;