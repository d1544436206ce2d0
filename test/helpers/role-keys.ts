/** One API key per role, for the tests of what each role may do. */
export const ROLE_KEYS = {
  admin: 'admin-Kx7pQ2vR9sT4wY6z',
  sender: 'sender-Lm3nB8cD1fG5hJ0k',
  reader: 'reader-Qa2Ws3Ed4Rf5Tg6Y',
};

/** ROLE_KEYS as GATEWAY_API_KEYS lists them (`role:key,…`). */
export const ROLE_KEYS_ENV = Object.entries(ROLE_KEYS)
  .map(([role, key]) => `${role}:${key}`)
  .join(',');
