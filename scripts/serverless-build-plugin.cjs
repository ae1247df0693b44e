/**
 * Builds the functions before osls packages or invokes them, so that `npx serverless package` and
 * `npx serverless invoke local` work on a fresh clone without a separate build step. (osls has no
 * esbuild of its own, and serverless-esbuild works only as CommonJS.)
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

class BuildBeforePackaging {
  constructor(serverless, options) {
    this.serverless = serverless;
    this.options = options;
    const build = () => this.build();
    this.hooks = {
      'before:package:createDeploymentArtifacts': build,
      'before:invoke:local:invoke': build,
      // Before invoke local reads the environment, which it does in its own first hook.
      initialize: () => {
        if ((this.serverless.processedInput?.commands ?? []).join(' ') === 'invoke local') {
          this.dropDeployTimeValues();
          this.useLocalStack();
        }
      },
    };
  }

  /**
   * Values only CloudFormation knows (`!GetAtt CodeKey.Arn`, the custom senders' key) do not exist for
   * `invoke local`, which would refuse to start on them: the function runs without them (the senders
   * then take `-e CODE_KEYRING=local`).
   */
  dropDeployTimeValues() {
    const fn = this.options.function && this.serverless.service.functions?.[this.options.function];
    const environment = fn?.environment ?? {};
    for (const [name, value] of Object.entries(environment)) {
      if (value && typeof value === 'object' && value['Fn::GetAtt']) delete environment[name];
    }
  }

  /**
   * With `npm start` running (its stack file, `.local/stack.json` or `STACK_FILE`), the function runs
   * against that stack: its endpoints and tables, dummy credentials it accepts, the local keyring and
   * the SMS outbox (local-cloud/invoke-environment.ts). `-e` options still win.
   */
  useLocalStack() {
    const fn = this.options.function && this.serverless.service.functions?.[this.options.function];
    if (!fn) return;
    const root = this.serverless.config.servicePath;
    const stackFile = path.resolve(root, process.env.STACK_FILE || path.join('.local', 'stack.json'));
    // No stack running is fine (the function runs as configured); a named file that is missing is a mistake.
    if (process.env.STACK_FILE && !fs.existsSync(stackFile)) throw new Error(`STACK_FILE: no file ${stackFile}`);
    const result = spawnSync(
      path.join(root, 'node_modules', '.bin', 'tsx'),
      [path.join(root, 'local-cloud', 'invoke-environment.ts'), stackFile],
      { cwd: root, encoding: 'utf8' },
    );
    if (result.status !== 0) throw new Error(`cannot read the local stack file ${stackFile}: ${result.stderr}`);
    fn.environment = { ...fn.environment, ...JSON.parse(result.stdout) };
  }

  build() {
    const root = this.serverless.config.servicePath;
    const functions = this.serverless.service.functions ?? {};
    const only = this.options.function ? [this.options.function] : Object.keys(functions);
    const folders = only.map((name) => functions[name].handler.split('/')[1]);
    const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
    const result = spawnSync(tsx, [path.join(root, 'scripts', 'build.ts'), ...folders], {
      stdio: 'inherit',
      cwd: root,
    });
    if (result.status !== 0) throw new Error(`build failed for ${folders.join(', ')}`);
  }
}

module.exports = BuildBeforePackaging;
