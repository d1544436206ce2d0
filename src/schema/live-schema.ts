import type {
  GatewayInterface,
  GatewayLoadResult,
  GatewaySchemaLoadOrUpdateCallback,
} from '@apollo/server-gateway-interface';
import { printSchema, type GraphQLSchema } from 'graphql';

/**
 * A schema Apollo Server can swap while serving: Apollo's gateway interface, used only as a
 * schema source (no executor, so Apollo executes against the schema itself). `syncTemplates`
 * rebuilds the schema with the templates WeChat reported, and their typed send<Name> mutations
 * are served from the next request on, without a restart. Requests in flight finish on the
 * schema they started with.
 */
export class LiveSchema implements GatewayInterface {
  private readonly listeners = new Set<GatewaySchemaLoadOrUpdateCallback>();

  constructor(private schema: GraphQLSchema) {}

  get current(): GraphQLSchema {
    return this.schema;
  }

  onSchemaLoadOrUpdate(callback: GatewaySchemaLoadOrUpdateCallback): () => void {
    this.listeners.add(callback);
    return () => this.listeners.delete(callback);
  }

  async load(): Promise<GatewayLoadResult> {
    this.publish();
    return { executor: null };
  }

  update(schema: GraphQLSchema): void {
    this.schema = schema;
    this.publish();
  }

  async stop(): Promise<void> {
    this.listeners.clear();
  }

  private publish(): void {
    const context = { apiSchema: this.schema, coreSupergraphSdl: printSchema(this.schema) };
    for (const listener of this.listeners) listener(context);
  }
}
