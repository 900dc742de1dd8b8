import { Migration } from '@mikro-orm/migrations';

export class Migration20261126184338_daily_shards extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "usage_daily" drop constraint "usage_daily_pkey";`);

    this.addSql(`alter table "usage_daily" add column "shard" smallint not null default 0;`);
    this.addSql(`alter table "usage_daily" add constraint "usage_daily_pkey" primary key ("tenant_id", "day", "resource", "metric", "shard");`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "usage_daily" drop constraint "usage_daily_pkey";`);
    this.addSql(`alter table "usage_daily" drop column "shard";`);

    this.addSql(`alter table "usage_daily" add constraint "usage_daily_pkey" primary key ("tenant_id", "day", "resource", "metric");`);
  }

}
