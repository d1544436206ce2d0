/**
 * The slice of `@tarojs/taro` that subscribe.taro.ts uses, shaped like Taro's own typings
 * (packages/taro/types/api/open-api/subscribe-message.d.ts) so the snippet type-checks without
 * installing Taro. In a Taro project, delete this file: the real package provides the module.
 */
declare module '@tarojs/taro' {
  namespace TaroGeneral {
    interface CallbackResult {
      errMsg: string;
    }
  }

  namespace requestSubscribeMessage {
    interface Option {
      /** Template ids (weapp, tt). */
      tmplIds?: string[];
      /**
       * Alipay only, yet declared non-optional in Taro's typings (NervJS/taro-docs#266): weapp
       * code has to pass `entityIds: []` (or cast) to compile. Mirrored here on purpose.
       */
      entityIds: string[];
      /** Alipay only. */
      thirdTypeAppId?: string;
      complete?: (res: TaroGeneral.CallbackResult) => void;
      fail?: (result: FailCallbackResult) => void;
      success?: (result: SuccessCallbackResult) => void;
    }
    interface FailCallbackResult extends TaroGeneral.CallbackResult {
      errCode: number;
      errMsg: string;
    }
    interface SuccessCallbackResult extends TaroGeneral.CallbackResult {
      /** accept | reject | ban | filter (fail on tt), typed as string. */
      [TEMPLATE_ID: string]: string;
      errMsg: string;
    }
  }

  interface RequestOption {
    url: string;
    method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
    data?: unknown;
    header?: Record<string, string>;
  }

  interface TaroStatic {
    requestSubscribeMessage(
      option: requestSubscribeMessage.Option,
    ): Promise<
      requestSubscribeMessage.SuccessCallbackResult | requestSubscribeMessage.FailCallbackResult
    >;
    request<T = unknown>(option: RequestOption): Promise<{ data: T; statusCode: number }>;
    getStorageSync<T = unknown>(key: string): T;
    showToast(option: {
      title: string;
      icon?: 'success' | 'error' | 'loading' | 'none';
    }): Promise<unknown>;
  }

  const Taro: TaroStatic;
  export default Taro;
}
