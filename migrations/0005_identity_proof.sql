CREATE TABLE `identity_codes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`person_id` integer NOT NULL,
	`channel` text NOT NULL,
	`chat_id` text NOT NULL,
	`code_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`tries` integer DEFAULT 0 NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `identity_codes_person_idx` ON `identity_codes` (`person_id`,`expires_at`);--> statement-breakpoint
ALTER TABLE `channel_identities` ADD `link_expires_at` integer;--> statement-breakpoint
ALTER TABLE `channel_identities` ADD `proved_at` integer;--> statement-breakpoint
ALTER TABLE `identity_attempts` ADD `subject` text;--> statement-breakpoint
CREATE INDEX `identity_attempts_subject_idx` ON `identity_attempts` (`subject`,`at`);