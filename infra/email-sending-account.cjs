/**
 * The e-mail sending account of the stack's pool: one value for the pool's EmailConfiguration
 * (infra/cognito.existing-false.yml) and for custom message's MESSAGES_EMAIL_SENDING_ACCOUNT
 * (serverless.yml), because Cognito takes an e-mail from that trigger only from a DEVELOPER (SES) pool.
 * The stack's own pool sends through SES from mailFrom when mailFrom is set, with Cognito's e-mail
 * otherwise; an existing pool's account is the emailSendingAccount parameter (the stack cannot see it).
 * A plain string rather than a CloudFormation condition in the function's environment, so that
 * `serverless invoke local` (which resolves no Fn::If) runs the function too.
 */
const ACCOUNTS = ['DEVELOPER', 'COGNITO_DEFAULT'];

module.exports = async ({ resolveVariable }) => {
  if ((await resolveVariable('param:existingPool')) === 'true') {
    const account = await resolveVariable('param:emailSendingAccount');
    if (!ACCOUNTS.includes(account)) throw new Error(`emailSendingAccount: expected one of ${ACCOUNTS.join(', ')}`);
    return account;
  }
  const mailFrom = await resolveVariable("param:mailFrom, ''");
  return typeof mailFrom === 'string' && mailFrom.trim() !== '' ? 'DEVELOPER' : 'COGNITO_DEFAULT';
};
