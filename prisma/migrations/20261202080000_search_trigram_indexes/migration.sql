-- The user search (a case-insensitive substring of the name or the email) through trigram indexes:
-- src/server/search/users.ts asks them for the matching rows instead of walking the whole table.
-- pg_trgm is a trusted extension: the database owner may create it without the superuser.
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateIndex
CREATE INDEX "users_name_trgm_idx" ON "users" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "users_email_trgm_idx" ON "users" USING GIN ("email" gin_trgm_ops);
