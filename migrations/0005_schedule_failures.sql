DROP INDEX `article_schedules_due`;--> statement-breakpoint
ALTER TABLE `article_schedules` ADD `failed_at` integer;--> statement-breakpoint
ALTER TABLE `article_schedules` ADD `failure_reason` text;--> statement-breakpoint
CREATE INDEX `article_schedules_pending` ON `article_schedules` (`at`) WHERE "article_schedules"."failed_at" is null;