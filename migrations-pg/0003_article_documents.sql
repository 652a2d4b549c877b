CREATE TABLE "article_documents" (
	"article_id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"slug" text COLLATE "C",
	"teaser" text COLLATE "C",
	"etag" text COLLATE "C",
	"keys" text COLLATE "C",
	"body" text COLLATE "C"
);
--> statement-breakpoint
ALTER TABLE "article_documents" ADD CONSTRAINT "article_documents_article_id_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "article_documents_slug" ON "article_documents" USING btree ("slug");--> statement-breakpoint
INSERT INTO "article_documents" ("article_id") SELECT "id" FROM "articles";
--> statement-breakpoint
CREATE FUNCTION "article_documents_stale"(ids text[]) RETURNS void LANGUAGE sql AS $$
	UPDATE "article_documents" SET "version" = "version" + 1, "slug" = NULL, "teaser" = NULL, "etag" = NULL, "keys" = NULL, "body" = NULL
	WHERE "article_id" = ANY (ids);
$$;
--> statement-breakpoint
CREATE FUNCTION "article_documents_on_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_TABLE_NAME = 'articles' THEN
		IF TG_OP = 'INSERT' THEN
			INSERT INTO "article_documents" ("article_id") VALUES (NEW."id") ON CONFLICT DO NOTHING;
		ELSE
			PERFORM "article_documents_stale"(ARRAY[OLD."id", NEW."id"]);
		END IF;
	ELSIF TG_TABLE_NAME = 'tags' THEN
		PERFORM "article_documents_stale"(ARRAY(SELECT "article_id" FROM "article_tags" WHERE "tag_id" = NEW."id"));
	ELSIF TG_TABLE_NAME = 'credits' THEN
		PERFORM "article_documents_stale"(ARRAY(SELECT "article_id" FROM "article_credits" WHERE "credit_id" = NEW."id"));
	ELSIF TG_OP = 'INSERT' THEN
		PERFORM "article_documents_stale"(ARRAY[NEW."article_id"]);
	ELSIF TG_OP = 'DELETE' THEN
		PERFORM "article_documents_stale"(ARRAY[OLD."article_id"]);
	ELSE
		PERFORM "article_documents_stale"(ARRAY[OLD."article_id", NEW."article_id"]);
	END IF;
	RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "article_documents_new" AFTER INSERT ON "articles" FOR EACH ROW EXECUTE FUNCTION "article_documents_on_write"();
--> statement-breakpoint
CREATE TRIGGER "article_documents_article" AFTER UPDATE ON "articles" FOR EACH ROW EXECUTE FUNCTION "article_documents_on_write"();
--> statement-breakpoint
CREATE TRIGGER "article_documents_tags" AFTER INSERT OR UPDATE OR DELETE ON "article_tags" FOR EACH ROW EXECUTE FUNCTION "article_documents_on_write"();
--> statement-breakpoint
CREATE TRIGGER "article_documents_credits" AFTER INSERT OR UPDATE OR DELETE ON "article_credits" FOR EACH ROW EXECUTE FUNCTION "article_documents_on_write"();
--> statement-breakpoint
CREATE TRIGGER "article_documents_tag" AFTER UPDATE OF "slug", "name" ON "tags" FOR EACH ROW
	WHEN (OLD."slug" IS DISTINCT FROM NEW."slug" OR OLD."name" IS DISTINCT FROM NEW."name")
	EXECUTE FUNCTION "article_documents_on_write"();
--> statement-breakpoint
CREATE TRIGGER "article_documents_credit" AFTER UPDATE ON "credits" FOR EACH ROW
	WHEN (OLD."name" IS DISTINCT FROM NEW."name" OR OLD."organization" IS DISTINCT FROM NEW."organization" OR OLD."url" IS DISTINCT FROM NEW."url" OR OLD."license" IS DISTINCT FROM NEW."license")
	EXECUTE FUNCTION "article_documents_on_write"();
