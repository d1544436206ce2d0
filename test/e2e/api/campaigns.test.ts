import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { Kind, parse, print } from 'graphql';
import { dataOf, errorOf, grantCredits, newOpenid, type GqlResult } from '../../helpers/api.js';
import { VALID_DATA } from '../../helpers/demo-templates.js';
import type { TestGateway } from '../../helpers/gateway.js';
import { ROLE_KEYS, ROLE_KEYS_ENV } from '../../helpers/role-keys.js';
import { describeEachStore, useGateway } from '../../helpers/stores.js';

const FIELDS = `id key status ratePerSecond startAt createdAt startedAt finishedAt template { name }
  progress { total pending sent delivered failed skipped unknown cancelled }`;
const CREATE = `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { ${FIELDS} } }`;
const GET = `query($id: ID!) { campaign(id: $id) { ${FIELDS}
  messages(first: 100) { totalCount edges { node { openid status campaignId } } } } }`;
const LIST = `query($status: CampaignStatus) { campaigns(status: $status) { totalCount edges { node { id status } } } }`;
const PAUSE = `mutation($id: ID!) { pauseCampaign(id: $id) { id status } }`;
const RESUME = `mutation($id: ID!) { resumeCampaign(id: $id) { id status } }`;
const CANCEL = `mutation($id: ID!) { cancelCampaign(id: $id) { id status } }`;

interface CampaignView {
  id: string;
  key: string;
  status: string;
  ratePerSecond: number;
  finishedAt: string | null;
  template: { name: string } | null;
  progress: {
    total: number;
    pending: number;
    sent: number;
    failed: number;
    skipped: number;
  };
  messages?: { totalCount: number; edges: { node: { openid: string; status: string } }[] };
}

async function waitForCampaign(t: TestGateway, id: string, status: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { campaign } = dataOf(await t.gql<{ campaign: CampaignView }>(GET, { id }));
    if (campaign.status === status && (status !== 'CANCELLED' || campaign.finishedAt))
      return campaign;
    if (Date.now() > deadline) throw new Error(`campaign ${id} stayed ${campaign.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeEachStore('campaigns over GraphQL', (store) => {
  const gateway = useGateway(store);

  it('sends to the credit holders once each and reports progress from the log', async () => {
    const holders = [newOpenid(), newOpenid(), newOpenid()];
    for (const openid of holders) await grantCredits(gateway(), openid, 'AuditResult', 1);
    const input = {
      key: `launch-${holders[0]}`,
      templateId: 'AuditResult',
      data: VALID_DATA.AuditResult,
      audience: { creditHolders: true },
    };
    const { createCampaign: created } = dataOf(
      await gateway().gql<{ createCampaign: CampaignView }>(CREATE, { input }),
    );
    expect(created).toMatchObject({ key: input.key, ratePerSecond: 50 });
    expect(created.template?.name).toBe('AuditResult');
    // The same key and input: the same campaign.
    const again = dataOf(await gateway().gql<{ createCampaign: CampaignView }>(CREATE, { input }));
    expect(again.createCampaign.id).toBe(created.id);
    const done = await waitForCampaign(gateway(), created.id, 'COMPLETED');
    // Earlier tests' holders of the same template are in the audience too: count ours.
    const ours = done.messages!.edges.filter((e) => holders.includes(e.node.openid));
    expect(ours.map((e) => e.node.status)).toEqual(['SENT', 'SENT', 'SENT']);
    expect(done.progress.pending).toBe(0);
    expect(done.progress.sent).toBe(done.progress.total);
    const { campaigns } = dataOf(
      await gateway().gql<{ campaigns: { edges: { node: { id: string } }[] } }>(LIST, {
        status: 'COMPLETED',
      }),
    );
    expect(campaigns.edges.map((e) => e.node.id)).toContain(created.id);
    expect(
      errorOf(
        await gateway().gql(CREATE, {
          input: { ...input, data: VALID_DATA.AuditResult, ratePerSecond: 3 },
        }),
        'BAD_USER_INPUT',
      ),
    ).toMatchObject({ extensions: { field: 'key' } });
  });

  it('refuses a key of only spaces, naming it, and stores nothing', async () => {
    const before = dataOf(await gateway().gql<{ campaigns: { totalCount: number } }>(LIST, {}));
    const input = {
      key: '  ',
      templateId: 'AuditResult',
      data: VALID_DATA.AuditResult,
      audience: { openids: [newOpenid()] },
    };
    expect(errorOf(await gateway().gql(CREATE, { input }), 'BAD_USER_INPUT')).toMatchObject({
      extensions: { field: 'key' },
    });
    const after = dataOf(await gateway().gql<{ campaigns: { totalCount: number } }>(LIST, {}));
    expect(after.campaigns.totalCount).toBe(before.campaigns.totalCount);
  });

  it('refuses an audience with both members, naming it, and stores nothing', async () => {
    const before = dataOf(await gateway().gql<{ campaigns: { totalCount: number } }>(LIST, {}));
    const input = {
      key: `bad-${newOpenid()}`,
      templateId: 'AuditResult',
      data: VALID_DATA.AuditResult,
      audience: { creditHolders: true, openids: [newOpenid()] },
    };
    expect(errorOf(await gateway().gql(CREATE, { input }), 'BAD_USER_INPUT')).toMatchObject({
      extensions: { field: 'audience' },
    });
    const after = dataOf(await gateway().gql<{ campaigns: { totalCount: number } }>(LIST, {}));
    expect(after.campaigns.totalCount).toBe(before.campaigns.totalCount);
  });

  it('pauses, resumes and cancels by id', async () => {
    const openids = Array.from({ length: 40 }, () => newOpenid());
    const { createCampaign: created } = dataOf(
      await gateway().gql<{ createCampaign: CampaignView }>(CREATE, {
        input: {
          key: `slow-${openids[0]}`,
          templateId: 'AuditResult',
          data: VALID_DATA.AuditResult,
          audience: { openids },
          ratePerSecond: 2,
        },
      }),
    );
    expect(dataOf(await gateway().gql(PAUSE, { id: created.id }))).toEqual({
      pauseCampaign: { id: created.id, status: 'PAUSED' },
    });
    expect(dataOf(await gateway().gql(RESUME, { id: created.id }))).toMatchObject({
      resumeCampaign: { id: created.id },
    });
    dataOf(await gateway().gql(CANCEL, { id: created.id }));
    const cancelled = await waitForCampaign(gateway(), created.id, 'CANCELLED');
    expect(cancelled.progress.total).toBe(40);
    expect(cancelled.progress.pending).toBe(0);
    // The simulator refuses these openids (no subscription): sent or failed, the rest skipped.
    const { sent, failed, skipped } = cancelled.progress;
    expect(sent + failed + skipped).toBe(40);
    expect(cancelled.progress.skipped).toBeGreaterThan(0);
  });
});

describe('the playground’s campaign tab', () => {
  const gateway = useGateway('memory');

  it('runs as shipped: a campaign to the credit holders that completes', async () => {
    const file = (name: string) =>
      readFileSync(new URL(`../../../examples/${name}`, import.meta.url), 'utf8');
    // As the playground builds its tabs: the operation, and every fragment if it uses one.
    const document = parse(file('operations.graphql'));
    const operation = document.definitions.find(
      (d) => d.kind === Kind.OPERATION_DEFINITION && d.name?.value === 'CreateCampaign',
    )!;
    const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
    const query = [operation, ...(print(operation).includes('...') ? fragments : [])]
      .map((d) => print(d))
      .join('\n');
    const variables = (JSON.parse(file('operations.variables.json')) as Record<string, unknown>)
      .CreateCampaign as { input: Record<string, unknown> };
    const holder = newOpenid();
    await grantCredits(gateway(), holder, 'AuditResult', 1);
    const { createCampaign } = dataOf(
      await gateway().gql<{ createCampaign: CampaignView }>(query, variables),
    );
    const done = await waitForCampaign(gateway(), createCampaign.id, 'COMPLETED');
    expect(done.messages!.edges.map((e) => e.node)).toContainEqual(
      expect.objectContaining({ openid: holder, status: 'SENT' }),
    );
  });
});

describe('campaigns and roles', () => {
  const gateway = useGateway('memory', { GATEWAY_API_KEYS: ROLE_KEYS_ENV });
  const call = (query: string, variables: Record<string, unknown>, key: string) =>
    gateway().gql(query, variables, { key }) as Promise<GqlResult<unknown>>;

  it('lets readers read campaigns and only admins create, pause, resume and cancel them', async () => {
    const input = {
      key: `roles-${newOpenid()}`,
      templateId: 'AuditResult',
      data: VALID_DATA.AuditResult,
      audience: { openids: [newOpenid()] },
      startAt: new Date(Date.now() + 600_000).toISOString(),
    };
    errorOf(await call(CREATE, { input }, ROLE_KEYS.reader), 'FORBIDDEN');
    errorOf(await call(CREATE, { input }, ROLE_KEYS.sender), 'FORBIDDEN');
    const { createCampaign } = dataOf(await call(CREATE, { input }, ROLE_KEYS.admin)) as {
      createCampaign: CampaignView;
    };
    expect(createCampaign.status).toBe('SCHEDULED');
    const id = createCampaign.id;
    expect(dataOf(await call(GET, { id }, ROLE_KEYS.reader))).toMatchObject({ campaign: { id } });
    dataOf(await call(LIST, {}, ROLE_KEYS.reader));
    for (const mutation of [PAUSE, RESUME, CANCEL])
      errorOf(await call(mutation, { id }, ROLE_KEYS.sender), 'FORBIDDEN');
    dataOf(await call(CANCEL, { id }, ROLE_KEYS.admin));
    expect(dataOf(await call(GET, { id: 'no-such-campaign' }, ROLE_KEYS.reader))).toEqual({
      campaign: null,
    });
  });
});

describe('campaigns across apps', () => {
  const ROLE_KEYS = { all: 'admin-all-Kx7pQ2vR9sT4wY6z', clinic: 'admin-clinic-Lm3nB8cD1fG5hJ0k' };
  const gateway = useGateway('memory', {
    GATEWAY_API_KEYS: `admin:${ROLE_KEYS.all},admin@clinic:${ROLE_KEYS.clinic}`,
  });
  const call = (query: string, variables: Record<string, unknown>, key: string) =>
    gateway().gql(query, variables, { key }) as Promise<GqlResult<unknown>>;

  it('hides another app’s campaign from a key scoped elsewhere: null to read, FORBIDDEN to change', async () => {
    const input = {
      app: 'shop',
      key: `shop-only-${newOpenid()}`,
      templateId: 'AuditResult',
      data: VALID_DATA.AuditResult,
      audience: { openids: [newOpenid()] },
      startAt: new Date(Date.now() + 600_000).toISOString(),
    };
    const { createCampaign } = dataOf(await call(CREATE, { input }, ROLE_KEYS.all)) as {
      createCampaign: CampaignView;
    };
    const id = createCampaign.id;
    expect(dataOf(await call(GET, { id }, ROLE_KEYS.clinic))).toEqual({ campaign: null });
    const listed = dataOf(await call(LIST, {}, ROLE_KEYS.clinic)) as {
      campaigns: { edges: { node: { id: string } }[] };
    };
    expect(listed.campaigns.edges.map((e) => e.node.id)).not.toContain(id);
    for (const mutation of [PAUSE, RESUME, CANCEL])
      errorOf(await call(mutation, { id }, ROLE_KEYS.clinic), 'FORBIDDEN');
    errorOf(await call(CREATE, { input }, ROLE_KEYS.clinic), 'FORBIDDEN');
    expect(dataOf(await call(GET, { id }, ROLE_KEYS.all))).toMatchObject({ campaign: { id } });
  });
});
