import { ApiClient, API_OPTIONS, API_OPTIONS_HELP } from '../api-client.js';
import { type Command } from '../args.js';
import { ExitCode } from '../errors.js';

export const resendCommand: Command = {
  name: 'resend',
  summary: 'Send a message to an endpoint again.',
  help: `Usage: hookline resend APP MESSAGE ENDPOINT [options]

Queues one more attempt of message MESSAGE to endpoint ENDPOINT of application APP (ids or
uids; the message by id or eventId). It is tried once, even if the endpoint's event type
filters would skip the message, and the receiver gets the message's usual webhook-id.

Options:
${API_OPTIONS_HELP}
`,
  options: { ...API_OPTIONS },
  positionals: ['APP', 'MESSAGE', 'ENDPOINT'],
  async run(args) {
    const [app, message, endpoint] = args.positionals.map(encodeURIComponent);
    const client = ApiClient.fromArgs(args);
    await client.post(`/api/v1/app/${app}/msg/${message}/endpoint/${endpoint}/resend`);
    process.stdout.write(`Resend queued: message ${args.positionals[1]} to endpoint ${args.positionals[2]}.\n`);
    return ExitCode.ok;
  },
};
