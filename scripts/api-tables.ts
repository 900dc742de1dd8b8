/**
 * `npm run api-tables`: prints README's REST route table and GraphQL field table from the code
 * (a test fails when README disagrees with them).
 */
import 'reflect-metadata';
import { getDirective } from '@graphql-tools/utils';
import { OPERATIONS } from '../src/auth/operations';
import { buildGraphQLSchema } from '../src/graphql/schema';
import { scopeCell } from '../src/rest/openapi';
import { REST_ROUTES } from '../src/rest/routes';


async function main() {
  console.log('| method | path | operation | scopes | status | source |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of REST_ROUTES) {
    const access = OPERATIONS[r.operation];
    console.log(`| ${r.method} | \`${r.path}\` | ${r.operation} | ${scopeCell('public' in access ? undefined : access.scopes)} | ${r.status ?? 200} | ${r.source} |`);
  }
  const schema = await buildGraphQLSchema();
  console.log('\n| field | scopes |\n| --- | --- |');
  for (const type of [schema.getQueryType()!, schema.getMutationType()!]) {
    for (const field of Object.values(type.getFields())) {
      const scopes = getDirective(schema, field, 'requiresScopes')?.[0]?.scopes as string[][] | undefined;
      const args = field.args.length ? `(${field.args.map((a) => a.name).join(', ')})` : '';
      console.log(`| \`${type.name}.${field.name}${args}\` | ${scopeCell(scopes)} |`);
    }
  }
}

if (require.main === module) main();
