import { Migration } from '@mikro-orm/migrations';

export class Migration20261127005225_retention extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index "events_occurred_at_index" on "events" ("occurred_at");`);

    this.addSql(`create index "usage_idempotency_created_at_index" on "usage_idempotency" ("created_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "events_occurred_at_index";`);

    this.addSql(`drop index "usage_idempotency_created_at_index";`);
  }

}
