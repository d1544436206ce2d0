/**
 * The few `wx` APIs the mini-program snippets use, with the shapes and names of the official
 * typings (miniprogram-api-typings, namespace WechatMiniprogram), so the snippets type-check here
 * without installing them. In a real project, install miniprogram-api-typings instead of this file.
 * Like the official typings, this declares the global `wx`.
 */
declare namespace WechatMiniprogram {
  /** As in the official typings: no callback given → the method returns a Promise. */
  type PromisifySuccessResult<P, T extends { success?: (result: never) => void }> = P extends
    { success: unknown } | { fail: unknown } | { complete: unknown }
    ? void
    : Promise<Parameters<NonNullable<T['success']>>[0]>;

  interface GeneralCallbackResult {
    errMsg: string;
  }

  interface RequestSubscribeMessageSuccessCallbackResult {
    /**
     * [TEMPLATE_ID] is a dynamic key, the template id; the value is 'accept', 'reject', 'ban',
     * 'filter', 'acceptWithAudio', 'acceptWithAlert' or 'acceptWithForcePush' (declared as string).
     */
    [TEMPLATE_ID: string]: string;
    /** 'requestSubscribeMessage:ok' on success. */
    errMsg: string;
  }

  interface RequestSubscribeMessageFailCallbackResult {
    /** 10001…10005, 20001…20005, 20013: see the reference document §5.3. */
    errCode: number;
    errMsg: string;
  }

  interface RequestSubscribeMessageOption {
    /** At most 3 ids (5 on recent base libraries); one-time and long-term ids cannot be mixed. */
    tmplIds: string[];
    complete?: (res: GeneralCallbackResult) => void;
    fail?: (result: RequestSubscribeMessageFailCallbackResult) => void;
    success?: (result: RequestSubscribeMessageSuccessCallbackResult) => void;
  }

  interface RequestSuccessCallbackResult<T = unknown> {
    data: T;
    header: Record<string, string>;
    statusCode: number;
    errMsg: string;
  }

  interface RequestOption<T = unknown> {
    url: string;
    method?: 'OPTIONS' | 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'TRACE' | 'CONNECT';
    data?: string | Record<string, unknown> | ArrayBuffer;
    header?: Record<string, string>;
    complete?: (res: GeneralCallbackResult) => void;
    fail?: (res: GeneralCallbackResult) => void;
    success?: (result: RequestSuccessCallbackResult<T>) => void;
  }

  interface RequestTask {
    abort(): void;
  }

  interface ShowToastOption {
    title: string;
    icon?: 'success' | 'error' | 'loading' | 'none';
    duration?: number;
  }

  interface Wx {
    /** Callback style when a callback is given, a Promise otherwise (PromisifySuccessResult). */
    requestSubscribeMessage<
      T extends RequestSubscribeMessageOption = RequestSubscribeMessageOption,
    >(
      option: T,
    ): PromisifySuccessResult<T, RequestSubscribeMessageOption>;
    request<T = unknown>(option: RequestOption<T>): RequestTask;
    /** The official typings default T to any; unknown keeps callers honest. */
    getStorageSync<T = unknown>(key: string): T;
    showToast(option: ShowToastOption): void;
  }
}

declare const wx: WechatMiniprogram.Wx;
