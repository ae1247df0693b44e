/** Local stand-ins for the AWS services the triggers use, shared by the Jest setup and the local stack. */
export * from './ports.ts';
export * from './processes.ts';
export * from './dynamodb.ts';
export * from './tables.ts';
export * from './ses.ts';
export * from './cognito.ts';
export * from './lambda-server.ts';
export * from './link-shim.ts';
export * from './message-account.ts';
export * from './stack.ts';
export * from './demo-data.ts';
export * from './custom-auth.ts';
export * from './token-generation.ts';
export * from './s3.ts';
export * from './sfn.ts';
export * from './map-driver.ts';
