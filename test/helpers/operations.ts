/** The GraphQL documents the API suite sends, written against the contract of issue 3. */

export const SUBSCRIPTION_FIELDS = `id openid templateId status remaining accepted sent hasQuota createdAt updatedAt`;

export const MESSAGE_FIELDS = `id openid templateId status errcode errmsg msgid attempts data page createdAt sentAt`;

export const SUBSCRIBE = `mutation Subscribe($input: SubscribeInput!) {
  subscribe(input: $input) { ${SUBSCRIPTION_FIELDS} }
}`;

export const SEND = `mutation Send($input: SendSubscribeMessageInput!) {
  sendSubscribeMessage(input: $input) { ${MESSAGE_FIELDS} }
}`;

export const SUBSCRIPTIONS = `query Subscriptions($filter: SubscriptionFilter, $first: Int, $after: String) {
  subscriptions(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { ${SUBSCRIPTION_FIELDS} } }
  }
}`;

export const MESSAGES = `query Messages($filter: MessageFilter, $first: Int, $after: String) {
  messages(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { ${MESSAGE_FIELDS} } }
  }
}`;

export const MESSAGE = `query Message($id: ID!) { message(id: $id) { ${MESSAGE_FIELDS} } }`;

export const TEMPLATES = `query Templates {
  templates { id name title type example fields { key kind label rule } }
}`;

export const SYNC_TEMPLATES = `mutation Sync { syncTemplates { id name } }`;
