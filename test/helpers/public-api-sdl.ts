/**
 * The contract of issue 3, as written there: an acceptance suite outside this repo drives the
 * gateway through these names. The connection types at the end spell out the issue's prose
 * ("Relay-style: edges { cursor node }, pageInfo { hasNextPage endCursor }, totalCount") with the
 * nullability the gateway chose. Kept in a string so formatters leave the issue's layout alone.
 */
export const ISSUE_3_SDL = `
scalar JSONObject
scalar DateTime
enum SubscribeStatus { ACCEPT REJECT BAN FILTER }
enum TemplateType { ONE_TIME LONG_TERM }
enum MiniprogramState { DEVELOPER TRIAL FORMAL }
enum Lang { zh_CN en_US zh_HK zh_TW }
enum MessageStatus { SENT FAILED }   # later issues add more

type Template { id: ID! name: String! title: String! type: TemplateType! fields: [TemplateField!]! example: String }
type TemplateField { key: String! kind: String! label: String rule: String! }
type TemplateSubscription { id: ID! openid: String! templateId: ID! template: Template status: SubscribeStatus!
  remaining: Int  accepted: Int! sent: Int! createdAt: DateTime! updatedAt: DateTime! }   # remaining is null for long-term templates
type Message { id: ID! openid: String! templateId: ID! status: MessageStatus! errcode: Int errmsg: String
  msgid: String attempts: Int! data: JSONObject! page: String createdAt: DateTime! sentAt: DateTime }

input SubscribeResultInput { templateId: ID! status: SubscribeStatus! }
input SubscribeInput { openid: String! results: [SubscribeResultInput!]! }
input SubscriptionFilter { openid: String templateId: ID status: SubscribeStatus hasQuota: Boolean }
input SendSubscribeMessageInput { openid: String! templateId: ID! data: JSONObject! page: String
  miniprogramState: MiniprogramState lang: Lang idempotencyKey: String }
input MessageFilter { openid: String templateId: ID status: MessageStatus }

type Query {
  templates: [Template!]!
  template(id: ID!): Template                       # by id or name
  subscriptions(filter: SubscriptionFilter, first: Int = 20, after: String): TemplateSubscriptionConnection!
  messages(filter: MessageFilter, first: Int = 20, after: String): MessageConnection!
  message(id: ID!): Message
}
type Mutation {
  subscribe(input: SubscribeInput!): [TemplateSubscription!]!
  sendSubscribeMessage(input: SendSubscribeMessageInput!): Message!
  syncTemplates: [Template!]!
}
`;

/** The connection types the issue describes in prose. */
export const ISSUE_3_CONNECTIONS = `
type PageInfo { hasNextPage: Boolean! endCursor: String }
type TemplateSubscriptionEdge { cursor: String! node: TemplateSubscription! }
type TemplateSubscriptionConnection { edges: [TemplateSubscriptionEdge!]! pageInfo: PageInfo! totalCount: Int! }
type MessageEdge { cursor: String! node: Message! }
type MessageConnection { edges: [MessageEdge!]! pageInfo: PageInfo! totalCount: Int! }
`;

export const ISSUE_3_CONTRACT = ISSUE_3_SDL + ISSUE_3_CONNECTIONS;
