import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { silentLogger } from '../../../src/shared/logger.js';
import { createSimulator, defaultTemplatesFile } from '../../../src/simulator/index.js';

describe('simulator: default template library', () => {
  it('finds the project templates/demo.json', () => {
    const file = defaultTemplatesFile();
    expect(file).toMatch(/templates[\\/]demo\.json$/);
    expect(existsSync(file)).toBe(true);
  });

  it('loads templates/demo.json when no templates are given, including the review template AuditResult', async () => {
    const sim = createSimulator({ logger: silentLogger });
    const base = await sim.listen();
    try {
      const audit = sim.state.library.byIdOrName('AuditResult');
      expect(audit?.content).toContain('审核结果:{{phrase2.DATA}}');
      const token = (await (
        await fetch(
          `${base}/cgi-bin/token?grant_type=client_credential&appid=${sim.appId}&secret=${sim.appSecret}`,
        )
      ).json()) as { access_token: string };
      const list = (await (
        await fetch(`${base}/wxaapi/newtmpl/gettemplate?access_token=${token.access_token}`)
      ).json()) as { data: { priTmplId: string }[] };
      expect(list.data.map((t) => t.priTmplId)).toContain(audit!.id);
    } finally {
      await sim.close();
    }
  });

  it('listen() rejects, naming the file, when the templates file cannot be loaded', async () => {
    const sim = createSimulator({
      logger: silentLogger,
      templatesFile: '/nonexistent/templates.json',
    });
    await expect(sim.listen()).rejects.toThrow('/nonexistent/templates.json');
  });

  it('rejects nonsensical options with an error naming the option', () => {
    expect(() => createSimulator({ tokenExpiresInSeconds: 0, templates: [] })).toThrow(
      'tokenExpiresInSeconds',
    );
    expect(() => createSimulator({ sendLatencyMs: -1, templates: [] })).toThrow('sendLatencyMs');
    expect(() => createSimulator({ pages: ['pages/a?x=1'], templates: [] })).toThrow('pages');
    expect(() => createSimulator({ appId: ' ', templates: [] })).toThrow('appId');
  });
});
