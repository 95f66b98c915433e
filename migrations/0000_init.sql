CREATE TABLE `app_meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`entity` text,
	`entity_id` text,
	`details` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_at_idx` ON `audit_log` (`at`);--> statement-breakpoint
CREATE TABLE `bimtek_sessions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`title` text NOT NULL,
	`target_group` text NOT NULL,
	`region_id` integer NOT NULL,
	`mode` text NOT NULL,
	`venue` text,
	`map_url` text,
	`meeting_url` text,
	`province_code` text,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`time_zone` text NOT NULL,
	`capacity` integer NOT NULL,
	`registration_opens_at` integer NOT NULL,
	`registration_closes_at` integer NOT NULL,
	`is_demo` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`region_id`) REFERENCES `regions`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "bimtek_sessions_capacity_ck" CHECK("bimtek_sessions"."capacity" > 0),
	CONSTRAINT "bimtek_sessions_times_ck" CHECK("bimtek_sessions"."ends_at" > "bimtek_sessions"."starts_at")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bimtek_sessions_code_unique` ON `bimtek_sessions` (`code`);--> statement-breakpoint
CREATE INDEX `bimtek_sessions_starts_idx` ON `bimtek_sessions` (`starts_at`);--> statement-breakpoint
CREATE TABLE `certificates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`number` text NOT NULL,
	`display_number` text NOT NULL,
	`holder_name` text NOT NULL,
	`person_id` integer,
	`nik_hash` text,
	`scheme` text NOT NULL,
	`level` text,
	`issuer` text DEFAULT 'LSP Kemensos' NOT NULL,
	`issued_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`status_reason` text,
	`status_changed_at` integer,
	`is_demo` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `certificates_number_unique` ON `certificates` (`number`);--> statement-breakpoint
CREATE INDEX `certificates_person_idx` ON `certificates` (`person_id`);--> statement-breakpoint
CREATE TABLE `certification_stages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`person_id` integer NOT NULL,
	`stage` text NOT NULL,
	`reached_at` integer NOT NULL,
	`due_at` integer,
	`note` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `certification_stages_person_idx` ON `certification_stages` (`person_id`,`reached_at`);--> statement-breakpoint
CREATE TABLE `channel_identities` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`channel` text NOT NULL,
	`user_id` text NOT NULL,
	`alt_user_id` text,
	`chat_id` text NOT NULL,
	`person_id` integer,
	`language` text DEFAULT 'id' NOT NULL,
	`reminders_enabled` integer DEFAULT true NOT NULL,
	`blocked_at` integer,
	`linked_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `channel_identities_user_uq` ON `channel_identities` (`channel`,`user_id`);--> statement-breakpoint
CREATE INDEX `channel_identities_alt_idx` ON `channel_identities` (`channel`,`alt_user_id`);--> statement-breakpoint
CREATE INDEX `channel_identities_person_idx` ON `channel_identities` (`person_id`);--> statement-breakpoint
CREATE TABLE `consent_records` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`person_id` integer,
	`channel` text NOT NULL,
	`chat_id` text NOT NULL,
	`purpose` text NOT NULL,
	`reference` text,
	`text_version` text NOT NULL,
	`granted` integer NOT NULL,
	`recorded_at` integer NOT NULL,
	`withdrawn_at` integer,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `consent_records_chat_idx` ON `consent_records` (`channel`,`chat_id`);--> statement-breakpoint
CREATE TABLE `conversation_states` (
	`channel` text NOT NULL,
	`chat_id` text NOT NULL,
	`language` text DEFAULT 'id' NOT NULL,
	`flow` text,
	`step` text,
	`data` text DEFAULT '{}' NOT NULL,
	`version` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`channel`, `chat_id`)
);
--> statement-breakpoint
CREATE INDEX `conversation_states_open_flow_idx` ON `conversation_states` (`updated_at`) WHERE "conversation_states"."flow" is not null;--> statement-breakpoint
CREATE TABLE `exams` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`person_id` integer NOT NULL,
	`kind` text NOT NULL,
	`mode` text NOT NULL,
	`venue` text,
	`meeting_url` text,
	`starts_at` integer NOT NULL,
	`time_zone` text NOT NULL,
	`notes` text,
	`is_demo` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `exams_person_idx` ON `exams` (`person_id`);--> statement-breakpoint
CREATE INDEX `exams_starts_idx` ON `exams` (`starts_at`);--> statement-breakpoint
CREATE TABLE `handoff_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`channel` text NOT NULL,
	`chat_id` text NOT NULL,
	`person_id` integer,
	`name` text NOT NULL,
	`phone_e164` text,
	`topic` text NOT NULL,
	`question` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`closed_at` integer,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `handoff_requests_code_unique` ON `handoff_requests` (`code`);--> statement-breakpoint
CREATE INDEX `handoff_requests_status_idx` ON `handoff_requests` (`status`,`created_at`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`idempotency_key` text NOT NULL,
	`channel` text NOT NULL,
	`chat_id` text NOT NULL,
	`person_id` integer,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	`due_at` integer NOT NULL,
	`expires_at` integer,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`claimed_at` integer,
	`sent_at` integer,
	`last_error` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_idempotency_key_unique` ON `outbox` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `outbox_due_idx` ON `outbox` (`status`,`due_at`);--> statement-breakpoint
CREATE TABLE `people` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`full_name` text NOT NULL,
	`nik_hash` text,
	`nik_ciphertext` text,
	`birth_date` text,
	`phone_e164` text,
	`province_code` text,
	`regency` text,
	`profession_group` text,
	`institution` text,
	`time_zone` text DEFAULT 'Asia/Jakarta' NOT NULL,
	`is_demo` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `people_nik_hash_uq` ON `people` (`nik_hash`);--> statement-breakpoint
CREATE INDEX `people_phone_idx` ON `people` (`phone_e164`);--> statement-breakpoint
CREATE TABLE `processed_messages` (
	`channel` text NOT NULL,
	`chat_id` text NOT NULL,
	`message_id` text NOT NULL,
	`received_at` integer NOT NULL,
	PRIMARY KEY(`channel`, `chat_id`, `message_id`)
);
--> statement-breakpoint
CREATE INDEX `processed_messages_received_idx` ON `processed_messages` (`received_at`);--> statement-breakpoint
CREATE TABLE `regions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`city` text NOT NULL,
	`time_zone` text NOT NULL,
	`province_codes` text DEFAULT '' NOT NULL,
	`is_demo` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `regions_code_unique` ON `regions` (`code`);--> statement-breakpoint
CREATE TABLE `registrations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`session_id` integer NOT NULL,
	`person_id` integer NOT NULL,
	`status` text NOT NULL,
	`waitlisted_at` integer,
	`offer_expires_at` integer,
	`attended_at` integer,
	`cancelled_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `bimtek_sessions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `registrations_code_unique` ON `registrations` (`code`);--> statement-breakpoint
CREATE UNIQUE INDEX `registrations_person_session_uq` ON `registrations` (`session_id`,`person_id`);--> statement-breakpoint
CREATE INDEX `registrations_session_status_idx` ON `registrations` (`session_id`,`status`);