import { ApiClient, API_OPTIONS, API_OPTIONS_HELP } from '../api-client.js';
import { flagOption, listOption, parseTime, stringOption, type Command, type ParsedArgs } from '../args.js';
import { ExitCode, UsageError } from '../errors.js';
import { formatTime, printJson, printTable } from '../output.js';
import { fetchPages, PAGE_OPTIONS, PAGE_OPTIONS_HELP, printPageHint } from '../pages.js';

interface Message {
  id: string;
  eventType: string;
  eventId: string | null;
  channels: string[] | null;
  timestamp: string;
  /** Present when listing the messages of one endpoint. */
  statusText?: string;
  nextAttempt?: string | null;
}

/** The delivery statuses of the Svix API, by name. */
const STATUS_CODES: Record<string, string> = { success: '0', pending: '1', fail: '2', sending: '3' };

function isoOption(args: ParsedArgs, name: string): string | undefined {
  const text = stringOption(args, name);
  return text === undefined ? undefined : new Date(parseTime(text, name, 'messages')).toISOString();
}

/** Builds the API query from the filter options. */
function filterQuery(args: ParsedArgs): Record<string, string | undefined> {
  const eventTypes = listOption(args, 'event-type');
  const status = stringOption(args, 'status');
  if (status !== undefined && STATUS_CODES[status] === undefined) {
    throw new UsageError(`Invalid --status "${status}": use success, pending, fail or sending.`, 'messages');
  }
  if (status !== undefined && stringOption(args, 'endpoint') === undefined) {
    throw new UsageError('--status needs --endpoint: a status belongs to one endpoint.', 'messages');
  }
  return {
    event_types: eventTypes.length > 0 ? eventTypes.join(',') : undefined,
    channel: stringOption(args, 'channel'),
    after: isoOption(args, 'since'),
    before: isoOption(args, 'until'),
    status: status === undefined ? undefined : STATUS_CODES[status],
    with_content: flagOption(args, 'with-payload') ? 'true' : 'false',
  };
}

export const messagesCommand: Command = {
  name: 'messages',
  summary: 'List messages of an application, or of one endpoint with status.',
  help: `Usage: hookline messages APP [options]

Lists the messages of application APP (its id or uid), newest first. With --endpoint, lists
the messages sent to that endpoint with their delivery status there.

Options:
  --event-type TYPE  only this event type; repeat or separate with commas for several
  --channel NAME     only messages sent on this channel
  --since TIME       only messages created after TIME
  --until TIME       only messages created before TIME
  --endpoint EP      the messages of this endpoint (id or uid), with a STATUS column
  --status STATUS    with --endpoint: success, pending, fail or sending
  --with-payload     include each payload in --json output
  --json             print the page as JSON ({ data, iterator, done }) instead of a table
${PAGE_OPTIONS_HELP}
${API_OPTIONS_HELP}

TIME is an ISO 8601 date-time (2026-12-04T03:00:00Z; without a zone it is local time), a
date (2026-12-04, midnight UTC), or a duration ago: 90s, 15m, 2h, 7d, 1w.
`,
  options: {
    ...API_OPTIONS,
    ...PAGE_OPTIONS,
    'event-type': { type: 'string', multiple: true },
    channel: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    endpoint: { type: 'string' },
    status: { type: 'string' },
    'with-payload': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  positionals: ['APP'],
  async run(args) {
    const app = args.positionals[0]!;
    const endpoint = stringOption(args, 'endpoint');
    const query = filterQuery(args);
    const client = ApiClient.fromArgs(args);
    const appPath = `/api/v1/app/${encodeURIComponent(app)}`;
    const path = endpoint ? `${appPath}/endpoint/${encodeURIComponent(endpoint)}/msg` : `${appPath}/msg`;
    const result = await fetchPages<Message>(client, path, query, args, 'messages');
    if (flagOption(args, 'json')) {
      printJson(result);
      return ExitCode.ok;
    }

    const headers = ['ID', 'EVENT TYPE', 'CHANNELS', 'CREATED'];
    if (endpoint) headers.push('STATUS', 'NEXT ATTEMPT');
    const rows = result.data.map((msg) => {
      const row: unknown[] = [msg.id, msg.eventType, msg.channels, formatTime(msg.timestamp)];
      if (endpoint) row.push(msg.statusText, msg.nextAttempt ? formatTime(msg.nextAttempt) : null);
      return row;
    });
    printTable(headers, rows, 'No messages.');
    printPageHint(result);
    return ExitCode.ok;
  },
};
