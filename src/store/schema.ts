/**
 * Table types for Kysely. Times are milliseconds since the epoch, booleans are 0 or 1, and
 * JSON columns hold text, so one set of queries serves every storage engine.
 */
export interface ApplicationTable {
  id: string;
  uid: string | null;
  name: string;
  rate_limit: number | null;
  throttle_rate: number | null;
  metadata: string;
  created_at: number;
  updated_at: number;
}

export interface EventTypeTable {
  name: string;
  description: string;
  archived: number;
  deprecated: number;
  feature_flag: string | null;
  schemas: string | null;
  created_at: number;
  updated_at: number;
}

export interface EndpointTable {
  id: string;
  app_id: string;
  uid: string | null;
  url: string;
  description: string;
  version: number;
  disabled: number;
  /** Why the endpoint is disabled: `manual`, or `gone` after it returned 410. */
  disabled_reason: string | null;
  filter_types: string | null;
  channels: string | null;
  /** The current signing secret; encrypted when HOOKLINE_MAIN_KEY is set. */
  secret: string;
  /**
   * JSON list of `{ key, expiresAt }`, the secrets replaced by rotation, newest first;
   * encrypted as a whole when HOOKLINE_MAIN_KEY is set.
   */
  previous_secrets: string;
  rate_limit: number | null;
  throttle_rate: number | null;
  metadata: string;
  headers: string;
  created_at: number;
  updated_at: number;
}

export interface MessageTable {
  id: string;
  app_id: string;
  event_type: string;
  event_id: string | null;
  /** The exact JSON bytes sent to every endpoint, as UTF-8 text. */
  payload: string | null;
  channels: string | null;
  tags: string | null;
  /** When the payload is removed by the retention cleanup; null keeps it. */
  payload_expires_at: number | null;
  created_at: number;
}

/** One message bound for one endpoint: the unit the queue schedules and leases. */
export interface DeliveryTable {
  /** `{messageId}:{endpointId}` for the scheduled delivery, so there is only one per pair. */
  id: string;
  message_id: string;
  endpoint_id: string;
  app_id: string;
  status: number;
  /** 0 for the scheduled delivery, 1 for a manual resend, which is tried once. */
  trigger_type: number;
  attempt_count: number;
  next_attempt_at: number | null;
  lease_owner: string | null;
  lease_expires_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface AttemptTable {
  id: string;
  message_id: string;
  endpoint_id: string;
  app_id: string;
  url: string;
  status: number;
  response_status_code: number;
  response: string;
  response_duration_ms: number;
  error_code: string | null;
  error_detail: string | null;
  trigger_type: number;
  next_attempt_at: number | null;
  created_at: number;
  /** JSON object of the request headers sent, sensitive values masked; null before 0006. */
  request_headers: string | null;
}

export interface ApiTokenTable {
  id: string;
  token_hash: string;
  name: string;
  /** Set for app portal tokens: the only application the token may reach. */
  app_id: string | null;
  expires_at: number | null;
  read_only: number;
  created_at: number;
}

/** A long-running job such as an endpoint recovery, run by whichever process picks it up. */
export interface BackgroundTaskTable {
  id: string;
  /** The Svix task type, such as `endpoint.recover`. */
  task: string;
  /** `running`, `finished` or `failed`. */
  status: string;
  app_id: string;
  endpoint_id: string;
  /** JSON: the task's input, such as `{ since, until }` in milliseconds. */
  params: string;
  /** JSON: the task's result, returned as `data`. */
  data: string;
  created_at: number;
  updated_at: number;
}

export interface IdempotencyKeyTable {
  scope_key: string;
  state: string;
  response_status: number | null;
  response_body: string | null;
  created_at: number;
}

/** Server-wide values, such as the check value of the secret encryption key. */
export interface SettingTable {
  name: string;
  value: string;
  updated_at: number;
}

/** An inbound source: where a provider posts, and how its requests are verified. */
export interface IngestSourceTable {
  id: string;
  uid: string | null;
  name: string;
  type: string;
  /** The verifier settings and limits as JSON, secrets included. */
  config: string;
  metadata: string;
  /** The application whose endpoints receive what the source accepts. */
  app_id: string;
  created_at: number;
  updated_at: number;
}

/** How many requests a source rejected for one reason. */
export interface IngestRejectionTable {
  source_id: string;
  reason: string;
  count: number;
  last_at: number;
}

/** Delivery state of one endpoint, shared by every worker; absent until its first attempt. */
export interface EndpointHealthTable {
  endpoint_id: string;
  /** Earliest time the next attempt may start, from throttleRate or backoff pacing. */
  next_send_at: number;
  /** No attempt starts before this time, after a 429, a 503 or a Retry-After. */
  paused_until: number;
  /** Steps of backoff still to recover; each success removes one. */
  backoff_level: number;
  /** Start of the current run of failed attempts, or null after a success. */
  failing_since: number | null;
  consecutive_failures: number;
  updated_at: number;
}

export interface Database {
  endpoint_health: EndpointHealthTable;
  applications: ApplicationTable;
  event_types: EventTypeTable;
  endpoints: EndpointTable;
  messages: MessageTable;
  deliveries: DeliveryTable;
  attempts: AttemptTable;
  api_tokens: ApiTokenTable;
  idempotency_keys: IdempotencyKeyTable;
  settings: SettingTable;
  ingest_sources: IngestSourceTable;
  ingest_rejections: IngestRejectionTable;
  background_tasks: BackgroundTaskTable;
}
