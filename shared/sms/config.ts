/** SMS settings of the functions that send SMS. */
import type { EnvReader, SettingDescriptions } from '../config.ts';
import type { SmsSettings } from './sender.ts';

export function readSmsSettings(env: EnvReader): SmsSettings {
  const originationNumber = env.string('SMS_ORIGINATION_NUMBER');
  if (originationNumber !== undefined && !/^(\+\d{4,15}|[A-Za-z0-9:/_-]{1,256})$/u.test(originationNumber)) {
    env.problems.push(
      'SMS_ORIGINATION_NUMBER: expected an E.164 number, a short code, or a pool or phone number id/ARN',
    );
  }
  const senderId = env.string('SMS_SENDER_ID');
  if (senderId !== undefined && !/^(?=.*[A-Za-z])[A-Za-z0-9-]{1,11}$/u.test(senderId)) {
    env.problems.push('SMS_SENDER_ID: expected 1 to 11 letters, digits or hyphens, at least one letter');
  }
  return {
    originationNumber,
    senderId,
    smsType: env.oneOf('SMS_TYPE', ['Transactional', 'Promotional'] as const, 'Transactional'),
  };
}

export const settingDescriptions: SettingDescriptions = {
  SMS_ORIGINATION_NUMBER:
    '`AWS.MM.SMS.OriginationNumber`: an E.164 number, a short code, or a pool or phone number id/ARN; empty: SNS chooses',
  SMS_SENDER_ID: '`AWS.SNS.SMS.SenderID`: 1 to 11 letters, digits or hyphens, at least one letter',
  SMS_TYPE: '`AWS.SNS.SMS.SMSType`',
};
