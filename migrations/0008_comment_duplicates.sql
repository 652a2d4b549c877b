CREATE TABLE `comment_duplicates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`comment_id` integer NOT NULL,
	`ip_hash` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`comment_id`) REFERENCES `comments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `comment_duplicates_ip_time` ON `comment_duplicates` (`ip_hash`,`at`);--> statement-breakpoint
CREATE INDEX `comment_duplicates_comment_time` ON `comment_duplicates` (`comment_id`,`at`);--> statement-breakpoint
CREATE INDEX `comment_duplicates_time` ON `comment_duplicates` (`at`);