// A webhook receiver for trying Hookline locally: it verifies each request's Standard
// Webhooks signature and prints the event. Usage:
//   WEBHOOK_SECRET=whsec_... node examples/receiver.mjs [port]
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';

const secret = process.env.WEBHOOK_SECRET;
if (!secret) {
  console.error('Set WEBHOOK_SECRET to the endpoint secret (GET .../endpoint/{id}/secret).');
  process.exit(2);
}
const port = Number(process.argv[2] ?? 9000);
const webhook = new Webhook(secret);

createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    try {
      const payload = webhook.verify(body, request.headers);
      console.log(`verified ${request.headers['webhook-id']}: ${JSON.stringify(payload)}`);
      response.writeHead(204).end();
    } catch (error) {
      console.log(`rejected: ${error.message}`);
      response.writeHead(400).end();
    }
  });
}).listen(port, '127.0.0.1', () => console.log(`receiver listening on http://127.0.0.1:${port}`));
