import { describe, expect, it } from '@jest/globals';
import { wantsPlayground } from '../../../../src/http/playground/index.js';

const CHROME_NAVIGATION =
  'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7';
const FIREFOX_NAVIGATION = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('wantsPlayground', () => {
  it.each([
    ['a Chromium navigation', 'GET', CHROME_NAVIGATION],
    ['a Firefox navigation', 'GET', FIREFOX_NAVIGATION],
    ['lower-case method', 'get', 'text/html'],
    ['html weighted above json', 'GET', 'application/json;q=0.5, text/html'],
    ['text/* above an unlisted json', 'GET', 'text/*'],
    ['spaces and upper case', 'GET', ' TEXT/HTML ; Q=1 , application/json ; q=0.2'],
  ])('serves the IDE for %s', (_label, method, accept) => {
    expect(wantsPlayground(method, accept)).toBe(true);
  });

  it.each([
    ['no Accept header', 'GET', undefined],
    ['an empty Accept header', 'GET', ''],
    ['curl (*/*)', 'GET', '*/*'],
    ['a JSON client', 'GET', 'application/json'],
    [
      'a GraphQL-over-HTTP client',
      'GET',
      'application/graphql-response+json, application/json;q=0.9',
    ],
    ['a tie between html and json', 'GET', 'text/html, application/json'],
    ['json weighted above html', 'GET', 'application/graphql-response+json, text/html;q=0.9'],
    ['html refused with q=0', 'GET', 'text/html;q=0, */*'],
    ['a malformed weight on html', 'GET', 'text/html;q=high'],
    ['a POST, even from a form', 'POST', 'text/html'],
    ['a HEAD', 'HEAD', 'text/html'],
    ['garbage', 'GET', ',,;;/,html'],
  ])('keeps the API for %s', (_label, method, accept) => {
    expect(wantsPlayground(method, accept)).toBe(false);
  });
});
