import { describe, expect, it } from '@jest/globals';
import { AppDirectory } from '../../../../src/services/apps/app-directory.js';
import { GatewayError } from '../../../../src/shared/errors.js';

const shop = { name: 'shop', appId: 'wxshop000000000001' };
const clinic = { name: 'clinic', appId: 'wxclinic0000000001' };
const everyApp = { apps: null };
const shopOnly = { apps: ['shop'] };

function codeOf(run: () => unknown): { code: string; field?: unknown } {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return { code: error.code, field: error.extensions.field };
    throw error;
  }
  throw new Error('did not throw');
}

describe('AppDirectory', () => {
  const directory = new AppDirectory([shop, clinic], null);

  it('finds an app by name or by WeChat app id', () => {
    expect(directory.one(everyApp, 'clinic')).toBe(clinic);
    expect(directory.one(everyApp, clinic.appId)).toBe(clinic);
  });

  it('needs app when the caller sees several apps and no default is set', () => {
    expect(codeOf(() => directory.one(everyApp, null))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'app',
    });
  });

  it('lets app be left out when the key sees one app, or a default is set', () => {
    expect(directory.one(shopOnly, undefined)).toBe(shop);
    expect(new AppDirectory([shop, clinic], 'clinic').one(everyApp, null)).toBe(clinic);
  });

  it('never resolves a default the key may not see', () => {
    const scoped = new AppDirectory([shop, clinic], 'clinic');
    expect(scoped.one(shopOnly, null)).toBe(shop);
  });

  it('refuses another app’s name or app id as FORBIDDEN, and an unknown app as bad input', () => {
    expect(codeOf(() => directory.one(shopOnly, 'clinic')).code).toBe('FORBIDDEN');
    expect(codeOf(() => directory.one(shopOnly, clinic.appId)).code).toBe('FORBIDDEN');
    expect(codeOf(() => directory.one(everyApp, 'pharmacy'))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'app',
    });
  });

  it('lists every visible app without app, one app with it', () => {
    expect(directory.forList(everyApp, null)).toEqual([shop, clinic]);
    expect(directory.forList(shopOnly, null)).toEqual([shop]);
    expect(directory.forList(everyApp, 'clinic')).toEqual([clinic]);
    expect(codeOf(() => directory.forList(shopOnly, 'clinic')).code).toBe('FORBIDDEN');
    expect(directory.visibleByAppId(shopOnly, clinic.appId)).toBeUndefined();
  });
});
