CREATE TABLE `staff_api_tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`staff_id` integer NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`expires_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`staff_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `staff_api_tokens_token_hash_unique` ON `staff_api_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `staff_api_tokens_staff_idx` ON `staff_api_tokens` (`staff_id`);