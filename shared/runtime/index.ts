export {
  cognitoTrigger,
  type Policy,
  type TriggerContext,
  type TriggerHandler,
  type DeclaredTriggerHandler,
  type TriggerOptions,
  type FailureMode,
  type Outcome,
} from './trigger.ts';
export { UserFacingError, TriggerFailure, ConfigError, GENERIC_FAILURE_MESSAGE, asError } from './errors.ts';
export { MetricUnit, userNameHash, type Logger, type Metrics } from './observability.ts';
export {
  COGNITO_TRIGGER_TIMEOUT_MS,
  SAFETY_MARGIN_MS,
  budgetMs,
  isAsynchronousTrigger,
  type Budget,
} from './budget.ts';
export { redactLogValue, redactText, isSecretKey, isSecretName, REDACTED } from './redact.ts';
export { lambdaContext } from './local-context.ts';
