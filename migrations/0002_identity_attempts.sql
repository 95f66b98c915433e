CREATE TABLE `identity_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`channel` text NOT NULL,
	`chat_id` text NOT NULL,
	`at` integer NOT NULL,
	`succeeded` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `identity_attempts_chat_idx` ON `identity_attempts` (`channel`,`chat_id`,`at`);