import { ApiClient, API_OPTIONS, API_OPTIONS_HELP } from '../api-client.js';
import { flagOption, parseTime, stringOption, type Command } from '../args.js';
import { CliError, ExitCode, UsageError } from '../errors.js';
import { printJson } from '../output.js';

interface BackgroundTask {
  id: string;
  status: 'running' | 'finished' | 'failed';
  task: string;
  data?: { recovered?: number; error?: string };
}

/** How often --wait polls the recovery task, in milliseconds. */
const WAIT_POLL_MS = 500;
/** How long --wait waits for the recovery task, in milliseconds. */
const WAIT_TIMEOUT_MS = 120_000;

async function waitForTask(client: ApiClient, taskId: string): Promise<BackgroundTask> {
  const deadline = Date.now() + WAIT_TIMEOUT_MS;
  for (;;) {
    const task = await client.get<BackgroundTask>(`/api/v1/background-task/${encodeURIComponent(taskId)}`);
    if (task.status !== 'running') return task;
    if (Date.now() > deadline) {
      const detail =
        `Recovery task ${taskId} still runs after ${WAIT_TIMEOUT_MS / 1000} s. ` +
        `Check it later with GET /api/v1/background-task/${taskId}.`;
      throw new CliError(ExitCode.failed, detail);
    }
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
  }
}

export const recoverCommand: Command = {
  name: 'recover',
  summary: 'Send again every failed message of an endpoint since a time.',
  help: `Usage: hookline recover APP ENDPOINT --since TIME [options]

Requeues every message of endpoint ENDPOINT (id or uid) of application APP whose delivery
failed for good and that was created since TIME, and optionally before --until. Each gets a
fresh retry schedule. Recovery runs as a background task on the server.

Options:
  --since TIME     required: recover messages created at or after TIME
  --until TIME     recover messages created before TIME (default: now)
  --wait           wait until the task finishes and print how many messages were requeued
                   (gives up after ${WAIT_TIMEOUT_MS / 1000} s)
  --json           print the task as JSON
${API_OPTIONS_HELP}

TIME is an ISO 8601 date-time (2026-12-04T03:00:00Z; without a zone it is local time), a
date (2026-12-04, midnight UTC), or a duration ago: 90s, 15m, 2h, 7d, 1w.
`,
  options: {
    ...API_OPTIONS,
    since: { type: 'string' },
    until: { type: 'string' },
    wait: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  positionals: ['APP', 'ENDPOINT'],
  async run(args) {
    const [app, endpoint] = args.positionals as [string, string];
    const sinceText = stringOption(args, 'since');
    if (sinceText === undefined) throw new UsageError('Missing --since TIME, such as --since 2h.', 'recover');
    const since = new Date(parseTime(sinceText, 'since', 'recover')).toISOString();
    const untilText = stringOption(args, 'until');
    const until =
      untilText === undefined ? undefined : new Date(parseTime(untilText, 'until', 'recover')).toISOString();

    const client = ApiClient.fromArgs(args);
    const path = `/api/v1/app/${encodeURIComponent(app)}/endpoint/${encodeURIComponent(endpoint)}/recover`;
    let task = await client.post<BackgroundTask>(path, until ? { since, until } : { since });
    if (flagOption(args, 'wait')) task = await waitForTask(client, task.id);

    if (flagOption(args, 'json')) printJson(task);
    else if (task.status === 'finished') {
      process.stdout.write(`Recovery ${task.id} finished: ${task.data?.recovered ?? 0} messages requeued since ${since}.\n`);
    } else if (task.status === 'failed') {
      process.stdout.write(`Recovery ${task.id} failed: ${task.data?.error ?? 'no reason recorded'}.\n`);
    } else {
      process.stdout.write(`Recovery ${task.id} started for failed messages since ${since}. Add --wait to wait for it.\n`);
    }
    return task.status === 'failed' ? ExitCode.failed : ExitCode.ok;
  },
};
