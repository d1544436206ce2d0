/**
 * Why a push request was refused, and the HTTP status WeChat gets back. Messages name the
 * problem for the operator's log; they must never contain the token, the EncodingAESKey or a
 * request body, because they are logged verbatim.
 */
export const pushErrorStatus = {
  method_not_allowed: 405,
  too_large: 413,
  /** `signature` or `msg_signature` missing or wrong, or `timestamp`/`nonce` missing. */
  bad_signature: 401,
  /** `timestamp` outside the replay window, or a (timestamp, nonce, signature) already used. */
  replay: 401,
  /** A verification GET with a good signature but no `echostr`. */
  missing_echostr: 401,
  /** Plaintext delivery while the handler was told to accept only safe mode. */
  encryption_required: 403,
  /** The decrypted message names another mini program. */
  wrong_appid: 403,
  /** `encrypt_type=aes` but no EncodingAESKey is configured. */
  encryption_not_configured: 400,
  unsupported_encrypt_type: 400,
  /** An `Encrypt` envelope arrived without `encrypt_type=aes`, so its msg_signature cannot be checked. */
  unexpected_encrypt: 400,
  missing_encrypt: 400,
  bad_base64: 400,
  bad_padding: 400,
  /** The decrypted bytes do not follow random16 ‖ len ‖ msg ‖ appid, or msg is not UTF-8. */
  bad_plaintext: 400,
  /** Neither XML nor JSON, or not UTF-8. */
  malformed_body: 400,
  malformed_xml: 400,
  malformed_json: 400,
  malformed_event: 400,
} as const satisfies Record<string, 400 | 401 | 403 | 405 | 413>;

export type PushErrorReason = keyof typeof pushErrorStatus;
export type PushErrorStatus = (typeof pushErrorStatus)[PushErrorReason];

export class PushError extends Error {
  readonly status: PushErrorStatus;

  constructor(
    readonly reason: PushErrorReason,
    message: string,
    /** For `malformed_event`: the path of the offending field, e.g. `List[1].TemplateId`. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'PushError';
    this.status = pushErrorStatus[reason];
  }
}

/** Shortens text that came from the request before it goes into an error message. */
export function clip(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
