import { findApplication } from '../../store/applications.js';
import type { Store } from '../../store/database.js';
import { DeliveryStatus } from '../../store/messages.js';
import { AttemptFeed, LOOKBACK_MS, type FeedAttempt, type FeedFilter } from '../attempt-feed.js';
import { flagOption, parseDurationMs, parseTime, stringOption, type Command, type ParsedArgs } from '../args.js';
import { DATABASE_OPTIONS, DATABASE_OPTIONS_HELP, openServerDatabase } from '../database.js';
import { CliError, ExitCode, UsageError } from '../errors.js';
import { formatTime } from '../output.js';

const OUTCOMES: Record<string, number> = { success: DeliveryStatus.success, fail: DeliveryStatus.fail };
const DEFAULT_INTERVAL_MS = 1000;
/** After a failed poll, how long before the next one, in milliseconds. */
const ERROR_RETRY_MS = 5000;

function outcomeText(row: FeedAttempt): string {
  if (row.status === DeliveryStatus.success) return 'success';
  const reason = row.error_code ? `fail (${row.error_code})` : 'fail';
  return row.next_attempt_at === null ? `${reason}, final` : `${reason}, retry ${formatTime(row.next_attempt_at)}`;
}

function formatLine(row: FeedAttempt): string {
  const status = row.response_status_code === 0 ? '---' : String(row.response_status_code);
  const manual = row.trigger_type === 1 ? ' (resend)' : '';
  return [
    formatTime(row.created_at),
    row.app_uid ?? row.app_id,
    row.endpoint_uid ?? row.endpoint_id,
    row.message_id,
    row.event_type ?? '-',
    status,
    `${row.response_duration_ms}ms`,
    outcomeText(row) + manual,
  ].join('  ');
}

function jsonLine(row: FeedAttempt): string {
  return JSON.stringify({
    id: row.id,
    timestamp: new Date(row.created_at).toISOString(),
    appId: row.app_id,
    appUid: row.app_uid,
    endpointId: row.endpoint_id,
    endpointUid: row.endpoint_uid,
    msgId: row.message_id,
    eventType: row.event_type,
    responseStatusCode: row.response_status_code,
    responseDurationMs: row.response_duration_ms,
    outcome: row.status === DeliveryStatus.success ? 'success' : 'fail',
    errorCode: row.error_code,
    nextAttempt: row.next_attempt_at === null ? null : new Date(row.next_attempt_at).toISOString(),
    triggerType: row.trigger_type === 1 ? 'manual' : 'scheduled',
  });
}

/** Resolves --app and --endpoint (ids or uids) to ids, so the feed filters on indexed ids. */
async function readFilter(store: Store, args: ParsedArgs): Promise<FeedFilter> {
  const filter: FeedFilter = {};
  const outcome = stringOption(args, 'outcome');
  if (outcome !== undefined) filter.status = OUTCOMES[outcome];

  const appRef = stringOption(args, 'app');
  if (appRef !== undefined) {
    const application = await findApplication(store.db, appRef);
    if (!application) {
      throw new CliError(ExitCode.notFound, `Application not found: ${appRef}. List them with "hookline apps".`);
    }
    filter.appId = application.id;
  }
  const endpointRef = stringOption(args, 'endpoint');
  if (endpointRef !== undefined) {
    let query = store.db
      .selectFrom('endpoints')
      .select('id')
      .where((eb) => eb.or([eb('id', '=', endpointRef), eb('uid', '=', endpointRef)]));
    if (filter.appId !== undefined) query = query.where('app_id', '=', filter.appId);
    const rows = await query.limit(2).execute();
    if (rows.length === 0) {
      const detail = `Endpoint not found: ${endpointRef}. List them with "hookline endpoints APP".`;
      throw new CliError(ExitCode.notFound, detail);
    }
    if (rows.length > 1) {
      throw new UsageError(`Endpoint uid "${endpointRef}" exists in several applications; add --app.`, 'tail');
    }
    filter.endpointId = rows[0]!.id;
  }
  return filter;
}

function readOptions(args: ParsedArgs): { sinceMs: number | undefined; intervalMs: number } {
  const outcome = stringOption(args, 'outcome');
  if (outcome !== undefined && OUTCOMES[outcome] === undefined) {
    throw new UsageError(`Invalid --outcome "${outcome}": use success or fail.`, 'tail');
  }
  const intervalText = stringOption(args, 'interval');
  const intervalMs = intervalText === undefined ? DEFAULT_INTERVAL_MS : parseDurationMs(intervalText);
  if (intervalMs === undefined || intervalMs < 100 || intervalMs > 60_000) {
    throw new UsageError(`Invalid --interval "${intervalText}": expected 100ms to 60s, such as 500ms or 2s.`, 'tail');
  }
  const since = stringOption(args, 'since');
  return { sinceMs: since === undefined ? undefined : parseTime(since, 'since', 'tail'), intervalMs };
}

export const tailCommand: Command = {
  name: 'tail',
  summary: 'Print delivery attempts as they happen, until Ctrl-C.',
  help: `Usage: hookline tail [options]

Prints each delivery attempt as it is recorded, one line each: time (UTC), application,
endpoint (uid when set, else id), message id, event type, HTTP status (--- when no response
arrived), duration, and outcome (success; or fail with its error code and either the next
retry time or "final"). Resends are marked "(resend)". Stops on Ctrl-C (SIGINT) or SIGTERM
and exits 0.

tail reads the database directly, polling the attempts table, so it needs the same
HOOKLINE_DATABASE_URL as hookline serve but no API token, and it works while the API is down,
overloaded or not started (a worker-only deployment).

Options:
  --app APP          only attempts of application APP (id or uid)
  --endpoint EP      only attempts to endpoint EP (id or uid; add --app for a uid used twice)
  --outcome OUTCOME  only success or only fail
  --since TIME       first print the attempts since TIME: 2026-12-04T03:00:00Z, or 15m, 2h
                     ago (default: only attempts from now on)
  --interval DUR     how often to poll: 100ms to 60s (default 1s)
  --json             print one JSON object per line instead
${DATABASE_OPTIONS_HELP}
`,
  options: {
    ...DATABASE_OPTIONS,
    app: { type: 'string' },
    endpoint: { type: 'string' },
    outcome: { type: 'string' },
    since: { type: 'string' },
    interval: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: [],
  async run(args) {
    const { sinceMs, intervalMs } = readOptions(args);
    const store = await openServerDatabase(args);
    try {
      const filter = await readFilter(store, args);
      let feed: AttemptFeed;
      if (sinceMs !== undefined) {
        feed = new AttemptFeed(store.db, filter, sinceMs);
      } else {
        // Marks the attempts of the last LOOKBACK_MS as printed instead of starting at this
        // machine's clock, so a worker whose clock is a few seconds behind is not missed.
        feed = new AttemptFeed(store.db, filter, Date.now() - LOOKBACK_MS);
        await feed.poll();
      }
      await follow(feed, intervalMs, flagOption(args, 'json'));
      return ExitCode.ok;
    } finally {
      await store.close();
    }
  },
};

/** Polls `feed` and prints each attempt until SIGINT or SIGTERM. */
async function follow(feed: AttemptFeed, intervalMs: number, json: boolean): Promise<void> {
  let stopped = false;
  let wake: () => void = () => {};
  const stop = () => {
    stopped = true;
    wake();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // A closed pipe (tail | head) ends the command like Ctrl-C.
  process.stdout.on('error', stop);
  if (!json) process.stderr.write('Waiting for delivery attempts. Press Ctrl-C to stop.\n');

  let failures = 0;
  while (!stopped) {
    let delayMs = intervalMs;
    try {
      const rows = await feed.poll();
      if (failures > 0) process.stderr.write('Database reachable again; tail continues.\n');
      failures = 0;
      const text = rows.map((row) => (json ? jsonLine(row) : formatLine(row))).join('\n');
      if (text !== '' && !stopped) process.stdout.write(`${text}\n`);
    } catch (error) {
      // A database restart should not end the tail an operator is watching.
      failures++;
      if (failures === 1 || failures % 12 === 0) {
        const reason = error instanceof Error ? error.message : String(error);
        process.stderr.write(`Reading attempts failed (${reason}); retrying every ${ERROR_RETRY_MS / 1000} s.\n`);
      }
      delayMs = ERROR_RETRY_MS;
    }
    if (stopped) break;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delayMs);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
