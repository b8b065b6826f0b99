//! The command line as clap sees it: derive types, data only.
//!
//! Owns flag names, help text and examples. Must not hold logic or defaults that need the
//! environment: `settings` resolves these once, and commands never see clap types.
//!
//! Adding a command (for example `plan`) is additive:
//! 1. here: a variant in [`Command`] and its `FooArgs` struct (with `after_help` examples);
//! 2. in `settings.rs`: a `FooSettings` struct, a variant in `CommandSettings`, and one arm in
//!    `CommandSettings::resolve`;
//! 3. in `commands/foo.rs`: `pub fn run(globals: &Globals, settings: &FooSettings, out: &mut
//!    Output) -> Result<Outcome, CliError>`, declared in `commands/mod.rs`;
//! 4. in `run.rs`: one arm in `dispatch`.

use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};
use clap_complete::Shell;

use super::duration;

/// `0.1.0 (commit 5a1b4f3c2d1e)`: the crate's version and the commit it was built from
/// (build.rs).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("ECSCTL_BUILD_COMMIT"),
    ")"
);

#[derive(Debug, Parser)]
#[command(
    name = "ecsctl",
    version = VERSION,
    about = "Declarative provisioning for AWS ECS Fargate: plan and apply whole environments from YAML, no state file.",
    after_help = "Examples:\n  ecsctl validate\n  ecsctl render -e prod\n  ecsctl -C path/to/project validate -e staging\n\nExit codes: 0 success (no changes), 1 error, 2 changes present (plan --detailed-exitcode)."
)]
pub struct Cli {
    /// The project directory (holding `ecsctl.yaml`). Default: the current directory.
    #[arg(short = 'C', long = "directory", value_name = "DIR", global = true)]
    pub directory: Option<PathBuf>,

    /// When to colour output: `auto` colours only a terminal and respects NO_COLOR.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto, global = true)]
    pub color: ColorWhen,

    /// Log what ecsctl does to stderr (-v debug, -vv trace); RUST_LOG overrides the filter.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the spec of every environment (or one) without touching AWS.
    Validate(ValidateArgs),
    /// Print the fully resolved desired state of one environment, without touching AWS.
    Render(RenderArgs),
    /// Print the JSON Schema of `ecsctl.yaml` and `environments/*.yaml`, for editors.
    Schema(SchemaArgs),
    /// Show what apply would change in one environment (or each, --all), field by field; changes nothing.
    Plan(PlanArgs),
    /// Converge AWS to the spec (or a saved plan) with ordered calls, then wait until stable.
    Apply(ApplyArgs),
    /// Remove everything one environment owns (log groups are kept unless asked).
    Destroy(DestroyArgs),
    /// Start one run of a scheduled task now, with its schedule's parameters.
    Run(RunArgs),
    /// Start a new deployment of the revision services run now (new tasks; for mutable tags like :latest).
    Redeploy(RedeployArgs),
    /// Roll a service back to an earlier revision ecsctl deployed (shown first, waited like apply).
    Rollback(RollbackArgs),
    /// Run a command in a running container of a service (ECS Exec and the Session Manager plugin).
    Exec(ExecArgs),
    /// Remove an environment lock left behind by a run that is gone (like terraform force-unlock).
    Unlock(UnlockArgs),
    /// Print the least-privilege IAM policy a CI role needs to run a command on one environment.
    Permissions(PermissionsArgs),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
    /// Write a man page per command into a directory (for packaging).
    #[command(
        after_help = "Examples:\n  ecsctl man --out target/man\n  man -l target/man/ecsctl-plan.1\n\n\
Writes ecsctl.1 and ecsctl-COMMAND.1 (ecsctl-prices-update.1 for a subcommand's subcommand),\n\
generated from the same definition as --help. Touches no AWS."
    )]
    Man(ManArgs),
    /// Write a commented starter project (ecsctl.yaml, environments/dev.yaml and prod.yaml).
    Init(InitArgs),
    /// Write the project that describes what runs in a cluster (read only), to adopt it.
    Import(ImportArgs),
    /// The monthly Fargate compute cost of one environment, per service and job; offline.
    Cost(CostArgs),
    /// Refresh the Fargate prices `cost` and `plan` use from the AWS Price List API.
    #[command(
        subcommand,
        after_help = "Examples:\n  ecsctl prices update\n  ecsctl prices update --region eu-west-1"
    )]
    Prices(PricesCommand),
    /// Show each service's tasks, deployments, images and events, and each job's schedule; read only.
    Status(StatusArgs),
    /// Print (or follow) the CloudWatch Logs of one service's or job's tasks, in time order.
    Logs(LogsArgs),
    /// Check, read-only, that everything the spec references exists in AWS and fits (subnets, security groups, target groups, secrets, keys, EFS, images).
    Verify(VerifyArgs),
    /// Print what other tools need from an environment: ARNs, running revisions, log groups, DNS names, role ARNs; read only.
    Output(OutputArgs),
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  ecsctl output -e prod\n  ecsctl output -e prod --output json | jq -r '.services[] | select(.key == \"api\") | .arn'\n\n\
Reads the environment as plan does (without the reads pruning needs) and prints the cluster, each\n\
service's ARN, the task definition revision it runs, its log group, its Cloud Map DNS name and its\n\
roles' ARNs, the scheduled tasks and the namespace. What does not exist yet is `null` (`-` in the\n\
human view) and listed in `missing`; the exit code is 0 either way (1 on an error). The JSON document\n\
is `formatVersion` 1.0 (docs/outputs.md)."
)]
pub struct OutputArgs {
    /// The environment (`environments/<ENV>.yaml`).
    #[arg(short, long, value_name = "ENV")]
    pub env: String,

    /// The output format on stdout.
    #[arg(short, long, value_enum, value_name = "FORMAT", default_value_t = StatusFormat::Human)]
    pub output: StatusFormat,

    /// Print the AWS calls made, per operation, to stderr.
    #[arg(long)]
    pub stats: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  ecsctl verify -e prod\n  IMAGE_TAG=$GITHUB_SHA ecsctl verify -e staging\n  \
ecsctl verify -e prod -s web --image web=123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:v2\n  \
ecsctl verify -e prod --output json | jq '.errors[].message'\n\n\
Reads, never writes: the subnets and security groups (they exist and share one VPC with the\n\
services' target groups and the Cloud Map namespace), the target groups (target type `ip`, a load\n\
balancer forwards to them), the Secrets Manager secrets and SSM parameters of `secrets:`, the KMS\n\
keys, the EFS file systems and access points, and the ECR images being deployed (images in other\n\
registries are listed as not checked). Each problem points at the spec line that wrote the value.\n\
apply runs the same checks before its first write and stops on a problem; plan shows them, as\n\
warnings, for what it would write. Exit codes: 0 no problem, 1 a problem (or an error)."
)]
pub struct VerifyArgs {
    /// The environment (`environments/<ENV>.yaml`).
    #[arg(short, long, value_name = "ENV")]
    pub env: String,

    /// Only these services (repeatable), with their scheduled tasks and what they use.
    #[arg(short = 's', long = "service", value_name = "NAME")]
    pub services: Vec<String>,

    /// Check the images as `apply --image` would deploy them.
    #[arg(long = "image", value_name = "NAME=IMAGE")]
    pub images: Vec<String>,

    /// Do not ask ECR whether the images exist.
    #[arg(long)]
    pub skip_image_check: bool,

    /// The output format on stdout.
    #[arg(short, long, value_enum, value_name = "FORMAT", default_value_t = StatusFormat::Human)]
    pub output: StatusFormat,

    /// Print the AWS calls made, per operation, to stderr.
    #[arg(long)]
    pub stats: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Without -e or --all, every environment in environments/ is validated.\n\n\
Examples:\n  ecsctl validate\n  ecsctl validate -e prod\n  ecsctl -C infra/ validate --all\n\n\
Reads only the spec files: no AWS credentials, config or network are used."
)]
pub struct ValidateArgs {
    /// Validate only this environment (`environments/<ENV>.yaml`).
    #[arg(short, long, value_name = "ENV", conflicts_with = "all")]
    pub env: Option<String>,

    /// Validate every environment (the default).
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  ecsctl render -e prod\n  ecsctl render -e staging --output json | jq '.resources.services[].name'\n  \
IMAGE_TAG=1.4.2 ecsctl render -e prod > prod.yaml\n\n\
Reads only the spec files: no AWS credentials, config or network are used. Without `account:` in\n\
the spec, `{account_id}` stays as written; plan resolves it from your AWS credentials."
)]
pub struct RenderArgs {
    /// The environment to render (`environments/<ENV>.yaml`).
    #[arg(short, long, value_name = "ENV")]
    pub env: String,

    /// The output format.
    #[arg(short, long, value_enum, value_name = "FORMAT", default_value_t = RenderFormat::Yaml)]
    pub output: RenderFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RenderFormat {
    Yaml,
    Json,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  ecsctl schema > ecsctl.schema.json\n\n\
Then point your editor's YAML language server at it, for example with this first line in\n\
ecsctl.yaml:\n  # yaml-language-server: $schema=./ecsctl.schema.json")]
pub struct SchemaArgs {}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The directory to write the pages into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum PricesCommand {
    /// Fetch the on-demand Fargate Linux prices (GetProducts, AmazonECS) into the local cache.
    #[command(
        after_help = "Examples:\n  ecsctl prices update\n  ecsctl prices update --region eu-west-1 --region us-east-1\n\n\
Reads the AWS Price List Query API (pricing:GetProducts; us-east-1 unless AWS_REGION is\n\
ap-south-1) with the usual AWS configuration, and writes the five Fargate prices of each region\n\
to $ECSCTL_CACHE_DIR/prices.json (else $XDG_CACHE_HOME/ecsctl, else ~/.cache/ecsctl), with when\n\
AWS published them. `cost` and `plan` prefer the cache to the embedded table and say which they\n\
used. Default: every region of the embedded table."
    )]
    Update(PricesUpdateArgs),
}

#[derive(Debug, Args)]
pub struct PricesUpdateArgs {
    /// Only this region (repeatable).
    #[arg(long = "region", value_name = "REGION")]
    pub regions: Vec<String>,

    /// Print the AWS calls made, per operation, to stderr.
    #[arg(long)]
    pub stats: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  ecsctl cost -e prod\n  ecsctl cost -e dev --output markdown\n  \
ecsctl cost -e prod --output json | jq -r .monthly\n\n\
Offline, like render: the spec's sizes, counts, autoscaling ranges, capacity strategies,\n\
scheduled scaling and job schedules, priced with the embedded Fargate price table (its date\n\
and source are printed). A month is 730 hours. Not counted: load balancers, data transfer, NAT\n\
gateways, public IPv4, CloudWatch Logs, EBS volumes, discounts (docs/cost.md)."
)]
pub struct CostArgs {
    /// The environment (`environments/<ENV>.yaml`).
    #[arg(short, long, value_name = "ENV")]
    pub env: String,

    /// The output format.
    #[arg(short, long, value_enum, value_name = "FORMAT", default_value_t = PlanFormat::Human)]
    pub output: PlanFormat,

    /// Percent off the on-demand price for Fargate Spot tasks (AWS says "up to 70%";
    /// default 70).
    #[arg(long, value_name = "PCT")]
    pub spot_discount: Option<u32>,

    /// How long a scheduled job's run lasts, in minutes, where its `runMinutes` does not say
    /// (default 10).
    #[arg(long, value_name = "N")]
    pub job_minutes: Option<u32>,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  ecsctl import -e prod --cluster shop-prod\n  \
ecsctl -C shop import -e staging --cluster shop-staging --service shop-staging-web\n  \
ecsctl -C shop import --from-copilot ../shop-copilot --region eu-west-1\n  \
ecsctl -C shop import --from-ecspresso ecspresso.yml --app shop -e prod\n\n\
Reads the cluster's services, the task definitions they run, their scaling, Cloud Map services,\n\
log groups and roles (read only), and writes ecsctl.yaml and environments/ENV.yaml that describe\n\
them. A project an earlier import wrote gets the new environment, with what the environments share\n\
in ecsctl.yaml; a hand-written ecsctl.yaml is never touched. What the spec cannot express is listed\n\
(notes on stderr, comments in the files). Roles this environment does not own are referenced by\n\
ARN, never changed. Then `ecsctl plan -e ENV --adopt` (docs/migrating.md). --from-copilot and\n\
--from-ecspresso read files only (no AWS); docs/import-sources.md lists what translates."
)]
#[command(group(ArgGroup::new("source").required(true).args(["cluster", "from_copilot", "from_ecspresso"])))]
pub struct ImportArgs {
    /// The environment written (`environments/<ENV>.yaml`); required with --cluster and
    /// --from-ecspresso (a Copilot workspace names its own environments).
    #[arg(short, long, value_name = "ENV")]
    pub env: Option<String>,

    /// The ECS cluster to read (read only).
    #[arg(long, value_name = "NAME")]
    pub cluster: Option<String>,

    /// An AWS Copilot workspace (the directory holding `copilot/`), translated offline:
    /// every service, job and environment.
    #[arg(long, value_name = "DIR")]
    pub from_copilot: Option<std::path::PathBuf>,

    /// An ecspresso config (`ecspresso.yml` with its service and task definition JSON files),
    /// translated offline into one service. Needs --app and -e.
    #[arg(long, value_name = "CONFIG")]
    pub from_ecspresso: Option<std::path::PathBuf>,

    /// With --from-copilot: the region to write (Copilot manifests name none; default: a
    /// `${AWS_REGION}` reference).
    #[arg(long, value_name = "REGION", requires = "from_copilot")]
    pub region: Option<String>,

    /// With --cluster: only this service (the ECS service's name; repeatable). Default: every
    /// service.
    #[arg(short, long = "service", value_name = "NAME", requires = "cluster")]
    pub services: Vec<String>,

    /// The app name. Default: the cluster's name without `-ENV`; a Copilot workspace's
    /// application. Required with --from-ecspresso.
    #[arg(long, value_name = "NAME")]
    pub app: Option<String>,

    /// With --cluster: print the AWS calls made, per operation, to stderr.
    #[arg(long, requires = "cluster")]
    pub stats: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  ecsctl init\n  ecsctl -C infra init --app shop --region eu-west-1\n\n\
Writes ecsctl.yaml (the app and one service) and environments/dev.yaml and prod.yaml, each\n\
commented, into the project directory; refuses if any of them exists. Asks nothing, touches no AWS."
)]
pub struct InitArgs {
    /// The app name. Default: the directory's name, made lowercase.
    #[arg(long, value_name = "NAME")]
    pub app: Option<String>,

    /// The AWS region of the project. Default: us-east-1.
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  ecsctl completions bash > ~/.local/share/bash-completion/completions/ecsctl\n  \
ecsctl completions zsh > \"${fpath[1]}/_ecsctl\"\n  ecsctl completions fish > ~/.config/fish/completions/ecsctl.fish"
)]
pub struct CompletionsArgs {
    /// The shell to generate completions for.
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  ecsctl plan -e staging\n  IMAGE_TAG=$GITHUB_SHA ecsctl plan -e prod --detailed-exitcode\n  \
ecsctl plan -e prod --output markdown > plan.md\n  ecsctl plan -e prod --output json | jq '.summary'\n  \
ecsctl plan -e prod --out prod.plan.json\n  ecsctl plan -e prod --image api=123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:$GITHUB_SHA\n  \
ecsctl plan --all --output markdown > plan.md\n  ecsctl plan -e prod -s web -s worker\n\n\
Reads live AWS (ECS, IAM, Cloud Map, CloudWatch Logs, Application Auto Scaling) with the AWS CLI's\n\
credentials, region and endpoint settings, and never writes. --all plans every environment in\n\
environments/ (a few at a time, each with its own read) into one report; an environment that\n\
fails is reported as such and the others are still planned. -s limits the plan to those services\n\
(with --all, in every environment). What the plan would write is checked against what it\n\
references (subnets, target groups, secrets, images...: `ecsctl verify`); a problem is a warning\n\
here and stops apply. Exit codes: 0 no changes (or changes\n\
without --detailed-exitcode), 1 error (in any environment with --all), 2 changes present with\n\
--detailed-exitcode."
)]
// Exactly one of `-e ENV` and `--all`: a plan of "the default environment" would be a guess.
#[command(group(ArgGroup::new("which").required(true).args(["env", "all"])))]
pub struct PlanArgs {
    /// The environment to plan (`environments/<ENV>.yaml`).
    #[arg(short, long, value_name = "ENV")]
    pub env: Option<String>,

    /// Plan every environment of the project into one report (not with --out).
    #[arg(long)]
    pub all: bool,

    /// The output format on stdout.
    #[arg(short, long, value_enum, value_name = "FORMAT", default_value_t = PlanFormat::Human)]
    pub output: PlanFormat,

    /// Exit 2 when there are changes, 0 when there are none (1 is always an error).
    #[arg(long)]
    pub detailed_exitcode: bool,

    /// Also save the plan (versioned JSON with the live-state fingerprint) to FILE; one
    /// environment's only, so not with --all.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Plan the deletion of removed services' log groups too (as `apply --delete-logs`).
    #[arg(long)]
    pub delete_logs: bool,

    /// Make same-named resources without any ecsctl ownership tags this environment's: the plan
    /// shows each one's tags added and every field it changes (`apply --adopt` does it). Never
    /// one tagged for another app or environment, nor one of a CloudFormation stack.
    #[arg(long)]
    pub adopt: bool,

    /// With --adopt: a CloudFormation stack you released its resources from (DeletionPolicy
    /// Retain, then removed from the template or the stack deleted); its resources, which keep
    /// their `aws:cloudformation:` tags, may be adopted. Repeatable.
    #[arg(long = "released-stack", value_name = "STACK", requires = "adopt")]
    pub released_stacks: Vec<String>,

    /// Print the AWS calls made, per operation, to stderr.
    #[arg(long)]
    pub stats: bool,

    /// Override a container image as `apply --image` does (NAME is a service or
    /// service/container; every container of the same repository follows), so a pipeline's
    /// plan shows the build it is about to deploy.
    #[arg(long = "image", value_name = "NAME=IMAGE")]
    pub images: Vec<String>,

    /// Do not check that the ECR images being deployed exist (the pre-flight's DescribeImages),
    /// e.g. when a later step of the pipeline pushes them.
    #[arg(long)]
    pub skip_image_check: bool,

    /// Plan only this service (repeatable), with its scheduled tasks (`service: NAME`) and the
    /// resources they use; nothing else is changed or pruned. The plan says it is partial.
    /// Not with --delete-logs: a partial plan deletes no log group.
    #[arg(
        short = 's',
        long = "service",
        value_name = "NAME",
        conflicts_with = "delete_logs"
    )]
    pub services: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// Terraform-like text.
    Human,
    /// The versioned plan document (docs/plan-json.md).
    Json,
    /// A pull-request comment.
    Markdown,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  ecsctl apply -e staging\n  ecsctl apply -e prod --yes --image api=123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:$GITHUB_SHA\n  \
ecsctl plan -e prod --out prod.plan.json && ecsctl apply prod.plan.json --yes\n  ecsctl apply -e dev --yes --no-wait\n  \
ecsctl apply -e prod -s web --image web=123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:$GITHUB_SHA\n\n\
On a terminal, apply shows the plan and asks for `yes`. Without a terminal (CI) it refuses unless\n\
--yes is given. A saved plan applies exactly its own values (not the spec, -e or --image), and only\n\
if the live state still matches it. -s NAME applies one service (repeatable) with its scheduled\n\
tasks and what they use, and never prunes anything else. With changes to make, apply first checks\n\
everything the spec references (the pre-flight of `ecsctl verify`; --skip-image-check skips ECR)\n\
and stops, writing nothing, on a problem; then it takes the environment's lock\n\
(--lock-timeout waits for it) and checks the result after the writes. Progress goes to stderr.\n\
Exit codes: 0 applied (or nothing to do), 1 error, a failed call, a failed deployment, a timeout or\n\
a failed check, 130 stopped by Ctrl-C or SIGTERM."
)]
pub struct ApplyArgs {
    /// A plan saved by `ecsctl plan --out FILE`: applies exactly its values; refused if the file
    /// was edited or the live state moved since.
    #[arg(value_name = "PLANFILE")]
    pub plan_file: Option<PathBuf>,

    /// The environment to apply (`environments/<ENV>.yaml`); not with a PLANFILE, which names its own.
    #[arg(short, long, value_name = "ENV")]
    pub env: Option<String>,

    /// Apply without asking (required without a terminal, e.g. in CI).
    #[arg(short = 'y', long)]
    pub yes: bool,

    /// Override a container image: NAME is a service (its main container) or service/container;
    /// every container whose spec image is in the same repository follows (other services,
    /// sidecars, scheduled tasks), and the plan lists them. Repeatable.
    #[arg(long = "image", value_name = "NAME=IMAGE")]
    pub images: Vec<String>,

    /// Do not check that the ECR images being deployed exist (the pre-flight's DescribeImages),
    /// e.g. when a later step of the pipeline pushes them.
    #[arg(long)]
    pub skip_image_check: bool,

    /// How long to wait for changed services to become stable (e.g. 90s, 15m, 1h).
    #[arg(long, value_name = "DURATION", default_value = "15m", value_parser = duration::positive)]
    pub timeout: Duration,

    /// Do not wait for services to become stable.
    #[arg(long)]
    pub no_wait: bool,

    /// Allow replacements and deletions in a `protected` environment.
    #[arg(long)]
    pub allow_destroy: bool,

    /// Also delete the log groups of removed services (kept by default: they hold logs).
    #[arg(long)]
    pub delete_logs: bool,

    /// Make same-named resources without any ecsctl ownership tags this environment's, as
    /// `plan --adopt` shows it. Not with a PLANFILE, which adopts what its plan adopted.
    #[arg(long)]
    pub adopt: bool,

    /// With --adopt: a CloudFormation stack you released its resources from, as for `plan`.
    #[arg(long = "released-stack", value_name = "STACK", requires = "adopt")]
    pub released_stacks: Vec<String>,

    /// Print the AWS calls made, per operation, to stderr.
    #[arg(long)]
    pub stats: bool,

    /// How long to wait for another run's lock on the environment (e.g. 60s, 5m); 0 fails at once.
    #[arg(long, value_name = "DURATION", default_value = "0", value_parser = duration::any)]
    pub lock_timeout: Duration,

    /// Apply only this service (repeatable), with its scheduled tasks (`service: NAME`) and the
    /// resources they use; nothing else is changed or pruned. Not with a PLANFILE or
    /// --delete-logs (a partial apply deletes no log group).
    #[arg(
        short = 's',
        long = "service",
        value_name = "NAME",
        conflicts_with = "delete_logs"
    )]
    pub services: Vec<String>,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  ecsctl destroy -e dev --dry-run\n  ecsctl destroy -e dev --yes\n  \
ecsctl destroy -e preview-42 --yes --delete-logs\n  ecsctl destroy -e prod --allow-destroy\n\n\
Deletes only resources tagged ecsctl:managed-by=ecsctl with this app and environment, in reverse\n\
dependency order. Log groups are kept unless --delete-logs (or `logs.retain: false`). On a terminal,\n\
destroy shows the plan and asks for `yes`; without one it refuses unless --yes. A `protected`\n\
environment needs --allow-destroy. Exit codes: 0 done (or nothing to destroy), 1 error,\n\
2 something was (or with --dry-run would be) destroyed, with --detailed-exitcode."
)]
pub struct DestroyArgs {
    /// The environment to destroy (`environments/<ENV>.yaml`).
    #[arg(short, long, value_name = "ENV")]
    pub env: String,

    /// Not supported: destroy removes the whole environment (refused with a hint).
    #[arg(short = 's', long = "service", value_name = "NAME", hide = true)]
    pub services: Vec<String>,

    /// Destroy without asking (required without a terminal, e.g. in CI).
    #[arg(short = 'y', long)]
    pub yes: bool,

    /// Required to destroy a `protected` environment.
    #[arg(long)]
    pub allow_destroy: bool,

    /// Also delete the environment's log groups (kept by default: they hold logs).
    #[arg(long)]
    pub delete_logs: bool,

    /// Show what would be destroyed and stop; changes nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// The output format of the plan on stdout.
    #[arg(short, long, value_enum, value_name = "FORMAT", default_value_t = PlanFormat::Human)]
    pub output: PlanFormat,

    /// Exit 2 when something was (or with --dry-run would be) destroyed, 0 when nothing.
    #[arg(long)]
    pub detailed_exitcode: bool,

    /// Print the AWS calls made, per operation, to stderr.
    #[arg(long)]
    pub stats: bool,

    /// How long to wait for another run's lock on the environment (e.g. 60s, 5m); 0 fails at once.
    #[arg(long, value_name = "DURATION", default_value = "0", value_parser = duration::any)]
    pub lock_timeout: Duration,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  ecsctl run -e prod defillama-collector\n  ecsctl run -e staging db-migrate --wait --timeout 30m\n  \
ecsctl run -e prod nightly-report --wait --command \"./report --since '2 days ago'\"\n  \
ecsctl run -e staging migrate --wait --image web=123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:$GITHUB_SHA\n\n\
Starts the task the way its schedule would (ECS RunTask: same cluster, count, capacity, network,\n\
platform version and tags) with the task definition the spec describes now, --image included: the\n\
newest matching revision of ours, or a new one registered first. Warns when the job's image differs\n\
from what the services of the same repository run. The schedule itself is not touched. Prints\n\
the task ARNs on stdout. With --wait, waits for the tasks to stop and exits with the main\n\
container's exit code (the first non-zero one when several tasks ran), or 1 with the stop reason\n\
when a task could not start."
)]
pub struct RunArgs {
    /// The environment (`environments/<ENV>.yaml`).
    #[arg(short, long, value_name = "ENV")]
    pub env: String,

    /// The scheduled task's name in `scheduledTasks`.
    #[arg(value_name = "JOB")]
    pub job: String,

    /// Wait for the tasks to stop and exit with the main container's exit code.
    #[arg(long)]
    pub wait: bool,

    /// How long --wait waits (e.g. 90s, 30m, 1h).
    #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = duration::any)]
    pub timeout: Duration,

    /// Override a container image as `apply --image` does (NAME is a service or
    /// service/container; every container of the same repository follows, this job's
    /// included). Repeatable.
    #[arg(long = "image", value_name = "NAME=IMAGE")]
    pub images: Vec<String>,

    /// Replace the main container's command for this run; split like a shell would
    /// (quotes and backslashes), without running a shell.
    #[arg(long, value_name = "COMMAND")]
    pub command: Option<String>,

    /// Print the AWS calls made, per operation, to stderr.
    #[arg(long)]
    pub stats: bool,

    /// How long to wait for another run's lock on the environment (e.g. 60s, 5m); 0 fails at once.
    #[arg(long, value_name = "DURATION", default_value = "0", value_parser = duration::any)]
    pub lock_timeout: Duration,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  ecsctl exec -e staging web -- /bin/sh\n  ecsctl exec -e prod web --container app -- rails console\n  \
ecsctl exec -e prod worker --task 0f9a3c2e5b7d4e1f8a6b9c0d1e2f3a4b -- sh -c 'ps aux'\n\n\
Picks a RUNNING task of the service (or --task), checks that ECS Exec was on when it started and\n\
that its ExecuteCommandAgent runs, calls ECS ExecuteCommand and hands the session to the AWS\n\
Session Manager plugin (session-manager-plugin, which must be on PATH) exactly as\n\
`aws ecs execute-command` does. The container defaults to the service's main (first) one. Needs\n\
`enableExecuteCommand: true` on the service; tasks started before it was applied need\n\
`ecsctl redeploy`. Exit code: the plugin's. Takes no lock and changes nothing ecsctl manages."
)]
pub struct ExecArgs {
    /// The environment (`environments/<ENV>.yaml`).
    #[arg(short, long, value_name = "ENV")]
    pub env: String,

    /// The service, by its name in `services` (or the ECS service name).
    #[arg(value_name = "SERVICE")]
    pub service: String,

    /// The task (id or ARN). Default: the service's first RUNNING task.
    #[arg(long, value_name = "ID")]
    pub task: Option<String>,

    /// The container. Default: the service's main (first) container.
    #[arg(long, short = 'c', value_name = "NAME")]
    pub container: Option<String>,

    /// Interactive session (the default and the only mode ECS Exec supports).
    #[arg(short, long)]
    pub interactive: bool,

    /// Print the AWS calls made, per operation, to stderr.
    #[arg(long)]
    pub stats: bool,

    /// The command to run in the container, after `--`.
    #[arg(value_name = "COMMAND", required = true, last = true, num_args = 1..)]
    pub command: Vec<String>,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  ecsctl rollback -e prod web\n  ecsctl rollback -e prod web --to 41 --yes\n\n\
Deploys the newest ACTIVE revision of the service's family that ecsctl registered for this\n\
environment before the one it runs (or --to REVISION), after showing the fields that differ.\n\
Asks on a terminal (needs --yes without one), holds the environment lock, then waits like apply.\n\
The next apply of the unchanged spec (e.g. the next merge in CI) deploys the spec's revision\n\
again: pin the rolled-back image in the spec (`image:`) or pass `--image` to keep it.\n\
Exit codes: 0 stable (or --no-wait), 1 error, no earlier revision, failed deployment or timeout."
)]
pub struct RollbackArgs {
    /// The environment (`environments/<ENV>.yaml`).
    #[arg(short, long, value_name = "ENV")]
    pub env: String,

    /// The service, by its name in `services` (or the ECS service name).
    #[arg(value_name = "SERVICE")]
    pub service: String,

    /// The revision number of the family to go back to. Default: the newest earlier one ecsctl registered.
    #[arg(long, value_name = "REVISION")]
    pub to: Option<u32>,

    /// Do not ask for confirmation (needed without a terminal, as in CI).
    #[arg(long)]
    pub yes: bool,

    /// Return once ECS accepted the deployment, without waiting for it to be stable.
    #[arg(long)]
    pub no_wait: bool,

    /// How long to wait for the service to become stable (e.g. 90s, 15m, 1h).
    #[arg(long, value_name = "DURATION", default_value = "15m", value_parser = duration::positive)]
    pub timeout: Duration,

    /// Print the AWS calls made, per operation, to stderr.
    #[arg(long)]
    pub stats: bool,

    /// How long to wait for another run's lock on the environment (e.g. 60s, 5m); 0 fails at once.
    #[arg(long, value_name = "DURATION", default_value = "0", value_parser = duration::any)]
    pub lock_timeout: Duration,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  ecsctl redeploy -e staging web\n  ecsctl redeploy -e prod web worker --yes\n  \
ecsctl redeploy -e dev web --no-wait\n\n\
Sends ECS UpdateService with forceNewDeployment and the revision each service runs now, so new\n\
tasks pull the image again (a mutable tag such as `:latest`). Nothing else changes: the next plan\n\
of the unchanged spec stays empty. Shows the services first, asks on a terminal (needs --yes\n\
without one), holds the environment lock, then waits like apply. Exit codes: 0 stable (or\n\
--no-wait), 1 error, failed deployment or timeout."
)]
pub struct RedeployArgs {
    /// The environment (`environments/<ENV>.yaml`).
    #[arg(short, long, value_name = "ENV")]
    pub env: String,

    /// The services to redeploy, by their name in `services` (or the ECS service name).
    #[arg(value_name = "SERVICE", required = true)]
    pub services: Vec<String>,

    /// Do not ask for confirmation (needed without a terminal, as in CI).
    #[arg(long)]
    pub yes: bool,

    /// Return once ECS accepted the new deployments, without waiting for them to be stable.
    #[arg(long)]
    pub no_wait: bool,

    /// How long to wait for the services to become stable (e.g. 90s, 15m, 1h).
    #[arg(long, value_name = "DURATION", default_value = "15m", value_parser = duration::positive)]
    pub timeout: Duration,

    /// Print the AWS calls made, per operation, to stderr.
    #[arg(long)]
    pub stats: bool,

    /// How long to wait for another run's lock on the environment (e.g. 60s, 5m); 0 fails at once.
    #[arg(long, value_name = "DURATION", default_value = "0", value_parser = duration::any)]
    pub lock_timeout: Duration,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  ecsctl unlock -e dev 1f2e3d4c5b6a79880011\n\n\
Removes the environment lock that a run left behind (killed, or its machine gone), like\n\
`terraform force-unlock`. LOCK_ID is the id the refused command printed; a lock with another id\n\
is refused, so a lock taken since is never removed by mistake. Only remove a lock whose run is\n\
really gone: two runs at once can leave the environment half changed. Exit codes: 0 removed (or\n\
already gone), 1 error or another lock."
)]
pub struct UnlockArgs {
    /// The environment (`environments/<ENV>.yaml`).
    #[arg(short, long, value_name = "ENV")]
    pub env: String,

    /// The id of the lock to remove (printed by the command that was refused).
    #[arg(value_name = "LOCK_ID")]
    pub lock_id: String,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  ecsctl permissions -e prod > ci-apply-prod.json\n  \
ecsctl permissions -e prod --command plan > ci-plan-prod.json\n  \
aws iam put-role-policy --role-name ci-prod --policy-name ecsctl --policy-document file://ci-apply-prod.json\n\n\
Prints an IAM policy document (JSON) on stdout: the actions the command calls and the ones AWS\n\
checks on top (iam:PassRole, iam:CreateServiceLinkedRole, tag-on-create), each scoped to the\n\
environment's resources where the action allows it; the actions that accept only \"*\" are in one\n\
statement that says so. Reads only the spec files: no AWS credentials, config or network. The\n\
account comes from the spec's `account:` (else `*`), the partition from its region."
)]
pub struct PermissionsArgs {
    /// The environment (`environments/<ENV>.yaml`).
    #[arg(short, long, value_name = "ENV")]
    pub env: String,

    /// The command the policy is for.
    #[arg(long, value_enum, value_name = "COMMAND", default_value_t = PermissionsCommand::Apply)]
    pub command: PermissionsCommand,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PermissionsCommand {
    /// Read-only: what plan reads.
    Plan,
    /// plan's reads, the writes, the lock, PassRole and the service-linked roles.
    Apply,
    /// plan's reads, the deletions and the lock.
    Destroy,
    /// RunTask for the scheduled tasks, under the lock.
    Run,
    /// Read-only: what `ecsctl status` reads.
    Status,
    /// Read-only: what `ecsctl verify` (and the pre-flight of plan and apply) reads.
    Verify,
    /// Read-only: FilterLogEvents on the environment's log groups (`ecsctl logs`).
    Logs,
    /// ECS ExecuteCommand on the environment's tasks, with the reads that find them.
    Exec,
    /// UpdateService (a new deployment of the same revision) under the lock, and the wait.
    Redeploy,
    /// redeploy's, plus the task definition reads that find the previous revision.
    Rollback,
    /// Read-only: `ecsctl prices update`'s Price List reads (pricing:GetProducts).
    Prices,
}

// ---- status and logs (issue 13): read-only commands ----

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  ecsctl status -e prod\n  ecsctl status -e prod web worker\n  \
ecsctl status -e prod --output json | jq '.services[] | {key, healthy}'\n  ecsctl status -e staging --watch --interval 10s\n\n\
Per service: desired, running and pending tasks, each deployment (PRIMARY / ACTIVE, its rollout\n\
state and reason, task definition revision, images), load balancer target health and the newest\n\
events; a service of the spec that does not exist is shown as not created. Per scheduled job: its\n\
schedule, timezone, state and last run (the newest task ECS lists: running, or stopped within\n\
about an hour). Reads ECS, ELBv2 and EventBridge Scheduler with the AWS CLI's credentials; never\n\
writes, takes no lock. --watch redraws on a terminal and prints one snapshot after another\n\
otherwise (JSON lines with --output json), until Ctrl-C. Exit codes: 0 every service shown is\n\
healthy (one deployment, all desired tasks running, rollout not failed, no target unhealthy),\n\
1 error, 3 a service is not healthy or not created (so CI can gate on it; --watch exits 0 on\n\
Ctrl-C)."
)]
pub struct StatusArgs {
    /// The environment (`environments/<ENV>.yaml`).
    #[arg(short, long, value_name = "ENV")]
    pub env: String,

    /// Only these services (the spec's names); default: every service and job.
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,

    /// The output format on stdout.
    #[arg(short, long, value_enum, value_name = "FORMAT", default_value_t = StatusFormat::Human)]
    pub output: StatusFormat,

    /// Refresh until Ctrl-C.
    #[arg(long)]
    pub watch: bool,

    /// How often --watch refreshes (e.g. 5s, 1m).
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = duration::positive, requires = "watch")]
    pub interval: Duration,

    /// Print the AWS calls made, per operation, to stderr.
    #[arg(long)]
    pub stats: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StatusFormat {
    /// Text, one block per service.
    Human,
    /// The versioned status document (docs/status-json.md), one line per snapshot.
    Json,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  ecsctl logs -e prod web\n  ecsctl logs -e prod web --since 2h --filter ERROR\n  \
ecsctl logs -e prod web --container envoy --follow\n  ecsctl logs -e staging migrate --since 2026-11-28T07:00:00Z\n  \
ecsctl logs -e prod web --output json | jq -r .message\n\n\
Reads the log group and stream prefix the spec gives the service's (or job's) containers\n\
(FilterLogEvents), and prints each event as `TASK CONTAINER | message`, in time order (task is the\n\
task id's first 8 characters; coloured on a terminal). --follow then streams new events with\n\
CloudWatch Logs Live Tail (StartLiveTail) until Ctrl-C (exit 0); where Live Tail is unavailable\n\
(endpoint unreachable, no logs:StartLiveTail permission) it says so and polls every 2 seconds,\n\
looking back 30 seconds for late events; never printing one twice. --filter is\n\
a CloudWatch Logs filter pattern (a plain word matches events containing it). Never writes."
)]
pub struct LogsArgs {
    /// The environment (`environments/<ENV>.yaml`).
    #[arg(short, long, value_name = "ENV")]
    pub env: String,

    /// A service or scheduled job of the spec.
    #[arg(value_name = "SERVICE|JOB")]
    pub target: String,

    /// Keep printing new events until Ctrl-C.
    #[arg(short, long)]
    pub follow: bool,

    /// How far back to start: 10m, 2h, 1d, or an RFC 3339 time.
    #[arg(long, value_name = "WHEN", default_value = "10m")]
    pub since: String,

    /// Only events matching this CloudWatch Logs filter pattern.
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,

    /// Only this container's events (default: every container of the task).
    #[arg(long, value_name = "CONTAINER")]
    pub container: Option<String>,

    /// `human` lines, or `json`: one JSON object per event (JSON lines).
    #[arg(short, long, value_enum, value_name = "FORMAT", default_value_t = StatusFormat::Human)]
    pub output: StatusFormat,

    /// Print the AWS calls made, per operation, to stderr.
    #[arg(long)]
    pub stats: bool,
}
