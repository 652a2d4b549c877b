CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`type` text NOT NULL,
	`entity` text NOT NULL,
	`entity_id` text NOT NULL,
	`slug` text,
	`feed` text,
	`data` text DEFAULT '{}' NOT NULL,
	`surrogate_keys` text DEFAULT '[]' NOT NULL,
	`occurred_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_feed` ON `events` (`feed`,`id`);--> statement-breakpoint
CREATE TABLE `preview_links` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`article_id` text NOT NULL,
	`revision` integer,
	`token_hash` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`article_id`) REFERENCES `articles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `preview_links_token_unique` ON `preview_links` (`token_hash`);--> statement-breakpoint
CREATE INDEX `preview_links_article` ON `preview_links` (`article_id`,`id`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`webhook_id` integer NOT NULL,
	`event_id` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`lease_until` integer,
	`last_attempt_at` integer,
	`last_status` integer,
	`last_error` text,
	`last_response` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`webhook_id`) REFERENCES `webhooks`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due` ON `webhook_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_webhook` ON `webhook_deliveries` (`webhook_id`,`id`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_event` ON `webhook_deliveries` (`event_id`);--> statement-breakpoint
CREATE TABLE `webhooks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`url` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`events` text NOT NULL,
	`secret` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`disabled_reason` text,
	`disabled_at` integer,
	`failure_streak` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `events` (`type`, `entity`, `entity_id`, `slug`, `feed`, `data`, `surrogate_keys`, `occurred_at`)
SELECT 'tag.published', 'tag', CAST(`id` AS TEXT), `slug`, 'upsert',
  json_object('id', `id`, 'slug', `slug`, 'name', `name`),
  json_array('tags', 'tag:' || `slug`), `updated_at`
FROM `tags` WHERE EXISTS (SELECT 1 FROM `article_tags` WHERE `article_tags`.`tag_id` = `tags`.`id`) ORDER BY `id`;
--> statement-breakpoint
INSERT INTO `events` (`type`, `entity`, `entity_id`, `slug`, `feed`, `data`, `surrogate_keys`, `occurred_at`)
SELECT 'credit.published', 'credit', CAST(`id` AS TEXT), NULL, 'upsert',
  json_object('id', `id`, 'name', `name`),
  json_array('credits', 'credit:' || `id`), `updated_at`
FROM `credits` WHERE EXISTS (SELECT 1 FROM `article_credits` WHERE `article_credits`.`credit_id` = `credits`.`id`) ORDER BY `id`;
--> statement-breakpoint
INSERT INTO `events` (`type`, `entity`, `entity_id`, `slug`, `feed`, `data`, `surrogate_keys`, `occurred_at`)
SELECT 'article.published', 'article', `id`, `slug`, 'upsert',
  json_object('id', `id`, 'slug', `slug`, 'title', `title`, 'revision', `published_revision`),
  json_array('articles', 'article:' || `id`, 'tags', 'credits'), coalesce(`published_updated_at`, `published_at`)
FROM `articles` WHERE `status` = 'published' ORDER BY `published_at`, `id`;
