/** Where this process runs, as far as secrets and local stand-ins are concerned. */

/**
 * Whether this process is a function in AWS Lambda: only the real runtime sets AWS_LAMBDA_RUNTIME_API
 * (and AWS_EXECUTION_ENV=AWS_Lambda_*). AWS_LAMBDA_FUNCTION_NAME alone does not tell: `serverless
 * invoke local` sets it too, and local keys and secrets are right there.
 */
export function runningInLambda(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return Boolean(env.AWS_LAMBDA_RUNTIME_API) || /^AWS_Lambda_/u.test(env.AWS_EXECUTION_ENV ?? '');
}
