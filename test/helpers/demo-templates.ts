/**
 * The demo templates (templates/demo.json, templates/demo-clinic.json) as the tests address them:
 * the one place their WeChat ids are written down, so a changed id fails here instead of in a dozen
 * copies.
 */
export const DEMO_TEMPLATE_IDS = {
  AuditResult: 'hQoa10bh-Hwmp6sweSoumkXQgCtvBmFDNO8PAtEsPwc',
  OrderShipped: 'QZKw9ak3rtiv5wsjYfl_XMuqOnEueAvKsJk7iInPwbM',
  AppointmentReminder: 'hf8trVI-hC7-n6-4RCLUdJ894LnA-Tmk6IBHmqOq4rI',
  PaymentSuccess: 'X7kxgW6UXX4tFUuMIpxL72wwlxuJ3HH6c4wcVlW3B78',
  CourseGradeReleased: 'iFtpkHF8rgTW6fQqc2mQdXTieJ0AMzXMUgCmuLEBYPg',
} as const;

export type DemoTemplate = keyof typeof DEMO_TEMPLATE_IDS;

/** WeChat ids of templates/demo-clinic.json: the sandbox's second demo app, `clinic`. */
export const CLINIC_TEMPLATE_IDS = {
  VisitReminder: 'Kc7nV2pQe9Lw3RtY8uZa1bXs4dFg6hJk0mNoPqRsTuv',
  LabReportReady: 'Wq3eR5tY7uI9oP1aS3dF5gH7jK9lZ1xC3vB5nM7qW9e',
} as const;

/** Values WeChat accepts for every keyword of each demo template. */
export const VALID_DATA: Record<DemoTemplate, Record<string, string>> = {
  AuditResult: { phrase2: '已通过', thing3: '资料齐全' },
  OrderShipped: {
    character_string1: 'SO20240518-000123',
    thing2: '有机绿茶礼盒 250g',
    date3: '2024年5月18日 16:30',
    short_thing4: '顺丰速运',
    phone_number5: '400-800-8888',
  },
  AppointmentReminder: {
    name1: '李明',
    car_number2: '粤A8Z888',
    time3: '2024-05-20 14:00~15:30',
    thing4: '天河区机动车检测站',
  },
  PaymentSuccess: {
    amount1: '￥128.00',
    enum_string2: '微信支付',
    character_string3: '4200001234202405181234567890',
    time4: '2024年5月18日 12:30:45',
  },
  CourseGradeReleased: {
    thing1: '高等数学（上）',
    number2: '92.5',
    letter3: 'A',
    symbol4: '★★★★☆',
    date5: '2024-01-15',
  },
};

/** A demo template's id and name, for tests that pass either. */
export interface DemoTemplateRef {
  id: string;
  name: DemoTemplate;
}

const demo = (name: DemoTemplate): DemoTemplateRef => ({ id: DEMO_TEMPLATE_IDS[name], name });

export const AUDIT = demo('AuditResult');
export const ORDER = demo('OrderShipped');
export const APPOINTMENT = demo('AppointmentReminder');
export const PAYMENT = demo('PaymentSuccess');
export const COURSE = demo('CourseGradeReleased');
